"""The allowed moves of an owners' committee: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.property.enums import CommitteeStatus as S

COMMITTEE = Workflow(
    subject="业委会",
    states=S,
    moves={"file": {S.ELECTED: S.FILED}, "end": {S.ELECTED: S.ENDED, S.FILED: S.ENDED}},
    verbs={"file": "备案", "end": "终止"},
)
