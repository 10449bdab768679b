"""Service hours: how they are counted (志愿服务记录, the rule in one place), their confirmation by the
organiser, corrections through an audited edit request, and the cached totals.

- Counted from check-in to check-out, **within the session's scheduled time**: arriving early, staying on
  after the end and the journey there and back are not service time (travel excluded). An organiser who
  knows a volunteer served longer corrects it through an edit request.
- Rounded **to the nearest half hour**, a quarter hour or more counting as a half (1 h 44 min → 1.5 h,
  1 h 45 min → 2 h, 14 min → 0 h), at most 24 h: the few seconds between scanning the code and the
  scheduled end never cost anyone half an hour.
- Recorded by whoever organised the activity (谁组织谁记录): hours are pending until the activity's
  organiser confirms them; only confirmed hours count towards a volunteer's total and star level.
- Star levels at 100 / 300 / 600 / 1000 / 1500 confirmed hours (一星 … 五星).
- A correction whose time overlaps other hours of the same volunteer is refused.
- Nobody decides on their own hours (``core.duties``): a volunteer who also organises (a team leader,
  a community worker who served) cannot confirm or reject their own hours nor decide a correction of
  them, and nobody decides a correction they asked for; another organiser or the community's staff does.
  Confirming a whole session confirms the others' hours and leaves the actor's own pending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.core.workflow import check_move
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import (
    STAR_LABELS,
    STAR_THRESHOLDS,
    EditRequestStatus,
    HoursStatus,
    star_level_for,
)
from gongzhi.volunteers.models import HoursEditRequest, ServiceHours, Volunteer
from gongzhi.volunteers.selectors.activities import session_get_for_actor
from gongzhi.volunteers.selectors.attendance import hours_overlapping
from gongzhi.volunteers.services._common import (
    _add_to_total,
    _refuse_overlap,
    volunteer_users,
    volunteers_of_user,
)
from gongzhi.volunteers.transitions import EDIT_REQUEST, HOURS

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

HALF = Decimal("0.5")
MAX_HOURS = Decimal("24")
NOT_ORGANIZER = "只有活动组织者或本社区工作人员可以执行此操作（谁组织谁记录）"


def round_hours(seconds: float) -> Decimal:
    raw = Decimal(max(0.0, seconds)) / Decimal(3600)
    value = (raw / HALF).to_integral_value(rounding=ROUND_HALF_UP) * HALF
    return min(value, MAX_HOURS).quantize(Decimal("0.1"))


def counted_span(
    check_in: dt.datetime, check_out: dt.datetime, starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The part of [check-in, check-out] inside the session's time; an empty span when they miss."""
    start = max(check_in, starts_at)
    end = min(check_out, ends_at)
    return (start, end) if end > start else (start, start)


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    return round_hours((end - start).total_seconds())


def star_label(level: int) -> str:
    return gettext(STAR_LABELS[max(0, min(level, len(STAR_LABELS) - 1))])


def next_star(hours: Decimal) -> tuple[str, Decimal] | None:
    """The next level and the hours still missing, or None at five stars."""
    level = star_level_for(hours)
    if level >= len(STAR_THRESHOLDS):
        return None
    return gettext(STAR_LABELS[level + 1]), STAR_THRESHOLDS[level] - hours


