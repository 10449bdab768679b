"""The allowed moves of a training session: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.training.enums import SessionStatus

SESSION = Workflow.from_pairs(
    subject="培训场次",
    states=SessionStatus,
    allowed={SessionStatus.SCHEDULED: (SessionStatus.CANCELLED,)},
)
