"""Ticket figures per estate for a period, from the ticket records (the rollups are kept per grid and
community, not per estate or category): how many tickets of a category class were reported about each
estate, how many were due and handled on time, called back and satisfied, and how many repeated an earlier
complaint. The red-property assessment reads these (``gongzhi.property``).

A ticket is about an estate when the household it was reported for lives in one of the estate's buildings,
or, without a household, when its address begins with the estate's name in the estate's community (a
household's address is written estate + building + entrance + door). Declined and merged tickets are left
out. A ticket repeats a complaint when the same household — or, without one, the same reporter phone or
the same address — reported a ticket of the same small class within ``repeat_days`` before it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from gongzhi.tickets.enums import Satisfaction, TicketStatus
from gongzhi.tickets.models import Ticket


@dataclass
class EstateTicketFigures:
    reported: int = 0
    due: int = 0  # settled against their deadline (first handled, or found overdue): Ticket.sla_counted
    on_time: int = 0  # of those, first handled by the deadline
    callbacks: int = 0  # called back with an answer
    satisfied: int = 0  # satisfied or fairly satisfied
    repeats: int = 0


@dataclass(frozen=True)
class EstateKey:
    estate_id: int
    community_code: str
    name: str


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def estate_ticket_figures(
    *,
    estates: Iterable[EstateKey],
    start: dt.date,
    end: dt.date,
    category_prefix: str = "",
    repeat_days: int = 90,
) -> dict[int, EstateTicketFigures]:
    """Figures per estate id for tickets reported from ``start`` to ``end`` (inclusive)."""
    keys = list(estates)
    out = {k.estate_id: EstateTicketFigures() for k in keys}
    if not keys:
        return out
    by_community: dict[str, list[EstateKey]] = defaultdict(list)
    for k in keys:
        by_community[k.community_code].append(k)
    for names in by_community.values():
        names.sort(key=lambda k: -len(k.name))  # the longest name first: “阳光花园二期” before “阳光花园”
    since = _start(start) - dt.timedelta(days=repeat_days)
    until = _start(end + dt.timedelta(days=1))
    place = Q(household__building__estate_id__in=[k.estate_id for k in keys]) | Q(
        household__isnull=True, community_code__in=sorted(by_community)
    )
    qs = Ticket.objects.filter(place, created_at__gte=since, created_at__lt=until).exclude(
        status__in=[TicketStatus.DECLINED, TicketStatus.MERGED]
    )
    if category_prefix:
        qs = qs.filter(category__code__startswith=category_prefix)
    rows = qs.values_list(
        "created_at",
        "household__building__estate_id",
        "community_code",
        "address",
        "household_id",
        "reporter_phone_hash",
        "category_id",
        "sla_counted",
        "first_handled_at",
        "deadline",
        "satisfaction",
    ).order_by("created_at", "id")
    period_start = _start(start)
    last: dict[tuple[int, str], dt.datetime] = {}
    for (
        created,
        estate_id,
        community,
        address,
        household_id,
        phone_hash,
        category_id,
        counted,
        handled_at,
        deadline,
        satisfaction,
    ) in rows.iterator(chunk_size=5000):
        if estate_id is None:
            estate_id = next(
                (
                    k.estate_id
                    for k in by_community.get(community, ())
                    if address and address.startswith(k.name)
                ),
                None,
            )
            if estate_id is None:
                continue
        who = f"h{household_id}" if household_id else (f"p{phone_hash}" if phone_hash else f"a{address}")
        repeat_key = (category_id or 0, f"{estate_id}:{who}")
        earlier = last.get(repeat_key)
        last[repeat_key] = created
        if created < period_start:
            continue
        f = out[estate_id]
        f.reported += 1
        if earlier is not None and created - earlier <= dt.timedelta(days=repeat_days) and who != "a":
            f.repeats += 1
        if counted:
            f.due += 1
            if handled_at is not None and deadline is not None and handled_at <= deadline:
                f.on_time += 1
        if satisfaction:
            f.callbacks += 1
            if satisfaction in (Satisfaction.SATISFIED, Satisfaction.FAIRLY):
                f.satisfied += 1
    return out
