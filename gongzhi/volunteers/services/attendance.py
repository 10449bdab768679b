"""Check-in and check-out: a QR scan on the volunteer's phone, or entered by the organiser for people
without one. Checking out makes the session's service hours (pending until the organiser confirms them,
``services/hours.py``).

One volunteer cannot be in two places at once: a check-in or an organiser's entry whose time overlaps
another attendance of the same volunteer is refused. The volunteer's row is locked first, so two such
writes for one volunteer run one after the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.core.workflow import check_move
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import AttendanceSource, SessionStatus, SignUpStatus
from gongzhi.volunteers.models import ActivitySession, Attendance, ServiceHours, SignUp, Volunteer
from gongzhi.volunteers.selectors.activities import session_by_token, session_get_for_actor
from gongzhi.volunteers.selectors.attendance import attendance_overlapping
from gongzhi.volunteers.selectors.teams import volunteer_of
from gongzhi.volunteers.services._common import _fmt, _locked_volunteer, _refuse_overlap
from gongzhi.volunteers.services.hours import counted_span, hours_between
from gongzhi.volunteers.transitions import SIGNUP

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

EARLY_CHECK_IN = dt.timedelta(minutes=30)  # the QR code works from half an hour before the start
ORGANIZER_SLACK = dt.timedelta(hours=2)  # an organiser's entry may lie this far outside the session
NOT_ORGANIZER = "只有活动组织者或本社区工作人员可以执行此操作（谁组织谁记录）"


def _make_hours(attendance: Attendance, session: ActivitySession) -> ServiceHours | None:
    assert attendance.check_out_at is not None
    start, end = counted_span(
        attendance.check_in_at, attendance.check_out_at, session.starts_at, session.ends_at
    )
    if end <= start:
        return None
    hours = ServiceHours(
        attendance=attendance,
        volunteer_id=attendance.volunteer_id,
        team_id=session.activity.team_id,
        session=session,
        served_on=timezone.localtime(start).date(),
        started_at=start,
        ended_at=end,
        hours=hours_between(start, end),
    )
    hours.set_place_codes(community_code=session.community_code)
    hours.save()
    return hours


def _mark_attended(session: ActivitySession, volunteer: Volunteer) -> SignUp | None:
    signup = (
        SignUp.objects.select_for_update(of=("self",))
        .filter(session=session, volunteer=volunteer)
        .exclude(status=SignUpStatus.CANCELLED)
        .first()
    )
    if signup is None:
        return None
    old = signup.status
    if old == SignUpStatus.WAITING:  # the organiser let someone from the waiting list in
        signup.status = SignUpStatus.SIGNED_UP
        ActivitySession.objects.filter(pk=session.pk).update(
            waiting_count=F("waiting_count") - 1, signed_up_count=F("signed_up_count") + 1
        )
    check_move(SIGNUP, SignUpStatus.ATTENDED, signup.status)
    signup.status = SignUpStatus.ATTENDED
    signup.save(update_fields=["status", "updated_at"])
    return signup


def _check_in(
    actor: Actor,
    session: ActivitySession,
    volunteer: Volunteer,
    at: dt.datetime,
    until: dt.datetime,
    source: str,
) -> Attendance:
    """Writes the check-in of a locked volunteer on a locked session: refused when (at, until) overlaps
    another attendance of the volunteer; the sign-up becomes attended, the session counts one more."""
    other = attendance_overlapping(volunteer.pk, at, until)
    if other is not None:
        _refuse_overlap(other)
    signup = _mark_attended(session, volunteer)
    attendance = Attendance(
        session=session,
        volunteer=volunteer,
        signup=signup,
        check_in_at=at,
        check_in_source=source,
        recorded_by_id=actor.pk,
    )
    attendance.set_place_codes(community_code=session.community_code)
    attendance.save()
    ActivitySession.objects.filter(pk=session.pk).update(attended_count=F("attended_count") + 1)
    audit_record(
        actor=actor,
        target=attendance,
        event="volunteers.checked_in",
        data={"session": session.pk, "volunteer": volunteer.pk, "source": source, "at": at.isoformat()},
    )
    return attendance


# --- QR scan --------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    action: str  # "checked_in" / "checked_out"
    attendance: Attendance
    hours: ServiceHours | None = None


def _own_signed_up(actor: Actor, session: ActivitySession) -> tuple[Volunteer, SignUp]:
    volunteer = volunteer_of(actor)
    signup = (
        SignUp.objects.filter(session=session, volunteer=volunteer)
        .exclude(status=SignUpStatus.CANCELLED)
        .first()
        if volunteer is not None
        else None
    )
    if volunteer is None or signup is None:
        raise Conflict(gettext("您未报名本场活动，请先报名"), code="not_signed_up")
    if signup.status == SignUpStatus.WAITING:
        raise Conflict(gettext("您在本场活动的候补名单中，尚未获得名额，不能签到"), code="waiting")
    return volunteer, signup


@transaction.atomic
def check_in_by_qr(*, actor: Actor, token: str) -> Attendance:
    session = session_by_token(token)
    volunteer, _signup = _own_signed_up(actor, session)
    volunteer = _locked_volunteer(volunteer.pk)
    session = (
        ActivitySession.objects.select_for_update(of=("self",)).select_related("activity").get(pk=session.pk)
    )
    now = clock.now()
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(gettext("该场活动已取消"), code="session_cancelled")
    if now < session.starts_at - EARLY_CHECK_IN:
        raise Conflict(
            gettext("活动尚未开始，请于%(value)s后签到")
            % {"value": _fmt(session.starts_at - EARLY_CHECK_IN)},
            code="too_early",
        )
    if now >= session.ends_at:
        raise Conflict(gettext("活动已结束，不能扫码签到，请联系组织者补登"), code="session_over")
    if Attendance.objects.filter(session=session, volunteer=volunteer).exists():
        raise Conflict(gettext("您已签到"), code="already_checked_in")
    return _check_in(actor, session, volunteer, now, session.ends_at, AttendanceSource.QR)


def _close(actor: Actor, attendance: Attendance, at: dt.datetime, source: str) -> ServiceHours | None:
    if attendance.check_out_at is not None:
        raise Conflict(
            gettext("已于%(value)s签退") % {"value": _fmt(attendance.check_out_at)},
            code="already_checked_out",
        )
    if at <= attendance.check_in_at:
        raise field_error(
            "check_out_at",
            gettext("签退时间应晚于签到时间（%(value)s）") % {"value": _fmt(attendance.check_in_at)},
            code="check_out_before_check_in",
        )
    attendance.check_out_at, attendance.check_out_source = at, source
    attendance.save(update_fields=["check_out_at", "check_out_source", "updated_at"])
    hours = _make_hours(attendance, attendance.session)
    audit_record(
        actor=actor,
        target=attendance,
        event="volunteers.checked_out",
        data={
            "session": attendance.session_id,
            "volunteer": attendance.volunteer_id,
            "source": source,
            "at": at.isoformat(),
            "hours": str(hours.hours) if hours else "0",
        },
    )
    return hours


@transaction.atomic
def check_out_by_qr(*, actor: Actor, token: str) -> tuple[Attendance, ServiceHours | None]:
    session = session_by_token(token)
    volunteer = volunteer_of(actor)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session__activity")
        .filter(session=session, volunteer=volunteer)
        .first()
        if volunteer is not None
        else None
    )
    if attendance is None:
        raise Conflict(gettext("尚未签到，不能签退"), code="not_checked_in")
    hours = _close(actor, attendance, clock.now(), AttendanceSource.QR)
    return attendance, hours


def scan(*, actor: Actor, token: str) -> ScanResult:
    """What the scan page does: the first scan checks in, the next one checks out."""
    session = session_by_token(token)
    volunteer = volunteer_of(actor)
    open_att = Attendance.objects.filter(
        session=session, volunteer=volunteer, check_out_at__isnull=True
    ).first()
    if volunteer is not None and open_att is not None:
        attendance, hours = check_out_by_qr(actor=actor, token=token)
        return ScanResult("checked_out", attendance, hours)
    closed = Attendance.objects.filter(session=session, volunteer=volunteer).first() if volunteer else None
    if closed is not None and closed.check_out_at is not None:
        raise Conflict(
            gettext("您已于%(value)s签退，本场服务已记录") % {"value": _fmt(closed.check_out_at)},
            code="already_checked_out",
        )
    return ScanResult("checked_in", check_in_by_qr(actor=actor, token=token))


# --- the organiser enters attendance ---------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    session_id: int,
    volunteer_id: int,
    check_in_at: dt.datetime,
    check_out_at: dt.datetime | None = None,
) -> Attendance:
    """For a volunteer without a phone: the organiser enters check-in (and check-out) times."""
    session = session_get_for_actor(actor=actor, session_id=session_id)
    require(actor, "volunteers.organize_activity", session.activity, error=Forbidden(NOT_ORGANIZER))
    if check_out_at is not None and check_out_at <= check_in_at:
        raise field_error("check_out_at", gettext("签退时间应晚于签到时间"), code="check_out_before_check_in")
    now = clock.now()
    if check_in_at > now or (check_out_at is not None and check_out_at > now):
        raise field_error("check_in_at", gettext("签到、签退时间不能晚于当前时间"))
    if not session.starts_at - ORGANIZER_SLACK <= check_in_at <= session.ends_at:
        raise field_error("check_in_at", gettext("签到时间应在本场活动时间内"))
    volunteer = Volunteer.objects.filter(pk=volunteer_id, active=True).first()
    if volunteer is None:
        raise field_error("volunteer_id", gettext("志愿者不存在"))
    volunteer = _locked_volunteer(volunteer.pk)
    session = (
        ActivitySession.objects.select_for_update(of=("self",)).select_related("activity").get(pk=session.pk)
    )
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(gettext("该场活动已取消"), code="session_cancelled")
    if Attendance.objects.filter(session=session, volunteer=volunteer).exists():
        raise Conflict(gettext("%(name)s本场已签到") % {"name": volunteer.name}, code="already_checked_in")
    attendance = _check_in(
        actor, session, volunteer, check_in_at, check_out_at or session.ends_at, AttendanceSource.ORGANIZER
    )
    if check_out_at is not None:
        attendance.session = session
        _close(actor, attendance, check_out_at, AttendanceSource.ORGANIZER)
    return attendance


@transaction.atomic
def attendance_check_out(*, actor: Actor, attendance_id: int, check_out_at: dt.datetime) -> Attendance:
    """The organiser checks out someone who left without scanning."""
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session__activity")
        .filter(pk=attendance_id)
        .first()
    )
    if attendance is None or not allowed(actor, "volunteers.organize_activity", attendance.session.activity):
        raise NotFound()
    if check_out_at > clock.now():
        raise field_error("check_out_at", gettext("签退时间不能晚于当前时间"))
    _close(actor, attendance, check_out_at, AttendanceSource.ORGANIZER)
    return attendance
