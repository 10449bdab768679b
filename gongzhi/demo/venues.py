"""Demo: the venues of every community, through the venues services — a 党群服务中心 each (open every day,
with the "678" evenings), a "678" 党员驿站, a 网格工作站 for every third residential grid, a 调解室 and a
居民说事点 — their standards inspections, and a year of bookings (party meetings, deliberation), none
overlapping. Seeded before the volunteers, whose demo holds activities at these venues (``venue_id``) and
books them for each session (linked by id)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.demo.layout import username_stem
from gongzhi.demo.population import TODAY
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid
from gongzhi.venues import hours
from gongzhi.venues.enums import SERVICES, BookerKind, LinkKind, StandardItem, VenueKind
from gongzhi.venues.services.bookings import BookingInput, BookingRow, bookings_bulk_record
from gongzhi.venues.services.venues import VenueInput, VenueRow, venue_inspect, venues_bulk_register

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
PURPOSES = [
    ("党员大会", BookerKind.STAFF, LinkKind.MEETING),
    ("主题党日活动", BookerKind.STAFF, LinkKind.MEETING),
    ("居民议事会", BookerKind.STAFF, LinkKind.MEETING),
    ("网格员例会", BookerKind.STAFF, LinkKind.MEETING),
    ("驻区单位共建座谈", BookerKind.UNIT, LinkKind.MEETING),
    ("老年大学书法班", BookerKind.RESIDENT, LinkKind.NONE),
    ("社区合唱团排练", BookerKind.TEAM, LinkKind.NONE),
]


def _centre(grids: list[Grid]) -> tuple[float | None, float | None]:
    placed = [g for g in grids if g.center_lng is not None]
    if not placed:
        return None, None
    return sum(g.center_lng for g in placed) / len(placed), sum(g.center_lat for g in placed) / len(placed)  # type: ignore[misc]


def _rows(community: Community, grids: list[Grid], rng: Any) -> list[VenueRow]:
    lng, lat = _centre(grids)
    name = community.name
    rows = [
        VenueRow(
            community,
            VenueInput(
                kind=VenueKind.SERVICE_CENTRE,
                name=f"{name}党群服务中心",
                address=f"{name}居委会一楼",
                lng=lng,
                lat=lat,
                open_weekdays=EVERY_DAY,
                opens_at=dt.time(8, 30),
                closes_at=dt.time(17, 30),
                after_hours_678=True,
                services=["政务代办", "党员教育", "议事协商", "志愿服务", "文体活动", "图书阅览"],
                manager_name=f"{name}党委书记",
                capacity=80,
                floor_area=rng.choice((600, 800, 1000)),
            ),
        ),
        VenueRow(
            community,
            VenueInput(
                kind=VenueKind.MEDIATION_ROOM,
                name=f"{name}人民调解室",
                address=f"{name}居委会二楼",
                lng=lng,
                lat=lat,
                services=["矛盾调解", "法律咨询"],
                capacity=10,
            ),
        ),
    ]
    if grids:
        g = grids[0]
        rows.append(
            VenueRow(
                community,
                VenueInput(
                    kind=VenueKind.STATION_678,
                    name=f"{name}“678”党员驿站",
                    address=f"{g.name}沿街",
                    after_hours_678=True,
                    services=["饮水休息", "充电应急", "志愿服务"],
                    capacity=15,
                ),
                grid=g,
            )
        )
        g = grids[-1]
        rows.append(
            VenueRow(
                community,
                VenueInput(
                    kind=VenueKind.TALK_POINT,
                    name=f"{name}居民说事点",
                    address=f"{g.name}小区凉亭",
                    capacity=20,
                    services=["议事协商"],
                ),
                grid=g,
            )
        )
    for i, g in enumerate(grids[::3], start=1):
        rows.append(
            VenueRow(
                community,
                VenueInput(
                    kind=VenueKind.GRID_STATION,
                    name=f"{name}第{i}网格工作站",
                    address=f"{g.name}网格员办公室",
                    services=rng.sample(SERVICES, 3),
                    capacity=12,
                ),
                grid=g,
            )
        )
    return rows


def _bookings(venue: Any, rng: Any, start: dt.date, end: dt.date) -> list[BookingRow]:
    """About a booking a week, by day time or on "678" evenings."""
    rows: list[BookingRow] = []
    taken: list[tuple[dt.datetime, dt.datetime]] = []

    def add(s: dt.datetime, e: dt.datetime, data: BookingInput) -> None:
        if hours.is_open_between(venue, s, e) and not any(a < e and s < b for a, b in taken):
            taken.append((s, e))
            rows.append(BookingRow(venue, data))

    day = start
    while day <= end:
        for _ in range(1):
            purpose, kind, link = rng.choice(PURPOSES)
            hour = rng.choice((9, 10, 14, 15, 18, 19))
            s = timezone.make_aware(
                dt.datetime.combine(day + dt.timedelta(days=rng.randrange(7)), dt.time(hour))
            )
            e = s + dt.timedelta(hours=rng.choice((1, 2)))
            add(
                s,
                e,
                BookingInput(
                    starts_at=s,
                    ends_at=e,
                    purpose=purpose,
                    attendees=min(rng.randint(8, 40), venue.capacity),
                    booker_kind=kind if kind != BookerKind.UNIT else BookerKind.TEAM,
                    organization_name="驻区单位"
                    if kind == BookerKind.UNIT
                    else ("社区合唱团" if kind == BookerKind.TEAM else ""),
                    linked_kind=link,
                ),
            )
        day += dt.timedelta(days=7)
    return rows


def seed_venues(seeder: Any) -> dict[str, int]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed_venues(seeder)


def _seed_venues(seeder: Any) -> dict[str, int]:
    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    totals = {"venues": 0, "bookings": 0, "inspections": 0}
    start = dt.date(TODAY.year, 1, 5)
    end = TODAY + dt.timedelta(days=28)
    communities = list(Community.objects.order_by("code"))
    grids: dict[int, list[Grid]] = {c.pk: [] for c in communities}
    for g in Grid.objects.filter(kind=GridKind.RESIDENTIAL).order_by("code"):
        grids[g.community_id].append(g)
    planned = [_rows(c, grids[c.pk], rng) for c in communities]
    # One batch for the district's venues and one for their year of bookings (one audit row each).
    made = venues_bulk_register(actor=admin, rows=[r for rows in planned for r in rows])
    totals["venues"] = len(made)
    per_community: list[list[Any]] = []
    at = 0
    for rows in planned:
        per_community.append(made[at : at + len(rows)])
        at += len(rows)
    bookings: list[BookingRow] = []
    for venues in per_community:
        bookings += _bookings(venues[0], rng, start, end)
        for v in venues[2:4]:
            bookings += _bookings(v, rng, end - dt.timedelta(days=56), end)
    totals["bookings"] = len(bookings_bulk_record(actor=admin, rows=bookings))
    for community, venues in zip(communities, per_community, strict=True):
        secretary = User.objects.filter(username=f"{username_stem(community.name)}-sj").first() or admin
        for v in venues[:3]:
            met = [i for i in StandardItem.values if rng.random() < 0.85]
            venue_inspect(
                actor=secretary,
                venue_id=v.pk,
                met_items=met,
                inspected_on=TODAY - dt.timedelta(days=rng.randint(10, 200)),
                note="" if len(met) == len(StandardItem.values) else "按标准化清单整改",
            )
            totals["inspections"] += 1
    seconds = round(time.monotonic() - t, 1)
    if hasattr(seeder, "stats"):
        seeder.stats.timings["venues"] = seconds
    if hasattr(seeder, "progress"):
        seeder.progress(
            f"  服务阵地：{totals['venues']} 处阵地，{totals['bookings']} 次预约，{totals['inspections']} 次标准化检查（{seconds} 秒）"
        )
    return totals
