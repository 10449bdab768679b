"""What anyone may read of the district's reports (the residents' map, "nearby reports" before a report is
sent, the public reports page of a community, like FixMyStreet's): never a reporter, a phone, a door.

Every card is built from an allow-list (``PublicTicket``), and:

- the reporter is never named (not even a non-anonymous one), nor their phone, household or account;
- the description passes ``core.masking.mask_public_text`` with the names registered at the ticket's
  household and address and the reporter's (``people.selectors.registered_names``): phone and ID numbers,
  door numbers and those names become placeholders;
- the address is at most an estate (小区) of the community named in it, else the road it names, else the
  community; the point is rounded to about 100 m;
- a ticket about a resident's own affairs (a community-affairs category such as 邻里纠纷, or one not yet
  classified) shows no text and no photo, its point is rounded to about 1 km, and it is never a "nearby"
  report another resident can join (the same rule as the Open311 feed, ``open311.api.mapping``);
- merged and declined tickets are not listed: a merged one lives on in the ticket it joined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from gongzhi.core.masking import (
    PRIVATE_POINT_DECIMALS,
    PUBLIC_POINT_DECIMALS,
    coarse,
    mask_public_text,
    road_of,
)
from gongzhi.people.selectors import registered_names
from gongzhi.places.models import Community, Estate, Grid
from gongzhi.tickets.enums import OPEN, CategoryKind, PhotoStage, TicketStatus
from gongzhi.tickets.models import Ticket, TicketPhoto

if TYPE_CHECKING:
    from collections.abc import Iterable

S = TicketStatus
# What a resident reads as the status of someone else's report.
PUBLIC_STATUS: dict[str, Any] = {
    S.REPORTED: gettext_lazy("已收到，待受理"),
    S.ACCEPTED: gettext_lazy("已受理"),
    S.ESCALATED: gettext_lazy("已受理，协调中"),
    S.RETURNED: gettext_lazy("已受理"),
    S.DISPATCHED: gettext_lazy("处理中"),
    S.IN_PROGRESS: gettext_lazy("处理中"),
    S.HANDLED: gettext_lazy("已处置，待核查"),
    S.VERIFIED: gettext_lazy("已处置"),
    S.CALLED_BACK: gettext_lazy("已处置"),
    S.CLOSED: gettext_lazy("已办结"),
    S.DECLINED: gettext_lazy("不予受理"),
    S.MERGED: gettext_lazy("已合并办理"),
}
PRIVATE_SUMMARY = gettext_noop("（涉及居民个人事务，详情不公开）")  # translated when shown
UNCLASSIFIED = gettext_noop("待分类的问题")
# Listed on the public page: everything but the merged (a copy of another) and the declined.
LISTED = frozenset(set(S.values) - {S.MERGED, S.DECLINED})
SUMMARY_MAX = 120
NEARBY_METRES = 300
NEARBY_LIMIT = 8
# A report older than this is not offered as "nearby": the problem it describes may be another one by now.
NEARBY_DAYS = 60
PAGE_SIZE = 30
M_PER_DEG_LAT = 111_320.0


@dataclass
class PublicTicket:
    id: int
    number: str
    category: str
    summary: str
    status: str
    status_label: str
    open: bool
    private: bool
    place: str
    lng: float | None
    lat: float | None
    reported_at: datetime
    closed_at: datetime | None
    followers: int = 0  # residents who said "这也是我的问题"
    distance: int | None = None  # metres from the pin, rounded to 10 m (nearby only)
    before: list[int] = field(default_factory=list)  # photo ids (report photos)
    after: list[int] = field(default_factory=list)  # photo ids (handling results)


def is_private(ticket: Ticket) -> bool:
    category = ticket.category
    return category is None or category.kind == CategoryKind.COMMUNITY


def _followers(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = (
        Ticket.objects.filter(duplicate_of_id__in=ids, status=S.MERGED)
        .values("duplicate_of_id")
        .annotate(n=Count("id"))
    )
    return {r["duplicate_of_id"]: r["n"] for r in rows}


def _photos(ids: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    out: dict[int, tuple[list[int], list[int]]] = {i: ([], []) for i in ids}
    if not ids:
        return out
    rows = TicketPhoto.objects.filter(
        ticket_id__in=ids, stage__in=[PhotoStage.REPORT, PhotoStage.RESULT]
    ).values_list("ticket_id", "stage", "id")
    for ticket_id, stage, photo_id in rows.order_by("id"):
        before, after = out[ticket_id]
        (before if stage == PhotoStage.REPORT else after).append(photo_id)
    return out


def public_cards(
    tickets: Iterable[Ticket], *, origin: tuple[float, float] | None = None
) -> list[PublicTicket]:
    """The public cards of these tickets (at most five queries whatever their number)."""
    tickets = list(tickets)
    if not tickets:
        return []
    codes = sorted({t.community_code for t in tickets if t.community_code})
    communities = dict(Community.objects.filter(code__in=codes).values_list("code", "name"))
    estates: dict[str, list[str]] = {}
    for code, name in Estate.objects.filter(community_code__in=codes).values_list("community_code", "name"):
        estates.setdefault(code, []).append(name)
    for listed in estates.values():
        listed.sort(key=len, reverse=True)
    public = [t for t in tickets if not is_private(t)]
    names = registered_names(
        household_ids=[t.household_id for t in public if t.household_id],
        addresses=[(t.community_code, t.address) for t in public if t.address],
        user_ids=[t.reporter_id for t in public if t.reporter_id],
    )
    followers = _followers([t.pk for t in tickets])
    photos = _photos([t.pk for t in public])
    out = []
    for t in tickets:
        private = is_private(t)
        community = communities.get(t.community_code, "")
        hide = {
            r.name
            for r in names
            if (t.household_id and r.household_id == t.household_id)
            or (t.address and (r.community_code, r.address) == (t.community_code, t.address.strip()))
            or (t.reporter_id and r.user_id == t.reporter_id)
        } | ({t.reporter_name} if t.reporter_name else set())
        if private:
            place, summary = community, gettext(PRIVATE_SUMMARY)
        else:
            estate = next((e for e in estates.get(t.community_code, []) if e in (t.address or "")), "")
            place = estate or mask_public_text(road_of(t.address), hide) or community
            summary = mask_public_text(t.description, hide)
            if len(summary) > SUMMARY_MAX:
                summary = summary[:SUMMARY_MAX] + "…"
        decimals = PRIVATE_POINT_DECIMALS if private else PUBLIC_POINT_DECIMALS
        distance = None
        if origin is not None and t.lng is not None and t.lat is not None:
            distance = int(round(metres(origin, (t.lng, t.lat)), -1))
        before, after = photos.get(t.pk, ([], []))
        out.append(
            PublicTicket(
                id=t.pk,
                number=t.number,
                category=t.category.name if t.category else gettext(UNCLASSIFIED),
                summary=summary,
                status=t.status,
                status_label=str(PUBLIC_STATUS.get(t.status, "")),
                open=t.status in OPEN,
                private=private,
                place=place,
                lng=coarse(t.lng, decimals),
                lat=coarse(t.lat, decimals),
                reported_at=t.created_at,
                closed_at=t.closed_at,
                followers=followers.get(t.pk, 0),
                distance=distance,
                before=before,
                after=after,
            )
        )
    return out


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two WGS-84 (lng, lat) points; an equirectangular approximation, exact
    enough within a few kilometres."""
    mean_lat = math.radians((a[1] + b[1]) / 2)
    dx = (b[0] - a[0]) * M_PER_DEG_LAT * math.cos(mean_lat)
    dy = (b[1] - a[1]) * M_PER_DEG_LAT
    return math.hypot(dx, dy)


