"""Check-in and check-out (QR scan on the volunteer's phone, or entered by the organiser for people
without one), service hours confirmed by the organiser (谁组织谁记录), corrections through an audited
edit request, and the cached totals.

One volunteer cannot be in two places at once: a check-in, an organiser's entry or a correction whose time
overlaps another attendance or other hours of the same volunteer is refused. The volunteer's row is locked
first, so two such writes for one volunteer run one after the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, field_error
from gongzhi.volunteers import access, clock
from gongzhi.volunteers.activities import session_by_token, session_get_for_actor
from gongzhi.volunteers.enums import (
    AttendanceSource,
    EditRequestStatus,
    HoursStatus,
    SessionStatus,
    SignUpStatus,
    star_level_for,
)
from gongzhi.volunteers.hours import counted_span, hours_between
from gongzhi.volunteers.models import (
    ActivitySession,
    Attendance,
    HoursEditRequest,
    ServiceHours,
    SignUp,
    Volunteer,
)
from gongzhi.volunteers.teams import volunteer_of
from gongzhi.volunteers.transitions import EDIT_REQUEST, HOURS, SIGNUP, check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

EARLY_CHECK_IN = dt.timedelta(minutes=30)  # the QR code works from half an hour before the start
ORGANIZER_SLACK = dt.timedelta(hours=2)  # an organiser's entry may lie this far outside the session
LOOKBACK = dt.timedelta(days=2)


def _fmt(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}"


def _locked_volunteer(volunteer_id: int) -> Volunteer:
    return Volunteer.objects.select_for_update(of=("self",)).get(pk=volunteer_id)


def attendance_overlapping(
    volunteer_id: int, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None
) -> Attendance | None:
    """Another attendance of the volunteer whose time meets (start, end); an open one lasts until its
    session ends."""
    rows = (
        Attendance.objects.filter(
            volunteer_id=volunteer_id, check_in_at__lt=end, check_in_at__gt=start - LOOKBACK
        )
        .exclude(pk=exclude_id or 0)
        .select_related("session__activity")
    )
    for other in rows:
        other_end = other.check_out_at or max(other.session.ends_at, other.check_in_at)
        if other_end > start:
            return other
    return None


def hours_overlapping(
    volunteer_id: int, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None
) -> ServiceHours | None:
    return (
        ServiceHours.objects.filter(volunteer_id=volunteer_id, started_at__lt=end, ended_at__gt=start)
        .exclude(status=HoursStatus.REJECTED)
        .exclude(pk=exclude_id or 0)
        .select_related("session__activity")
        .first()
    )


def _refuse_overlap(other: Attendance | ServiceHours) -> None:
    title = other.session.activity.title
    if isinstance(other, Attendance):
        span = f"{_fmt(other.check_in_at)}–{_fmt(other.check_out_at) if other.check_out_at else '未签退'}"
    else:
        span = f"{_fmt(other.started_at)}–{_fmt(other.ended_at)}"
    raise Conflict(
        f"服务时间与“{title}”（{span}）重叠，同一志愿者同一时间只能记录一次服务",
        code="hours_overlap",
        fields={"check_in_at": "与已有服务时间重叠"},
    )


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
    check_move(SIGNUP, SignUpStatus, signup.status, SignUpStatus.ATTENDED)
    signup.status = SignUpStatus.ATTENDED
    signup.save(update_fields=["status", "updated_at"])
    return signup


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
        raise Conflict("您未报名本场活动，请先报名", code="not_signed_up")
    if signup.status == SignUpStatus.WAITING:
        raise Conflict("您在本场活动的候补名单中，尚未获得名额，不能签到", code="waiting")
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
        raise Conflict("该场活动已取消", code="session_cancelled")
    if now < session.starts_at - EARLY_CHECK_IN:
        raise Conflict(
            f"活动尚未开始，请于{_fmt(session.starts_at - EARLY_CHECK_IN)}后签到", code="too_early"
        )
    if now >= session.ends_at:
        raise Conflict("活动已结束，不能扫码签到，请联系组织者补登", code="session_over")
    if Attendance.objects.filter(session=session, volunteer=volunteer).exists():
        raise Conflict("您已签到", code="already_checked_in")
    other = attendance_overlapping(volunteer.pk, now, session.ends_at)
    if other is not None:
        _refuse_overlap(other)
    signup = _mark_attended(session, volunteer)
    attendance = Attendance(
        session=session,
        volunteer=volunteer,
        signup=signup,
        check_in_at=now,
        check_in_source=AttendanceSource.QR,
        recorded_by_id=actor.pk,
    )
    attendance.set_place_codes(community_code=session.community_code)
    attendance.save()
    ActivitySession.objects.filter(pk=session.pk).update(attended_count=F("attended_count") + 1)
    audit_record(
        actor=actor,
        target=attendance,
        event="volunteers.checked_in",
        data={
            "session": session.pk,
            "volunteer": volunteer.pk,
            "source": AttendanceSource.QR,
            "at": now.isoformat(),
        },
    )
    return attendance


def _close(actor: Actor, attendance: Attendance, at: dt.datetime, source: str) -> ServiceHours | None:
    if attendance.check_out_at is not None:
        raise Conflict(f"已于{_fmt(attendance.check_out_at)}签退", code="already_checked_out")
    if at <= attendance.check_in_at:
        raise field_error(
            "check_out_at",
            f"签退时间应晚于签到时间（{_fmt(attendance.check_in_at)}）",
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
        raise Conflict("尚未签到，不能签退", code="not_checked_in")
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
        raise Conflict(f"您已于{_fmt(closed.check_out_at)}签退，本场服务已记录", code="already_checked_out")
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
    access.require_organizer(actor, session.activity)
    if check_out_at is not None and check_out_at <= check_in_at:
        raise field_error("check_out_at", "签退时间应晚于签到时间", code="check_out_before_check_in")
    now = clock.now()
    if check_in_at > now or (check_out_at is not None and check_out_at > now):
        raise field_error("check_in_at", "签到、签退时间不能晚于当前时间")
    if not session.starts_at - ORGANIZER_SLACK <= check_in_at <= session.ends_at:
        raise field_error("check_in_at", "签到时间应在本场活动时间内")
    volunteer = Volunteer.objects.filter(pk=volunteer_id, active=True).first()
    if volunteer is None:
        raise field_error("volunteer_id", "志愿者不存在")
    volunteer = _locked_volunteer(volunteer.pk)
    session = (
        ActivitySession.objects.select_for_update(of=("self",)).select_related("activity").get(pk=session.pk)
    )
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict("该场活动已取消", code="session_cancelled")
    if Attendance.objects.filter(session=session, volunteer=volunteer).exists():
        raise Conflict(f"{volunteer.name}本场已签到", code="already_checked_in")
    other = attendance_overlapping(volunteer.pk, check_in_at, check_out_at or session.ends_at)
    if other is not None:
        _refuse_overlap(other)
    signup = _mark_attended(session, volunteer)
    attendance = Attendance(
        session=session,
        volunteer=volunteer,
        signup=signup,
        check_in_at=check_in_at,
        check_in_source=AttendanceSource.ORGANIZER,
        recorded_by_id=actor.pk,
    )
    attendance.set_place_codes(community_code=session.community_code)
    attendance.save()
    ActivitySession.objects.filter(pk=session.pk).update(attended_count=F("attended_count") + 1)
    audit_record(
        actor=actor,
        target=attendance,
        event="volunteers.checked_in",
        data={
            "session": session.pk,
            "volunteer": volunteer.pk,
            "source": AttendanceSource.ORGANIZER,
            "at": check_in_at.isoformat(),
        },
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
    if attendance is None or not access.can_organize(actor, attendance.session.activity):
        raise NotFound()
    if check_out_at > clock.now():
        raise field_error("check_out_at", "签退时间不能晚于当前时间")
    _close(actor, attendance, check_out_at, AttendanceSource.ORGANIZER)
    return attendance


# --- hours ----------------------------------------------------------------------------------------


def _add_to_total(volunteer_id: int, delta: Decimal) -> None:
    volunteer = _locked_volunteer(volunteer_id)
    volunteer.total_hours = max(Decimal("0"), volunteer.total_hours + delta)
    volunteer.star_level = star_level_for(volunteer.total_hours)
    volunteer.save(update_fields=["total_hours", "star_level", "updated_at"])


def _locked_hours(actor: Actor, hours_id: int) -> ServiceHours:
    hours = (
        ServiceHours.objects.select_for_update(of=("self",))
        .select_related("session__activity", "volunteer")
        .filter(pk=hours_id)
        .first()
    )
    if hours is None or not (
        access.can_organize(actor, hours.session.activity)
        or access.can_read(actor, hours)
        or hours.volunteer_id == access.own_volunteer_id(actor)
    ):
        raise NotFound("服务时长记录不存在或无权查看")
    return hours


@transaction.atomic
def hours_confirm(*, actor: Actor, hours_id: int) -> ServiceHours:
    hours = _locked_hours(actor, hours_id)
    access.require_organizer(actor, hours.session.activity)
    check_move(HOURS, HoursStatus, hours.status, HoursStatus.CONFIRMED)
    hours.status, hours.confirmed_by_id, hours.confirmed_at = HoursStatus.CONFIRMED, actor.pk, clock.now()
    hours.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    _add_to_total(hours.volunteer_id, hours.hours)
    audit_record(
        actor=actor,
        target=hours,
        event="volunteers.hours_confirmed",
        data={"volunteer": hours.volunteer_id, "hours": str(hours.hours), "session": hours.session_id},
    )
    return hours


@transaction.atomic
def hours_reject(*, actor: Actor, hours_id: int, reason: str) -> ServiceHours:
    hours = _locked_hours(actor, hours_id)
    access.require_organizer(actor, hours.session.activity)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "请填写不予确认的原因")
    check_move(HOURS, HoursStatus, hours.status, HoursStatus.REJECTED)
    hours.status, hours.note = HoursStatus.REJECTED, reason[:200]
    hours.save(update_fields=["status", "note", "updated_at"])
    audit_record(
        actor=actor,
        target=hours,
        event="volunteers.hours_rejected",
        data={"volunteer": hours.volunteer_id, "hours": str(hours.hours), "reason": reason[:200]},
    )
    return hours


@transaction.atomic
def session_hours_confirm(*, actor: Actor, session_id: int) -> int:
    """Confirms every pending hours record of one session at once (one audit row)."""
    session = session_get_for_actor(actor=actor, session_id=session_id)
    access.require_organizer(actor, session.activity)
    pending = list(
        ServiceHours.objects.select_for_update(of=("self",)).filter(
            session=session, status=HoursStatus.PENDING
        )
    )
    now = clock.now()
    for h in pending:
        h.status, h.confirmed_by_id, h.confirmed_at = HoursStatus.CONFIRMED, actor.pk, now
        h.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
        _add_to_total(h.volunteer_id, h.hours)
    if pending:
        audit_record(
            actor=actor,
            target=session,
            event="volunteers.session_hours_confirmed",
            data={"records": len(pending), "hours": str(sum((h.hours for h in pending), Decimal("0")))},
        )
    return len(pending)


# --- corrections ----------------------------------------------------------------------------------


@transaction.atomic
def hours_edit_request_create(
    *, actor: Actor, hours_id: int, started_at: dt.datetime, ended_at: dt.datetime, reason: str
) -> HoursEditRequest:
    """The volunteer or an organiser asks for a correction; nothing changes until the organiser approves."""
    hours = (
        ServiceHours.objects.select_for_update(of=("self",))
        .select_related("session__activity", "volunteer")
        .filter(pk=hours_id)
        .first()
    )
    if hours is None or not (
        hours.volunteer_id == access.own_volunteer_id(actor)
        or access.can_organize(actor, hours.session.activity)
        or access.can_read(actor, hours)
    ):
        raise NotFound("服务时长记录不存在或无权查看")
    if hours.status == HoursStatus.REJECTED:
        raise Conflict("该服务时长未通过确认，不能更正", code="illegal_transition")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "请填写更正原因")
    if ended_at <= started_at:
        raise field_error("ended_at", "结束时间应晚于开始时间", code="check_out_before_check_in")
    if ended_at > clock.now():
        raise field_error("ended_at", "结束时间不能晚于当前时间")
    new_hours = hours_between(started_at, ended_at)
    if (ended_at - started_at) > dt.timedelta(hours=24):
        raise field_error("ended_at", "一次服务不能超过24小时")
    if HoursEditRequest.objects.filter(service_hours=hours, status=EditRequestStatus.PENDING).exists():
        raise Conflict("该服务时长已有待审核的更正申请", code="request_pending")
    other = hours_overlapping(hours.volunteer_id, started_at, ended_at, exclude_id=hours.pk)
    if other is not None:
        _refuse_overlap(other)
    request = HoursEditRequest(
        service_hours=hours,
        requested_by_id=actor.pk,
        reason=reason[:500],
        old_started_at=hours.started_at,
        old_ended_at=hours.ended_at,
        old_hours=hours.hours,
        new_started_at=started_at,
        new_ended_at=ended_at,
        new_hours=new_hours,
    )
    request.set_place_codes(community_code=hours.community_code)
    request.save()
    audit_record(
        actor=actor,
        target=request,
        event="volunteers.hours_edit_requested",
        data={"hours": hours.pk, "from": str(hours.hours), "to": str(new_hours), "reason": reason[:200]},
    )
    return request


@transaction.atomic
def hours_edit_request_decide(
    *, actor: Actor, request_id: int, approve: bool, note: str = ""
) -> HoursEditRequest:
    request = (
        HoursEditRequest.objects.select_for_update(of=("self",))
        .select_related("service_hours__session__activity")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not access.can_organize(actor, request.service_hours.session.activity):
        raise NotFound("更正申请不存在或无权查看")
    new = EditRequestStatus.APPROVED if approve else EditRequestStatus.REJECTED
    check_move(EDIT_REQUEST, EditRequestStatus, request.status, new)
    note = (note or "").strip()
    if not approve and not note:
        raise field_error("note", "请填写驳回理由")
    hours = ServiceHours.objects.select_for_update(of=("self",)).get(pk=request.service_hours_id)
    if approve:
        other = hours_overlapping(
            hours.volunteer_id, request.new_started_at, request.new_ended_at, exclude_id=hours.pk
        )
        if other is not None:
            _refuse_overlap(other)
        delta = request.new_hours - hours.hours
        hours.started_at, hours.ended_at, hours.hours = (
            request.new_started_at,
            request.new_ended_at,
            request.new_hours,
        )
        hours.served_on = timezone.localtime(request.new_started_at).date()
        hours.save(update_fields=["started_at", "ended_at", "hours", "served_on", "updated_at"])
        if hours.status == HoursStatus.CONFIRMED and delta:
            _add_to_total(hours.volunteer_id, delta)
    request.status, request.decided_by_id, request.decided_at = new, actor.pk, clock.now()
    request.decision_note = note[:200]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        target=request,
        event="volunteers.hours_corrected" if approve else "volunteers.hours_edit_rejected",
        data={
            "hours": hours.pk,
            "from": str(request.old_hours),
            "to": str(request.new_hours),
            "from_span": [request.old_started_at.isoformat(), request.old_ended_at.isoformat()],
            "to_span": [request.new_started_at.isoformat(), request.new_ended_at.isoformat()],
            "note": note[:200],
        },
    )
    return request


@transaction.atomic
def volunteer_totals_rebuild(*, actor: Actor | None, community_id: int) -> int:
    """Recomputes the cached totals and star levels of a community's volunteers from confirmed hours."""
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None or (actor is not None and not access.can_manage(actor, community)):
        raise NotFound("社区不存在或无权查看")
    totals = dict(
        ServiceHours.objects.filter(volunteer__community_code=community.code, status=HoursStatus.CONFIRMED)
        .values_list("volunteer_id")
        .annotate(total=Sum("hours"))
        .values_list("volunteer_id", "total")
    )
    changed = []
    for v in Volunteer.objects.select_for_update(of=("self",)).filter(community_code=community.code):
        total = totals.get(v.pk) or Decimal("0")
        level = star_level_for(total)
        if v.total_hours != total or v.star_level != level:
            v.total_hours, v.star_level = total, level
            changed.append(v)
    Volunteer.objects.bulk_update(changed, ["total_hours", "star_level"], batch_size=500)
    audit_record(
        actor=actor, target=community, event="volunteers.totals_rebuilt", data={"changed": len(changed)}
    )
    return len(changed)


