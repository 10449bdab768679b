"""The venues API: the register, a booking and its conflict, the coverage, the overview's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.venues.models import Booking
from gongzhi.venues.tests.factories import make_venue, next_weekday

pytestmark = pytest.mark.django_db


def _login(client, d, who):
    client.force_login(d.user(who))
    return client


def test_register_book_and_conflict_through_the_api(district, api_client):
    d = district
    c = _login(api_client, d, "community_worker")
    r = c.post(
        "/api/v1/venues/venues",
        {
            "community_id": d.communities["A1"].pk,
            "kind": "grid_station",
            "name": "银山第一网格工作站",
            "address": "银山路5号",
            "after_hours_678": True,
            "grid_id": d.grids["g1"].pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    vid = r.json()["id"]
    assert "678" in r.json()["hours"]
    start = next_weekday(0, 19)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        "purpose": "网格议事",
    }
    assert (
        c.post(f"/api/v1/venues/venues/{vid}/bookings", body, content_type="application/json").status_code
        == 201
    )
    r = c.post(f"/api/v1/venues/venues/{vid}/bookings", body, content_type="application/json")
    assert r.status_code == 409 and "该时段已被预约" in r.json()["message"]
    assert Booking.objects.count() == 1
    listed = c.get(f"/api/v1/venues/venues/{vid}/bookings").json()
    assert [b["purpose"] for b in listed] == ["网格议事"]
    cov = c.get("/api/v1/venues/coverage").json()
    assert cov["method"].startswith("直线距离") and cov["households"] == 6
    geo = c.get("/api/v1/venues/geojson").json()
    assert geo["features"][0]["properties"]["name"] == "银山第一网格工作站"


def test_a_resident_of_another_community_neither_sees_nor_books(district, api_client):
    d = district
    v = make_venue(d, community="B1", name="安大社区党群服务中心")
    c = _login(api_client, d, "resident")
    assert c.get(f"/api/v1/venues/venues/{v.pk}").status_code == 404
    assert c.get("/api/v1/venues/venues").json() == []
    start = next_weekday(0, 9)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        "purpose": "x",
    }
    assert (
        c.post(f"/api/v1/venues/venues/{v.pk}/bookings", body, content_type="application/json").status_code
        == 404
    )
    assert Booking.objects.count() == 0


def test_the_overview_counts_venues_and_this_months_bookings(district, api_client):
    from django.utils import timezone

    from gongzhi.venues.services.bookings import BookingRow, bookings_bulk_record
    from gongzhi.venues.tests.factories import slot

    d = district
    v = make_venue(d, lng=d.grids["g1"].center_lng, lat=d.grids["g1"].center_lat)
    make_venue(d, name="停用的驿站").__class__.objects.filter(name="停用的驿站").update(active=False)
    today = timezone.localdate()
    first = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time(9)))
    while first.weekday() >= 5:
        first += dt.timedelta(days=1)
    last_month = first - dt.timedelta(days=35)
    while last_month.weekday() >= 5:
        last_month += dt.timedelta(days=1)
    bookings_bulk_record(actor=None, rows=[BookingRow(v, slot(first, 1)), BookingRow(v, slot(last_month, 1))])
    out = api_client.get("/api/v1/overview").json()["venues"]
    assert out == {"venues": 1, "bookings_this_month": 1, "households_within_15_minutes_share": 0.25}
