"""Twenty people book the same slot of one venue at the same moment (real threads at a barrier,
gongzhi.testing.concurrency): exactly one booking is written, the nineteen others are told the slot is
taken. Runs on SQLite (IMMEDIATE write transactions) and, with DATABASE_URL pointing at PostgreSQL, on
PostgreSQL (the venue's row locked FOR UPDATE)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from gongzhi.audit.models import AuditEvent
from gongzhi.testing.concurrency import one_winner, race
from gongzhi.venues.enums import BookingStatus
from gongzhi.venues.models import Booking
from gongzhi.venues.services.bookings import booking_create
from gongzhi.venues.tests.factories import make_venue, next_weekday, slot

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 20


def test_twenty_bookings_of_one_slot_at_once_make_one(district):
    d = district
    v = make_venue(d)
    start = next_weekday(0, 9)
    actors = [d.user(k) for k in ("community_worker", "community_secretary", "district_admin", "grid_worker")]

    def attempt(i: int):
        # each racer asks for an overlapping slot (shifted by minutes), so no two can both be right
        return lambda: booking_create(
            actor=actors[i % len(actors)],
            venue_id=v.pk,
            data=slot(start + dt.timedelta(minutes=i), 1, f"会议{i}"),
        )

    results = race(*[attempt(i) for i in range(RACERS)])
    winner, refusal = one_winner(results, message="该时段已被预约")
    assert refusal.code == "booking_conflict"
    assert Booking.objects.filter(venue=v, status=BookingStatus.CONFIRMED).count() == 1
    assert Booking.objects.get().pk == winner.pk
    assert AuditEvent.objects.filter(event_type="venues.booking_created").count() == 1
    assert connection.vendor in ("sqlite", "postgresql")


def test_twenty_bookings_of_different_venues_at_once_all_win(district):
    d = district
    venues = [make_venue(d, name=f"议事点{i}") for i in range(4)]
    start = next_weekday(1, 9)
    staff = d.user("community_worker")
    results = race(
        *[lambda v=v: booking_create(actor=staff, venue_id=v.pk, data=slot(start, 1)) for v in venues]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Booking.objects.count() == len(venues)
