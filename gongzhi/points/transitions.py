"""The allowed moves of a claim (积分申报): data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.points.enums import ClaimStatus

CLAIM = Workflow.from_pairs(
    subject="积分申报",
    states=ClaimStatus,
    allowed={ClaimStatus.PENDING: (ClaimStatus.APPROVED, ClaimStatus.CHANGED, ClaimStatus.REJECTED)},
)
