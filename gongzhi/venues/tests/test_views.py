"""The console and H5 pages of the venues: register, book, inspect, the map; a resident books on the phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.venues.models import Booking, Venue, VenueInspection
from gongzhi.venues.tests.factories import make_venue, next_weekday

pytestmark = pytest.mark.django_db


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def test_the_console_register_book_inspect_and_map(district, client):
    d = district
    client.force_login(d.user("community_worker"))
    r = client.get("/console/venues/")
    assert r.status_code == 200 and "还没有登记阵地" in r.content.decode()
    r = client.post(
        "/console/venues/",
        {"community_id": d.communities["A1"].pk, "kind": "service_centre", "name": "", "address": "x"},
    )
    assert r.status_code == 400 and "请填写阵地名称" in r.content.decode() and Venue.objects.count() == 0
    r = client.post(
        "/console/venues/",
        {
            "community_id": d.communities["A1"].pk,
            "grid_id": d.grids["g1"].pk,
            "kind": "station_678",
            "name": "银山党员驿站",
            "address": "银山路2号",
            "opens_at": "09:00",
            "closes_at": "17:00",
            "open_weekdays": ["0", "1", "2", "3", "4"],
            "after_hours_678": "1",
            "services": ["饮水休息"],
            "other_services": "雨伞借用，急救箱",
            "capacity": "15",
        },
    )
    v = Venue.objects.get()
    assert r.status_code == 302 and v.after_hours_678 and v.services == ["饮水休息", "雨伞借用", "急救箱"]
    start = next_weekday(1, 19)
    form = {
        "starts_at": _local(start),
        "ends_at": _local(start + dt.timedelta(hours=1)),
        "purpose": "网格议事",
        "attendees": "8",
    }
    assert client.post(f"/console/venues/{v.pk}/book/", form).status_code == 302
    assert (
        client.post(f"/console/venues/{v.pk}/book/", form).status_code == 302
    )  # refused, shown as a message
    assert Booking.objects.count() == 1
    page = client.get(f"/console/venues/{v.pk}/").content.decode()
    assert "网格议事" in page and "“678”" in page
    client.post(
        f"/console/venues/{v.pk}/inspect/", {"met_items": ["signboard", "equipment"], "note": "版面待更新"}
    )
    assert VenueInspection.objects.get().met == 2
    r = client.get("/console/venues/map/")
    assert r.status_code == 200 and "银山社区" in r.content.decode() and "直线距离" in r.content.decode()


def test_a_resident_books_on_the_phone_and_cancels(district, client):
    d = district
    v = make_venue(d, after_hours_678=True)
    client.force_login(d.user("resident"))
    assert v.name in client.get("/h5/venues/").content.decode()
    start = next_weekday(5, 10)
    r = client.post(
        f"/h5/venues/{v.pk}/",
        {
            "starts_at": _local(start),
            "ends_at": _local(start + dt.timedelta(hours=1)),
            "purpose": "楼栋议事",
            "attendees": "6",
            "booker_kind": "staff",
        },
    )
    assert r.status_code == 302
    b = Booking.objects.get()
    assert b.booker_kind == "resident" and b.booked_by == d.user("resident")
    r = client.post(
        f"/h5/venues/{v.pk}/",
        {
            "starts_at": _local(start),
            "ends_at": _local(start + dt.timedelta(hours=1)),
            "purpose": "重复",
            "attendees": "6",
        },
    )
    assert r.status_code == 409 and "该时段已被预约" in r.content.decode()
    assert "楼栋议事" in client.get("/h5/venues/").content.decode()
    client.post(f"/h5/venues/bookings/{b.pk}/cancel/")
    b.refresh_from_db()
    assert b.status == "cancelled"
