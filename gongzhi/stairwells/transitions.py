"""The allowed moves of a captain election: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.stairwells.enums import ElectionStatus

ELECTION = Workflow(
    subject="楼道长选举",
    states=ElectionStatus,
    moves={
        "vote": {ElectionStatus.OPEN: ElectionStatus.OPEN},
        "close": {ElectionStatus.OPEN: ElectionStatus.CLOSED},
        "void": {ElectionStatus.OPEN: ElectionStatus.VOID},
    },
    verbs={"vote": "投票", "close": "计票", "void": "计票"},
)
