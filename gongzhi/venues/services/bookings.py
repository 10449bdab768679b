"""Bookings of a venue's room: by staff, a unit, a volunteer team or a resident.

Two bookings of one venue may not overlap. The venue's row is locked first (``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite every write transaction is IMMEDIATE, so writers already run one after the other), and
the overlap is checked under the lock: of twenty people booking the same slot at once, one wins and the
others are told who holds it (``tests/test_races.py``, on both databases).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed, require
from gongzhi.core.workflow import check_move
from gongzhi.venues import hours
from gongzhi.venues.enums import BookerKind, BookingStatus, LinkKind
from gongzhi.venues.models import Booking, Venue
from gongzhi.venues.selectors import booking_list_for_actor, booking_overlapping, venue_list_for_actor
from gongzhi.venues.transitions import BOOKING

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_HOURS = 12
MAX_AHEAD_DAYS = 366


@dataclass
class BookingInput:
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    purpose: str
    attendees: int = 1
    booker_kind: str = BookerKind.STAFF
    unit_id: int | None = None
    organization_name: str = ""
    linked_kind: str = ""
    linked_id: int | None = None


def _fmt(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%m月%d日 %H:%M}"


def _check(actor: Actor | None, venue: Venue, data: BookingInput, *, past_ok: bool) -> dict[str, object]:
    from gongzhi.party.models import Unit

    errors: dict[str, str] = {}
    purpose = (data.purpose or "").strip()
    if not purpose:
        errors["purpose"] = gettext("请填写用途")
    elif len(purpose) > 100:
        errors["purpose"] = gettext("用途不能超过100个字")
    start, end = data.starts_at, data.ends_at
    if start is None or end is None or not bounds.date_in_range(start) or not bounds.date_in_range(end):
        errors["starts_at"] = gettext("请填写开始时间和结束时间")
    elif end <= start:
        errors["ends_at"] = gettext("结束时间应晚于开始时间")
    elif end - start > dt.timedelta(hours=MAX_HOURS):
        errors["ends_at"] = gettext("一次预约不能超过%(MAX_HOURS)s小时") % {"MAX_HOURS": MAX_HOURS}
    elif not past_ok and start < timezone.now():
        errors["starts_at"] = gettext("不能预约已经过去的时间")
    elif start > timezone.now() + dt.timedelta(days=MAX_AHEAD_DAYS):
        errors["starts_at"] = gettext("最多可预约一年以内的时间")
    elif not hours.is_open_between(venue, start, end):
        errors["starts_at"] = gettext("所选时间不在开放时间内（%(value)s）") % {
            "value": hours.describe(venue)
        }
    if not isinstance(data.attendees, int) or not 1 <= data.attendees <= 100000:
        errors["attendees"] = gettext("人数应为正整数")
    elif data.attendees > venue.capacity:
        errors["attendees"] = gettext("人数超过阵地容纳人数（%(capacity)s人）") % {"capacity": venue.capacity}
    if data.booker_kind not in BookerKind.values:
        errors["booker_kind"] = gettext("请选择预约方")
    if data.linked_kind not in LinkKind.values:
        errors["linked_kind"] = gettext("关联事项无法识别")
    org = (data.organization_name or "").strip()[:100]
    unit = None
    if data.booker_kind == BookerKind.UNIT:
        unit = (
            Unit.objects.filter(pk=data.unit_id or 0, community__code=venue.community_code).first()
            if bounds.int_in_range(data.unit_id or 0)
            else None
        )
        if unit is None or not (
            actor is None or unit.liaison_id == actor.pk or allowed(actor, "venues.manage_venue", venue)
        ):
            errors["unit_id"] = gettext("请选择本社区的驻区单位（联络人为本单位预约）")
        else:
            org = unit.name
    elif data.booker_kind == BookerKind.TEAM and not org:
        errors["organization_name"] = gettext("请填写志愿服务队或社会组织名称")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    return {"purpose": purpose, "unit": unit, "organization_name": org}


def _locked_venue(actor: Actor | None, venue_id: int) -> Venue:
    visible = venue_list_for_actor(actor=actor, active=None) if actor is not None else Venue.objects.all()
    ids = (
        list(visible.filter(pk=venue_id).values_list("pk", flat=True))
        if bounds.int_in_range(venue_id)
        else []
    )
    venue = Venue.objects.select_for_update(of=("self",)).filter(pk__in=ids).first()
    if venue is None:
        raise NotFound(gettext("阵地不存在或无权查看"))
    return venue


def _write(actor: Actor | None, venue: Venue, data: BookingInput, clean: dict[str, object]) -> Booking:
    assert data.starts_at is not None and data.ends_at is not None
    other = booking_overlapping(venue.pk, data.starts_at, data.ends_at)
    if other is not None:
        raise Conflict(
            gettext("该时段已被预约：%(value)s–%(value2)s“%(purpose)s”")
            % {
                "value": _fmt(other.starts_at),
                "value2": format(timezone.localtime(other.ends_at), "%H:%M"),
                "purpose": other.purpose,
            },
            code="booking_conflict",
        )
    booking = Booking(
        venue=venue,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        attendees=data.attendees,
        booker_kind=data.booker_kind,
        booked_by_id=getattr(actor, "pk", None),
        linked_kind=data.linked_kind,
        linked_id=data.linked_id if data.linked_kind else None,
        **clean,
    )
    booking.set_place_codes(grid_code=venue.grid_code, community_code=venue.community_code)
    booking.save()
    return booking


@transaction.atomic
def booking_create(*, actor: Actor, venue_id: int, data: BookingInput) -> Booking:
    venue = _locked_venue(actor, venue_id)
    require(actor, "venues.book_venue", venue)
    if not venue.active or not venue.bookable:
        raise Conflict(gettext("该阵地暂不接受预约"), code="not_bookable")
    if data.booker_kind == BookerKind.STAFF and not allowed(actor, "venues.manage_venue", venue):
        from gongzhi.core.roles import PLACE_STAFF
        from gongzhi.core.scope import scope_of

        if not scope_of(actor).covers(venue, PLACE_STAFF):
            data.booker_kind = BookerKind.RESIDENT  # a resident books as themself
    clean = _check(actor, venue, data, past_ok=False)
    booking = _write(actor, venue, data, clean)
    audit_record(
        actor=actor,
        target=booking,
        event="venues.booking_created",
        data={
            "venue": venue.pk,
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
            "booker_kind": booking.booker_kind,
            "linked": f"{booking.linked_kind}:{booking.linked_id}" if booking.linked_kind else "",
        },
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Actor, booking_id: int, reason: str = "") -> Booking:
    ids = list(
        booking_list_for_actor(actor=actor, status="").filter(pk=booking_id).values_list("pk", flat=True)
    )
    booking = Booking.objects.select_for_update(of=("self",)).filter(pk__in=ids).first()
    if booking is None:
        raise NotFound(gettext("预约不存在或无权查看"))
    require(actor, "venues.cancel_booking", booking)
    check_move(BOOKING, BookingStatus.CANCELLED, booking.status)
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationFailed(
            gettext("取消原因不能超过200个字"), fields={"reason": gettext("取消原因不能超过200个字")}
        )
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancel_reason = reason
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    audit_record(actor=actor, target=booking, event="venues.booking_cancelled", data={"reason": reason})
    return booking


@dataclass
class BookingRow:
    venue: Venue
    data: BookingInput
    booked_by: Actor | None = None


@transaction.atomic
def bookings_bulk_record(*, actor: Actor | None, rows: list[BookingRow]) -> list[Booking]:
    """A batch of bookings (the demo district's year, an import of the paper book): the past may be
    recorded; each is checked against the venue's hours and against the venue's bookings and those before
    it in the batch (each venue's row locked once); one audit row."""
    out: list[Booking] = []
    held: dict[int, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    venues: dict[int, Venue] = {}
    for r in rows:
        vid = r.venue.pk
        if vid not in venues:
            venues[vid] = Venue.objects.select_for_update(of=("self",)).get(pk=vid)
            held[vid] = list(
                Booking.objects.filter(venue_id=vid, status=BookingStatus.CONFIRMED).values_list(
                    "starts_at", "ends_at", "purpose"
                )
            )
        venue = venues[vid]
        clean = _check(None, venue, r.data, past_ok=True)
        assert r.data.starts_at is not None and r.data.ends_at is not None
        s, e = r.data.starts_at, r.data.ends_at
        clash = next((h for h in held[vid] if h[0] < e and s < h[1]), None)
        if clash is not None:
            raise Conflict(
                gettext("该时段已被预约：%(value)s“%(value2)s”")
                % {"value": _fmt(clash[0]), "value2": clash[2]},
                code="booking_conflict",
            )
        held[vid].append((s, e, str(clean["purpose"])))
        booking = Booking(
            venue=venue,
            starts_at=s,
            ends_at=e,
            attendees=r.data.attendees,
            booker_kind=r.data.booker_kind,
            booked_by_id=getattr(r.booked_by, "pk", None),
            linked_kind=r.data.linked_kind,
            linked_id=r.data.linked_id if r.data.linked_kind else None,
            **clean,
        )
        booking.set_place_codes(grid_code=venue.grid_code, community_code=venue.community_code)
        out.append(booking)
    Booking.objects.bulk_create(out, batch_size=500)
    if out:
        audit_record(
            actor=actor, target=out[0].venue, event="venues.bookings_imported", data={"count": len(out)}
        )
    return out
