"""Reads of venues, inspections and bookings, with the actor's scope applied; the 15-minute coverage.
Missing and forbidden rows are the same 404.

Who sees what:
- every role placed over the venue (staff, the auditor; party members and unit liaisons placed in its
  community): the venue, its inspections and bookings of their places (``TICKET_READERS`` for bookings);
- a resident: the venues of their household's community, and their own bookings;
- whoever booked: their bookings.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.venues import coverage
from gongzhi.venues.enums import BookingStatus
from gongzhi.venues.models import Booking, Venue, VenueInspection

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _own_communities(actor: Actor) -> list[str]:
    from gongzhi.places.models import Household

    ids = sorted(scope_of(actor).household_ids)
    if not ids:
        return []
    return sorted(set(Household.objects.filter(pk__in=ids).values_list("community_code", flat=True)))


def _grid_communities(actor: Actor) -> list[str]:
    """The communities of the grids the actor works in: a grid worker uses the community's venues."""
    from gongzhi.core import codes

    return sorted({codes.community_of_grid(g) for g in scope_of(actor).codes()["grid"]})


def venue_visible_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    q = scope.place_q()
    own = _own_communities(actor) + _grid_communities(actor)
    if own:
        q |= Q(community_code__in=own)
    return q


def venue_list_for_actor(
    *,
    actor: Actor,
    kind: str = "",
    community_code: str = "",
    active: bool | None = True,
    q: str = "",
    limit: int | None = None,
) -> QuerySet[Venue]:
    qs = Venue.objects.filter(venue_visible_q(actor))
    if kind:
        qs = qs.filter(kind=kind)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(name__contains=q)
    qs = qs.select_related("community", "grid").order_by("community_code", "kind", "name")
    return qs[:limit] if limit else qs


def venue_get_for_actor(*, actor: Actor, venue_id: int) -> Venue:
    venue = venue_list_for_actor(actor=actor, active=None).filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(gettext("阵地不存在或无权查看"))
    return venue


def inspection_list_for_venue(*, actor: Actor, venue_id: int) -> QuerySet[VenueInspection]:
    venue = venue_get_for_actor(actor=actor, venue_id=venue_id)
    return (
        VenueInspection.objects.filter(venue=venue)
        .select_related("inspector")
        .order_by("-inspected_on", "-id")
    )


def booking_visible_q(actor: Actor) -> Q:
    return scope_of(actor).place_q(TICKET_READERS) | Q(booked_by_id=getattr(actor, "pk", None) or 0)


def booking_list_for_actor(
    *,
    actor: Actor,
    venue_id: int | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    status: str = BookingStatus.CONFIRMED,
    mine: bool = False,
    limit: int | None = None,
) -> QuerySet[Booking]:
    qs = Booking.objects.filter(booking_visible_q(actor))
    if mine:
        qs = qs.filter(booked_by_id=actor.pk)
    if venue_id:
        qs = qs.filter(venue_id=venue_id)
    if status:
        qs = qs.filter(status=status)
    if day_from:
        qs = qs.filter(ends_at__gte=_day_start(day_from))
    if day_to:
        qs = qs.filter(starts_at__lt=_day_start(day_to + dt.timedelta(days=1)))
    qs = qs.select_related("venue", "unit", "booked_by").order_by("starts_at", "id")
    return qs[:limit] if limit else qs


def booking_get_for_actor(*, actor: Actor, booking_id: int) -> Booking:
    booking = booking_list_for_actor(actor=actor, status="").filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(gettext("预约不存在或无权查看"))
    return booking


def booking_overlapping(venue_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> Booking | None:
    """A confirmed booking of the venue whose time overlaps [starts_at, ends_at)."""
    return (
        Booking.objects.filter(
            venue_id=venue_id, status=BookingStatus.CONFIRMED, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# --- the 15-minute circle ---------------------------------------------------------------------------


def household_points(place_q: Q) -> list[coverage.HouseholdPoint]:
    """Each household's point: its building's, else its grid's centre (households without either are
    left out, and counted by the caller as unplaced)."""
    from gongzhi.places.models import Household

    rows = Household.objects.filter(place_q).values_list(
        "pk", "community_code", "building__lng", "building__lat", "grid__center_lng", "grid__center_lat"
    )
    out = []
    for pk, code, blng, blat, glng, glat in rows.iterator(chunk_size=5000):
        lng, lat = (blng, blat) if blng is not None else (glng, glat)
        if lng is not None and lat is not None:
            out.append(coverage.HouseholdPoint(pk, code, lng, lat))
    return out


def venue_points(district_codes: set[str] | None = None) -> list[coverage.VenuePoint]:
    """Every active venue with a point (of the districts given): a household may walk across a community
    boundary, so the venues are not cut to the actor's scope — only the households are."""
    qs = Venue.objects.filter(active=True, lng__isnull=False, lat__isnull=False)
    if district_codes is not None:
        qs = qs.filter(district_code__in=sorted(district_codes))
    rows = qs.values_list("pk", "kind", "lng", "lat")
    return [
        coverage.VenuePoint(pk, kind, lng, lat)
        for pk, kind, lng, lat in rows
        if lng is not None and lat is not None
    ]


def coverage_for_actor(
    *,
    actor: Actor,
    community_code: str = "",
    detour_factor: float = coverage.DETOUR_FACTOR,
    walk_metres: float = coverage.WALK_METRES,
    keep_distances: bool = False,
) -> coverage.Coverage:
    """The 15-minute coverage of the households the actor's population scope holds."""
    from gongzhi.core.roles import POPULATION_ROLES

    scope = scope_of(actor)
    place_q = scope.place_q(POPULATION_ROLES)
    if community_code:
        place_q &= Q(community_code=community_code)
    homes = household_points(place_q)
    districts = {h.community_code[:6] for h in homes}
    return coverage.walking_coverage(
        homes,
        venue_points(districts),
        detour_factor=detour_factor,
        walk_metres=walk_metres,
        keep_distances=keep_distances,
    )


def venue_counts() -> dict[str, Any]:
    """The overview's ``venues`` figures, from records: active venues, confirmed bookings that start this
    month, and the share of all placed households within 15 minutes' walk of a venue."""
    now = timezone.localtime()
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    homes = household_points(Q())
    share = coverage.walking_coverage(homes, venue_points(), keep_distances=False).share
    return {
        "venues": Venue.objects.filter(active=True).count(),
        "bookings_this_month": Booking.objects.filter(
            status=BookingStatus.CONFIRMED, starts_at__gte=month, starts_at__lt=nxt
        ).count(),
        "households_within_15_minutes_share": share,
    }
