"""The venue register, inspections and bookings through the services: who may, what is refused (Chinese
messages, nothing written), overlapping bookings, opening hours and the "678" after-hours pattern."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.venues.enums import BookerKind, BookingStatus, LinkKind, StandardItem, VenueKind
from gongzhi.venues.models import Booking, Venue, VenueInspection
from gongzhi.venues.services.bookings import booking_cancel, booking_create
from gongzhi.venues.services.venues import VenueInput, venue_inspect, venue_register
from gongzhi.venues.tests.factories import make_venue, next_weekday, slot

pytestmark = pytest.mark.django_db


def test_a_community_worker_registers_a_venue_of_their_community(district):
    d = district
    v = venue_register(
        actor=d.user("community_worker"),
        community_id=d.communities["A1"].pk,
        data=VenueInput(
            kind=VenueKind.STATION_678,
            name="银山社区党员驿站",
            address="银山路2号",
            grid_id=d.grids["g1"].pk,
            after_hours_678=True,
            services=["饮水休息", "充电应急", "饮水休息"],
        ),
    )
    assert v.grid_code == d.grids["g1"].code and v.community_code == d.communities["A1"].code
    assert v.services == ["饮水休息", "充电应急"]
    assert (v.lng, v.lat) == (
        d.grids["g1"].center_lng,
        d.grids["g1"].center_lat,
    )  # no point: the grid's centre
    assert AuditEvent.objects.filter(event_type="venues.venue_registered", target_id=str(v.pk)).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "请填写阵地名称"),
        ({"kind": "bar"}, "kind", "请选择阵地类型"),
        ({"lng": 2.0, "lat": 1.0}, "lng", "坐标不在中国境内"),
        ({"opens_at": dt.time(18), "closes_at": dt.time(9)}, "closes_at", "关闭时间应晚于开放时间"),
        ({"capacity": 0}, "capacity", "容纳人数"),
    ],
)
def test_bad_venue_input_is_refused_in_chinese_and_nothing_is_written(district, changes, field, message):
    d = district
    data = {"kind": VenueKind.GRID_STATION, "name": "网格工作站", "address": "银山路3号", **changes}
    with pytest.raises(ValidationFailed) as exc:
        venue_register(
            actor=d.user("community_worker"), community_id=d.communities["A1"].pk, data=VenueInput(**data)
        )
    assert message in exc.value.fields[field]
    assert (
        Venue.objects.count() == 0
        and not AuditEvent.objects.filter(event_type__startswith="venues.").exists()
    )


def test_staff_of_another_community_and_grid_workers_cannot_register(district):
    d = district
    for who in ("grid_worker", "resident", "unit_liaison"):
        with pytest.raises(ValidationFailed, match="只能在本人负责的社区登记阵地"):
            venue_register(
                actor=d.user(who),
                community_id=d.communities["A1"].pk,
                data=VenueInput(kind="other", name="x", address="y"),
            )
    with pytest.raises(ValidationFailed):
        venue_register(
            actor=d.user("community_worker"),
            community_id=d.communities["B1"].pk,
            data=VenueInput(kind="other", name="x", address="y"),
        )
    assert Venue.objects.count() == 0


def test_an_overlapping_booking_is_refused_and_a_touching_one_is_not(district):
    d = district
    v = make_venue(d)
    staff = d.user("community_worker")
    start = next_weekday(0, 9)
    first = booking_create(actor=staff, venue_id=v.pk, data=slot(start, 2))
    with pytest.raises(Conflict, match="该时段已被预约") as exc:
        booking_create(
            actor=d.user("grid_worker"), venue_id=v.pk, data=slot(start + dt.timedelta(hours=1), 2, "议事会")
        )
    assert exc.value.code == "booking_conflict" and "党员大会" in exc.value.message
    after = booking_create(actor=staff, venue_id=v.pk, data=slot(start + dt.timedelta(hours=2), 1, "议事会"))
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2
    booking_cancel(actor=staff, booking_id=first.pk, reason="改期")
    again = booking_create(
        actor=staff, venue_id=v.pk, data=slot(start + dt.timedelta(minutes=30), 1, "改期的会")
    )
    assert {after.pk, again.pk} <= set(
        Booking.objects.filter(status=BookingStatus.CONFIRMED).values_list("pk", flat=True)
    )
    with pytest.raises(Conflict, match="已取消"):
        booking_cancel(actor=staff, booking_id=first.pk)


def test_opening_hours_and_the_678_evenings(district):
    d = district
    plain = make_venue(d)
    station = make_venue(d, name="银山社区党员驿站", kind=VenueKind.STATION_678, after_hours_678=True)
    staff = d.user("community_worker")
    evening, saturday = next_weekday(1, 19), next_weekday(5, 10)
    for start in (evening, saturday):
        with pytest.raises(ValidationFailed, match="不在开放时间内"):
            booking_create(actor=staff, venue_id=plain.pk, data=slot(start, 1))
        assert booking_create(actor=staff, venue_id=station.pk, data=slot(start, 1)).pk
    # 16:00–18:00 on a weekday: the day hours and the 678 evening join without a gap at the station only
    joined = next_weekday(2, 16)
    assert booking_create(actor=staff, venue_id=station.pk, data=slot(joined, 2)).pk
    with pytest.raises(ValidationFailed, match="不在开放时间内"):
        booking_create(actor=staff, venue_id=plain.pk, data=slot(joined, 2))
    with pytest.raises(ValidationFailed, match="不在开放时间内"):
        booking_create(actor=staff, venue_id=station.pk, data=slot(next_weekday(2, 20), 2))  # past 21:00
    assert Booking.objects.count() == 3


def test_who_books_and_who_sees(district):
    from gongzhi.cobuild.tests.factories import make_unit

    d = district
    a1 = make_venue(d)
    b1 = make_venue(d, community="B1", name="安大社区党群服务中心")
    start = next_weekday(3, 9)
    mine = booking_create(
        actor=d.user("resident"),
        venue_id=a1.pk,
        data=slot(start, 1, "楼栋议事", booker_kind=BookerKind.STAFF),
    )
    assert mine.booker_kind == BookerKind.RESIDENT  # a resident books as themself
    with pytest.raises(NotFound):
        booking_create(actor=d.user("resident"), venue_id=b1.pk, data=slot(start, 1))
    with pytest.raises(NotFound):
        booking_create(actor=d.user("grid_worker"), venue_id=b1.pk, data=slot(start, 1))
    unit = make_unit(d, liaison=d.user("unit_liaison"))
    by_unit = booking_create(
        actor=d.user("unit_liaison"),
        venue_id=a1.pk,
        data=slot(start + dt.timedelta(hours=2), 1, "共建签约", booker_kind=BookerKind.UNIT, unit_id=unit.pk),
    )
    assert by_unit.organization_name == unit.name
    with pytest.raises(NotFound):  # another's booking is not the resident's to see or cancel
        booking_cancel(actor=d.user("resident"), booking_id=by_unit.pk)
    assert booking_cancel(actor=d.user("resident"), booking_id=mine.pk).status == BookingStatus.CANCELLED
    with pytest.raises(ValidationFailed, match="人数超过阵地容纳人数"):
        booking_create(actor=d.user("community_worker"), venue_id=a1.pk, data=slot(start, 1, attendees=500))
    with pytest.raises(ValidationFailed, match="不能预约已经过去的时间"):
        booking_create(
            actor=d.user("community_worker"), venue_id=a1.pk, data=slot(start - dt.timedelta(days=30), 1)
        )


def test_an_inspection_records_the_checklist(district):
    d = district
    v = make_venue(d)
    row = venue_inspect(
        actor=d.user("community_secretary"),
        venue_id=v.pk,
        met_items=[StandardItem.SIGNBOARD, StandardItem.EQUIPMENT],
        note="版面待更新",
    )
    assert (row.met, row.total) == (2, len(StandardItem.values)) and row.results[
        StandardItem.DISPLAY_BOARDS
    ] is False
    with pytest.raises(ValidationFailed, match="无法识别的检查项"):
        venue_inspect(actor=d.user("community_secretary"), venue_id=v.pk, met_items=["nonsense"])
    with pytest.raises(NotFound):
        venue_inspect(actor=d.user("grid_worker"), venue_id=v.pk, met_items=[])
    assert VenueInspection.objects.count() == 1


def test_an_activity_is_held_at_a_registered_venue_and_its_booking_linked(district):
    from gongzhi.volunteers.services.activities import activity_create
    from gongzhi.volunteers.services.teams import team_create

    d = district
    v = make_venue(d)
    admin = d.user("district_admin")
    team = team_create(
        actor=admin,
        community_id=d.communities["A1"].pk,
        name="银山志愿服务队",
        service_area="全域",
        skills=["general"],
    )
    start = next_weekday(4, 9)
    activity = activity_create(
        actor=admin,
        team_id=team.pk,
        title="义诊",
        venue="",
        venue_id=v.pk,
        capacity=10,
        start_date=start.date(),
        start_time=start.time(),
        end_time=(start + dt.timedelta(hours=2)).time(),
    )
    assert activity.venue_site_id == v.pk and activity.venue == v.name
    b = booking_create(
        actor=admin,
        venue_id=v.pk,
        data=slot(
            start,
            2,
            "义诊",
            booker_kind=BookerKind.TEAM,
            organization_name=team.name,
            linked_kind=LinkKind.ACTIVITY,
            linked_id=activity.pk,
        ),
    )
    assert (b.linked_kind, b.linked_id) == (LinkKind.ACTIVITY, activity.pk)
    with pytest.raises(ValidationFailed, match="阵地不存在"):
        activity_create(
            actor=admin,
            team_id=team.pk,
            title="义诊2",
            venue="x",
            venue_id=999999,
            capacity=10,
            start_date=start.date(),
            start_time=start.time(),
            end_time=(start + dt.timedelta(hours=2)).time(),
        )


def test_a_book_of_past_bookings_at_once_refuses_a_clash_and_writes_nothing(district):
    from gongzhi.venues.services.bookings import BookingRow, bookings_bulk_record

    d = district
    v = make_venue(d)
    past = next_weekday(0, 9) - dt.timedelta(days=28)
    done = bookings_bulk_record(
        actor=None, rows=[BookingRow(v, slot(past, 1)), BookingRow(v, slot(past + dt.timedelta(hours=1), 1))]
    )
    assert len(done) == 2
    with pytest.raises(Conflict, match="该时段已被预约"):
        bookings_bulk_record(
            actor=None,
            rows=[
                BookingRow(v, slot(past + dt.timedelta(days=1), 1)),
                BookingRow(v, slot(past + dt.timedelta(minutes=30), 1)),
            ],
        )
    assert Booking.objects.count() == 2