# --- selectors ------------------------------------------------------------------------------------


def hours_list_for_actor(
    *, actor: Actor, status: str = "", session_id: int | None = None, limit: int | None = None
) -> QuerySet[ServiceHours]:
    q = access.staff_q(actor) | access.team_q(actor) | Q(session__activity__organizer_id=actor.pk)
    q |= access.own_q(actor)
    qs = ServiceHours.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    if session_id:
        qs = qs.filter(session_id=session_id)
    qs = qs.select_related("volunteer", "session__activity", "team").order_by("-started_at", "-id")
    return qs[:limit] if limit else qs


def my_hours(*, actor: Actor, limit: int = 100) -> QuerySet[ServiceHours]:
    return (
        ServiceHours.objects.filter(access.own_q(actor))
        .select_related("session__activity")
        .order_by("-started_at")[:limit]
    )


def attendance_list_for_session(*, actor: Actor, session_id: int) -> QuerySet[Attendance]:
    session = session_get_for_actor(actor=actor, session_id=session_id)
    if not (access.can_organize(actor, session.activity) or access.can_read(actor, session)):
        raise NotFound()
    return (
        Attendance.objects.filter(session=session)
        .select_related("volunteer", "hours")
        .order_by("check_in_at", "id")
    )


def edit_request_list_for_actor(
    *, actor: Actor, status: str = "", limit: int = 100
) -> QuerySet[HoursEditRequest]:
    q = (
        access.staff_q(actor)
        | access.team_q(actor, "service_hours__team_id")
        | Q(service_hours__session__activity__organizer_id=actor.pk)
        | access.own_q(actor, "service_hours__volunteer_id")
    )
    qs = HoursEditRequest.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("service_hours__volunteer", "service_hours__session__activity").order_by("-id")[
        :limit
    ]
