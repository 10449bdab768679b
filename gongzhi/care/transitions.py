"""The allowed moves of a care-group membership: data only, checked by ``gongzhi.core.workflow.check_move``.
A person who comes back into a group gets a new membership; an exited one stays as it was (the record)."""

from __future__ import annotations

from gongzhi.care.enums import MembershipStatus
from gongzhi.core.workflow import Workflow

MEMBERSHIP = Workflow.from_pairs(
    subject="重点人群成员",
    states=MembershipStatus,
    allowed={MembershipStatus.ACTIVE: (MembershipStatus.EXITED,)},
)
