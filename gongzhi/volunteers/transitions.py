"""The allowed moves of sign-ups, attendance-derived hours and edit requests: data only, checked by
``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.volunteers.enums import EditRequestStatus, HoursStatus, SignUpStatus

SIGNUP = Workflow.from_pairs(
    subject="报名",
    states=SignUpStatus,
    allowed={
        SignUpStatus.SIGNED_UP: (SignUpStatus.CANCELLED, SignUpStatus.ATTENDED),
        SignUpStatus.WAITING: (SignUpStatus.SIGNED_UP, SignUpStatus.CANCELLED),
    },
)
HOURS = Workflow.from_pairs(
    subject="服务时长",
    states=HoursStatus,
    # a confirmed record is corrected only through an approved edit request
    allowed={HoursStatus.PENDING: (HoursStatus.CONFIRMED, HoursStatus.REJECTED)},
)
EDIT_REQUEST = Workflow.from_pairs(
    subject="更正申请",
    states=EditRequestStatus,
    allowed={EditRequestStatus.PENDING: (EditRequestStatus.APPROVED, EditRequestStatus.REJECTED)},
)