def _box(lng: float, lat: float, radius: float) -> tuple[float, float, float, float]:
    dlat = radius / M_PER_DEG_LAT
    dlng = radius / (M_PER_DEG_LAT * max(0.1, math.cos(math.radians(lat))))
    return lng - dlng, lat - dlat, lng + dlng, lat + dlat


def nearby_open(
    *,
    lng: float,
    lat: float,
    radius: float = NEARBY_METRES,
    limit: int = NEARBY_LIMIT,
    exclude_reporter_id: int | None = None,
    now: datetime | None = None,
) -> list[PublicTicket]:
    """Open reports near a point that a resident may join (这也是我的问题), nearest first: reported in the
    last ``NEARBY_DAYS`` days, in a public category, within ``radius`` metres. The grids whose box meets
    the search box narrow the tickets first (the grid-and-status index), then the box, then the circle."""
    min_lng, min_lat, max_lng, max_lat = _box(lng, lat, radius)
    grids = list(
        Grid.objects.filter(
            min_lng__lte=max_lng, max_lng__gte=min_lng, min_lat__lte=max_lat, max_lat__gte=min_lat
        ).values_list("code", flat=True)[:200]
    )
    if not grids:
        return []
    since = (now or timezone.now()) - timedelta(days=NEARBY_DAYS)
    qs = (
        Ticket.objects.filter(
            grid_code__in=grids,
            status__in=sorted(OPEN),
            created_at__gte=since,
            lng__gte=min_lng,
            lng__lte=max_lng,
            lat__gte=min_lat,
            lat__lte=max_lat,
            category__isnull=False,
        )
        .exclude(category__kind=CategoryKind.COMMUNITY)
        .select_related("category")
    )
    if exclude_reporter_id:
        joined = Ticket.objects.filter(reporter_id=exclude_reporter_id, status=S.MERGED).values(
            "duplicate_of_id"
        )
        qs = qs.exclude(reporter_id=exclude_reporter_id).exclude(pk__in=joined)
    rows = [
        t
        for t in qs.order_by("-id")[:200]
        if t.lng is not None and t.lat is not None and metres((lng, lat), (t.lng, t.lat)) <= radius
    ]
    rows.sort(key=lambda t: metres((lng, lat), (t.lng or 0.0, t.lat or 0.0)))
    return public_cards(rows[:limit], origin=(lng, lat))


