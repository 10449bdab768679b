"""Scheduling a course's sessions (one per step of a 训练营), at a venue booked for it, and cancelling one.

A session at a venue books the venue for its time through the venues' booking service (linked to the
session), so a room is never given to two trainings, or to a training and a meeting, at once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.training.enums import SessionStatus
from gongzhi.training.models import TrainingSession
from gongzhi.training.selectors import course_get_for_actor, training_session_get_for_actor
from gongzhi.training.services._validation import _raise, _text
from gongzhi.training.transitions import SESSION
from gongzhi.volunteers.services.activities import new_token

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@transaction.atomic
def training_session_schedule(
    *,
    actor: Actor,
    course_id: int,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    step: int = 1,
    venue_id: int | None = None,
    place_text: str = "",
    attendees: int = 1,
    past_ok: bool = False,
) -> TrainingSession:
    from gongzhi.venues.enums import BookerKind, LinkKind
    from gongzhi.venues.selectors import venue_get_for_actor
    from gongzhi.venues.services.bookings import BookingInput, booking_create

    course = course_get_for_actor(actor=actor, course_id=course_id)
    require(actor, "training.manage_training", course)
    errors: dict[str, str] = {}
    place_text = _text(errors, "place_text", place_text, gettext("地点"), 200, False)
    if (
        starts_at is None
        or ends_at is None
        or not bounds.date_in_range(starts_at)
        or not bounds.date_in_range(ends_at)
    ):
        errors["starts_at"] = gettext("请填写开始时间和结束时间")
    elif ends_at <= starts_at:
        errors["ends_at"] = gettext("结束时间应晚于开始时间")
    elif ends_at - starts_at > dt.timedelta(hours=12):
        errors["ends_at"] = gettext("一场培训不能超过12小时")
    elif not past_ok and starts_at < timezone.now():
        errors["starts_at"] = gettext("不能安排在已经过去的时间")
    if not isinstance(step, int) or not 1 <= step <= course.steps:
        errors["step"] = gettext("阶段应为1到%(steps)s") % {"steps": course.steps}
    venue = None
    if venue_id:
        try:
            venue = venue_get_for_actor(actor=actor, venue_id=venue_id)
        except Exception:
            errors["venue_id"] = gettext("阵地不存在或无权使用")
    if venue is None and not place_text:
        errors["place_text"] = gettext("请选择阵地或填写地点")
    _raise(errors)
    assert starts_at is not None and ends_at is not None
    session = TrainingSession(
        course=course,
        step=step,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        place_text=place_text or (venue.name if venue else ""),
        qr_token=new_token(),
        district_code=course.district_code,
        subdistrict_code=course.subdistrict_code,
        community_code=course.community_code,
        grid_code="",
    )
    session.save()
    if venue is not None and not past_ok:
        booking = booking_create(
            actor=actor,
            venue_id=venue.pk,
            data=BookingInput(
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=f"培训：{course.title}"[:100],
                attendees=min(max(attendees, 1), venue.capacity),
                booker_kind=BookerKind.STAFF,
                linked_kind=LinkKind.TRAINING,
                linked_id=session.pk,
            ),
        )
        session.booking_id = booking.pk
        session.save(update_fields=["booking_id", "updated_at"])
    audit_record(
        actor=actor,
        target=session,
        event="training.session_scheduled",
        data={
            "course": course.pk,
            "step": step,
            "starts_at": starts_at.isoformat(),
            "venue": venue.pk if venue else None,
        },
    )
    return session


@transaction.atomic
def training_session_cancel(*, actor: Actor, session_id: int, reason: str = "") -> TrainingSession:
    from gongzhi.venues.services.bookings import booking_cancel

    visible = training_session_get_for_actor(actor=actor, session_id=session_id)
    require(actor, "training.manage_training", visible)
    session = TrainingSession.objects.select_for_update(of=("self",)).get(pk=visible.pk)
    check_move(SESSION, SessionStatus.CANCELLED, session.status)
    if session.attended_count:
        raise ValidationFailed(
            gettext("已有学员签到，不能取消"), fields={"session_id": gettext("已有学员签到，不能取消")}
        )
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    if session.booking_id:
        booking_cancel(actor=actor, booking_id=session.booking_id, reason=f"培训取消 {reason}".strip()[:200])
    audit_record(
        actor=actor, target=session, event="training.session_cancelled", data={"reason": reason[:200]}
    )
    return session
