"""A council meeting held at a service venue (issue 22: the venue field of council meetings becomes a real
venue): the venue is booked for the meeting's hours in the same transaction, a clash is the venues' Chinese
409 with nothing written, a venue of another community is refused, and a cancelled meeting frees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import Conflict, ValidationFailed
from gongzhi.councils.models import Meeting
from gongzhi.councils.services.meetings import MeetingInput, meeting_cancel, meeting_schedule
from gongzhi.councils.tests.factories import make_council, make_topic
from gongzhi.venues.enums import BookingStatus, LinkKind, VenueKind
from gongzhi.venues.models import Booking
from gongzhi.venues.services.venues import VenueInput, venue_register

pytestmark = pytest.mark.django_db


def _venue(d, key: str = "A1"):
    return venue_register(
        actor=d.user("district_admin"),
        community_id=d.communities[key].pk,
        data=VenueInput(
            kind=VenueKind.CONSULTATION_ROOM, name=f"{key}商量工作室", address="居委会三楼", capacity=30
        ),
    )


def _next_monday_at(hour: int) -> dt.datetime:
    today = timezone.localdate()
    day = today + dt.timedelta(days=7 - today.weekday())
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _input(venue_id: int | None, hour: int = 10) -> MeetingInput:
    start = _next_monday_at(hour)
    return MeetingInput(
        title="供热管网议事会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        location="",
        venue_id=venue_id,
    )


def test_a_meeting_at_a_venue_books_it_and_a_clash_schedules_nothing(district):
    council = make_council(district)
    room = _venue(district)
    secretary = district.user("community_secretary")
    first, second = make_topic(district, council), make_topic(district, council, title="停车难")
    meeting = meeting_schedule(
        actor=secretary, council_id=council.pk, data=_input(room.pk), topic_ids=[first.pk]
    )
    assert meeting.venue_id == room.pk and meeting.location == room.name
    booking = Booking.objects.get(linked_kind=LinkKind.MEETING, linked_id=meeting.pk)
    assert (booking.venue_id, booking.starts_at, booking.status) == (
        room.pk,
        meeting.starts_at,
        BookingStatus.CONFIRMED,
    )
    with pytest.raises(Conflict) as clash:
        meeting_schedule(actor=secretary, council_id=council.pk, data=_input(room.pk), topic_ids=[second.pk])
    assert "已被预约" in clash.value.message
    assert Meeting.objects.filter(council=council).count() == 1
    meeting_cancel(actor=secretary, meeting_id=meeting.pk, reason="改期")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    again = meeting_schedule(
        actor=secretary, council_id=council.pk, data=_input(room.pk), topic_ids=[second.pk]
    )
    assert again.venue_id == room.pk


def test_a_venue_of_another_community_is_refused_in_chinese(district):
    council = make_council(district)
    elsewhere = _venue(district, "A2")
    topic = make_topic(district, council)
    with pytest.raises(ValidationFailed) as err:
        meeting_schedule(
            actor=district.user("community_secretary"),
            council_id=council.pk,
            data=_input(elsewhere.pk),
            topic_ids=[topic.pk],
        )
    assert err.value.fields["venue_id"] == "服务阵地不存在、已停用或不在本社区"
    assert not Meeting.objects.exists() and not Booking.objects.exists()