def joinable(ticket: Ticket) -> bool:
    """A ticket another resident may join: open and in a public category (the rule of ``nearby_open``,
    without the distance: a resident may join from the public page too)."""
    return ticket.status in OPEN and not is_private(ticket)


@dataclass
class PublicPage:
    community: Community
    cards: list[PublicTicket]
    next_after: int | None
    counts: dict[str, int]


def community_for_public(code: str) -> Community | None:
    code = (code or "").strip()
    if not code.isdigit() or len(code) != 12:
        return None
    return Community.objects.filter(code=code).first()


def public_reports(
    *, community: Community, state: str = "", after_id: int | None = None, limit: int = PAGE_SIZE
) -> PublicPage:
    """A community's reports for the public page, newest first, keyset-paged by id; ``state`` "open" or
    "closed" narrows them."""
    qs = Ticket.objects.filter(community_code=community.code, status__in=sorted(LISTED))
    counts = {
        "open": qs.filter(status__in=sorted(OPEN)).count(),
        "closed": qs.filter(status=S.CLOSED).count(),
    }
    if state == "open":
        qs = qs.filter(status__in=sorted(OPEN))
    elif state == "closed":
        qs = qs.filter(status=S.CLOSED)
    if after_id:
        qs = qs.filter(pk__lt=after_id)
    rows = list(qs.select_related("category").order_by("-id")[: limit + 1])
    cards = public_cards(rows[:limit])
    return PublicPage(
        community=community,
        cards=cards,
        next_after=rows[limit - 1].pk if len(rows) > limit else None,
        counts=counts,
    )


def public_photo(photo_id: int) -> TicketPhoto | None:
    """A photo the public page shows: a report or result photo of a listed ticket in a public category."""
    photo = (
        TicketPhoto.objects.select_related("ticket__category")
        .filter(
            pk=photo_id, stage__in=[PhotoStage.REPORT, PhotoStage.RESULT], ticket__status__in=sorted(LISTED)
        )
        .first()
    )
    if photo is None or is_private(photo.ticket):
        return None
    return photo


def map_grids(
    *, community_codes: Iterable[str] = (), grid_codes: Iterable[str] = (), limit: int = 300
) -> list[dict[str, object]]:
    """Grid outlines with their names for a resident's map: the given grids, else the given communities'
    grids, else every grid (up to ``limit``). Grid names and outlines are public (on the notice boards)."""
    qs = Grid.objects.exclude(boundary=None)
    grids = sorted({c for c in grid_codes if c})
    codes = sorted({c for c in community_codes if c})
    if grids:
        qs = qs.filter(code__in=grids)
    elif codes:
        qs = qs.filter(community_code__in=codes)
    return [
        {"code": code, "name": name, "boundary": boundary}
        for code, name, boundary in qs.order_by("code").values_list("code", "name", "boundary")[:limit]
    ]


def locate(lng: float, lat: float) -> dict[str, str]:
    """The grid and community a point lies in (the point-to-grid locator), names included; {} outside."""
    from gongzhi.core import codes as place_codes
    from gongzhi.places import geo

    code = geo.grid_locator().locate(lng, lat) or ""
    if not code:
        return {}
    grid = Grid.objects.filter(code=code).values_list("name", flat=True).first() or ""
    community_code = place_codes.community_of_grid(code)
    community = Community.objects.filter(code=community_code).values_list("name", flat=True).first() or ""
    return {"grid_code": code, "grid": grid, "community_code": community_code, "community": community}
