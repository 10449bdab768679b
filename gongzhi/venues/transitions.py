"""The allowed moves of a booking: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.venues.enums import BookingStatus

BOOKING = Workflow.from_pairs(
    subject="预约",
    states=BookingStatus,
    allowed={BookingStatus.CONFIRMED: (BookingStatus.CANCELLED,)},
)
