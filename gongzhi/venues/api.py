"""The venues API under /api/v1/venues/: the register, inspections, bookings and the 15-minute circle.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.venues import coverage, hours, selectors
from gongzhi.venues.services import bookings, venues

router = Router(tags=["服务阵地"], auth=session_auth)


class VenueIn(Schema):
    community_id: int
    kind: str = Field(..., description="service_centre / station_678 / grid_station / mediation_room …")
    name: str = Field(..., max_length=100)
    address: str = Field(..., max_length=200)
    grid_id: int | None = None
    lng: float | None = None
    lat: float | None = None
    open_weekdays: list[int] = Field([0, 1, 2, 3, 4], max_length=7)
    opens_at: dt.time = dt.time(9, 0)
    closes_at: dt.time = dt.time(17, 0)
    after_hours_678: bool = False
    services: list[str] = Field([], max_length=30)
    manager_name: str = Field("", max_length=50)
    capacity: int = 20
    floor_area: int | None = None
    bookable: bool = True


class VenueOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    address: str
    community_code: str
    grid_code: str
    lng: float | None
    lat: float | None
    hours: str
    after_hours_678: bool
    services: list[str]
    manager_name: str
    capacity: int
    bookable: bool
    active: bool

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_hours(obj: Any) -> str:
        return hours.describe(obj)


class VenueFilter(Schema):
    kind: str = ""
    community_code: str = ""
    q: str = Field("", max_length=50)
    limit: int = Field(200, ge=1, le=1000)


class InspectionIn(Schema):
    met_items: list[str] = Field([], max_length=20)
    inspected_on: dt.date | None = None
    note: str = Field("", max_length=500)


class InspectionOut(Schema):
    id: int
    venue_id: int
    inspected_on: dt.date
    results: dict[str, bool]
    met: int
    total: int
    note: str


class BookingIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str = Field(..., max_length=100)
    attendees: int = 1
    booker_kind: str = Field("staff", description="staff / unit / team / resident")
    unit_id: int | None = None
    organization_name: str = Field("", max_length=100)
    linked_kind: str = Field("", description="activity / meeting / training / mediation")
    linked_id: int | None = None


class BookingOut(Schema):
    id: int
    venue_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str
    attendees: int
    booker_kind: str
    organization_name: str
    status: str
    linked_kind: str
    linked_id: int | None


class BookingFilter(Schema):
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    limit: int = Field(200, ge=1, le=1000)


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class CommunityCoverageOut(Schema):
    community_code: str
    households: int
    covered: int
    share: float | None
    by_kind: dict[str, int]


class VenueCoverageOut(Schema):
    method: str
    detour_factor: float
    walk_metres: float
    households: int
    covered: int
    share: float | None
    communities: list[CommunityCoverageOut]


class CoverageFilter(Schema):
    community_code: str = ""
    detour_factor: float = Field(coverage.DETOUR_FACTOR, ge=1.0, le=3.0)
    walk_metres: float = Field(coverage.WALK_METRES, ge=100, le=5000)


def _input(payload: VenueIn) -> venues.VenueInput:
    data = payload.dict()
    data.pop("community_id")
    return venues.VenueInput(**data)


@router.get("/venues", response={200: list[VenueOut], **ERRORS}, summary="服务阵地")
def venue_list(request: HttpRequest, filters: Query[VenueFilter]):
    rows = selectors.venue_list_for_actor(
        actor=actor_of(request), kind=filters.kind, community_code=filters.community_code, q=filters.q
    )
    return list(rows[: filters.limit])


@router.post("/venues", response={201: VenueOut, **ERRORS}, summary="登记阵地")
def venue_create(request: HttpRequest, payload: VenueIn):
    venue = venues.venue_register(
        actor=actor_of(request), community_id=payload.community_id, data=_input(payload)
    )
    return Status(201, venue)


@router.get("/venues/{venue_id}", response={200: VenueOut, **ERRORS}, summary="阵地详情")
def venue_detail(request: HttpRequest, venue_id: int):
    return selectors.venue_get_for_actor(actor=actor_of(request), venue_id=venue_id)


@router.post("/venues/{venue_id}/inspections", response={201: InspectionOut, **ERRORS}, summary="标准化检查")
def venue_inspection(request: HttpRequest, venue_id: int, payload: InspectionIn):
    row = venues.venue_inspect(
        actor=actor_of(request),
        venue_id=venue_id,
        met_items=payload.met_items,
        inspected_on=payload.inspected_on,
        note=payload.note,
    )
    return Status(201, row)


@router.get("/venues/{venue_id}/bookings", response={200: list[BookingOut], **ERRORS}, summary="阵地预约")
def venue_bookings(request: HttpRequest, venue_id: int, filters: Query[BookingFilter]):
    actor = actor_of(request)
    selectors.venue_get_for_actor(actor=actor, venue_id=venue_id)
    rows = selectors.booking_list_for_actor(
        actor=actor, venue_id=venue_id, day_from=filters.day_from, day_to=filters.day_to
    )
    return list(rows[: filters.limit])


@router.post("/venues/{venue_id}/bookings", response={201: BookingOut, **ERRORS}, summary="预约阵地")
def booking_create(request: HttpRequest, venue_id: int, payload: BookingIn):
    booking = bookings.booking_create(
        actor=actor_of(request), venue_id=venue_id, data=bookings.BookingInput(**payload.dict())
    )
    return Status(201, booking)


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, summary="取消预约")
def booking_cancel(request: HttpRequest, booking_id: int, payload: CancelIn):
    return bookings.booking_cancel(actor=actor_of(request), booking_id=booking_id, reason=payload.reason)


@router.get("/coverage", response={200: VenueCoverageOut, **ERRORS}, summary="15分钟党群服务圈覆盖")
def venue_coverage(request: HttpRequest, filters: Query[CoverageFilter]):
    cov = selectors.coverage_for_actor(
        actor=actor_of(request),
        community_code=filters.community_code,
        detour_factor=filters.detour_factor,
        walk_metres=filters.walk_metres,
    )
    return {
        "method": "直线距离×绕行系数（估算）",
        "detour_factor": cov.detour_factor,
        "walk_metres": cov.walk_metres,
        "households": cov.households,
        "covered": cov.covered,
        "share": cov.share,
        "communities": [
            {**c.__dict__, "share": c.share}
            for c in sorted(cov.communities.values(), key=lambda c: c.community_code)
        ],
    }


@router.get(
    "/geojson", response={200: dict, **ERRORS}, url_name="venue_geojson", summary="阵地点位（GeoJSON）"
)
def venue_geojson(request: HttpRequest, community_code: str = ""):
    rows = selectors.venue_list_for_actor(actor=actor_of(request), community_code=community_code)
    walk = coverage.WALK_METRES / coverage.DETOUR_FACTOR
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.lng, v.lat]},
                "properties": {
                    "id": v.pk,
                    "name": v.name,
                    "kind": v.kind,
                    "kind_label": str(v.get_kind_display()),
                    "hours": hours.describe(v),
                    "radius_m": round(walk),
                },
            }
            for v in rows
            if v.lng is not None
        ],
    }