# The "678" pattern (党员驿站): Saturdays, Sundays, and after the 8 working hours on weekdays.
PATTERN_678 = [
    *({"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)),
    {"weekday": 5, "start": "08:00", "end": "21:00"},
    {"weekday": 6, "start": "08:00", "end": "21:00"},
]
PATTERNS = {"678": PATTERN_678}


def _locked_hours(actor: Actor, hours_id: int) -> ServiceHours:
    hours = (
        ServiceHours.objects.select_for_update(of=("self",))
        .select_related("session__activity", "volunteer")
        .filter(pk=hours_id)
        .first()
    )
    if hours is None or not allowed(actor, "volunteers.view_servicehours", hours):
        raise NotFound(gettext("服务时长记录不存在或无权查看"))
    return hours


@transaction.atomic
def hours_confirm(*, actor: Actor, hours_id: int) -> ServiceHours:
    hours = _locked_hours(actor, hours_id)
    require(actor, "volunteers.organize_activity", hours.session.activity, error=Forbidden(NOT_ORGANIZER))
    refuse_own_work(actor, volunteer_users(hours.volunteer_id), what=gettext("确认本人的服务时长"))
    check_move(HOURS, HoursStatus.CONFIRMED, hours.status)
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
    require(actor, "volunteers.organize_activity", hours.session.activity, error=Forbidden(NOT_ORGANIZER))
    refuse_own_work(actor, volunteer_users(hours.volunteer_id), what=gettext("审核本人的服务时长"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", gettext("请填写不予确认的原因"))
    check_move(HOURS, HoursStatus.REJECTED, hours.status)
    hours.status, hours.note = HoursStatus.REJECTED, reason[:200]
    hours.save(update_fields=["status", "note", "updated_at"])
    audit_record(
        actor=actor,
        target=hours,
        event="volunteers.hours_rejected",
        data={"volunteer": hours.volunteer_id, "hours": str(hours.hours), "reason": reason[:200]},
    )
    return hours


@dataclass(frozen=True)
class SessionConfirmed:
    """What confirming a session did: hours confirmed, and the actor's own left pending for another."""

    confirmed: int
    own_left: int


@transaction.atomic
def session_hours_confirm(*, actor: Actor, session_id: int) -> SessionConfirmed:
    """Confirms every pending hours record of one session at once (one audit row) — except the actor's
    own, which stay pending for another organiser or the community's staff (one's own hours are never
    confirmed by oneself, and one's own row must not stop the others' being confirmed)."""
    session = session_get_for_actor(actor=actor, session_id=session_id)
    require(actor, "volunteers.organize_activity", session.activity, error=Forbidden(NOT_ORGANIZER))
    pending = list(
        ServiceHours.objects.select_for_update(of=("self",)).filter(
            session=session, status=HoursStatus.PENDING
        )
    )
    mine = _own_volunteers(actor, {h.volunteer_id for h in pending})
    own = [h for h in pending if h.volunteer_id in mine]
    pending = [h for h in pending if h.volunteer_id not in mine]
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
            data={
                "records": len(pending),
                "hours": str(sum((h.hours for h in pending), Decimal("0"))),
                "own_left": len(own),
            },
        )
    return SessionConfirmed(confirmed=len(pending), own_left=len(own))


def _own_volunteers(actor: Actor | None, volunteer_ids: set[int]) -> set[int]:
    """Which of ``volunteer_ids`` are the actor themself (by any of the volunteer's accounts)."""
    if actor is None or not volunteer_ids:
        return set()
    return volunteers_of_user(actor.pk, volunteer_ids)


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
    if hours is None or not allowed(actor, "volunteers.view_servicehours", hours):
        raise NotFound(gettext("服务时长记录不存在或无权查看"))
    if hours.status == HoursStatus.REJECTED:
        raise Conflict(gettext("该服务时长未通过确认，不能更正"), code="illegal_transition")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", gettext("请填写更正原因"))
    if ended_at <= started_at:
        raise field_error("ended_at", gettext("结束时间应晚于开始时间"), code="check_out_before_check_in")
    if ended_at > clock.now():
        raise field_error("ended_at", gettext("结束时间不能晚于当前时间"))
    new_hours = hours_between(started_at, ended_at)
    if (ended_at - started_at) > dt.timedelta(hours=24):
        raise field_error("ended_at", gettext("一次服务不能超过24小时"))
    if HoursEditRequest.objects.filter(service_hours=hours, status=EditRequestStatus.PENDING).exists():
        raise Conflict(gettext("该服务时长已有待审核的更正申请"), code="request_pending")
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
    if request is None or not allowed(
        actor, "volunteers.organize_activity", request.service_hours.session.activity
    ):
        raise NotFound(gettext("更正申请不存在或无权查看"))
    refuse_own_work(
        actor,
        request.requested_by_id,
        volunteer_users(request.service_hours.volunteer_id),
        what=gettext("审核本人提出或涉及本人服务时长的更正申请"),
    )
    new = EditRequestStatus.APPROVED if approve else EditRequestStatus.REJECTED
    check_move(EDIT_REQUEST, new, request.status)
    note = (note or "").strip()
    if not approve and not note:
        raise field_error("note", gettext("请填写驳回理由"))
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
    if community is None or not allowed(actor, "volunteers.rebuild_totals", community):
        raise NotFound(gettext("社区不存在或无权查看"))
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
