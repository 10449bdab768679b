"""Venues made through the services for the tests; the times a default venue is open."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.venues.enums import VenueKind
from gongzhi.venues.services.bookings import BookingInput
from gongzhi.venues.services.venues import VenueInput, venue_register


def make_venue(d, *, community="A1", name="银山社区党群服务中心", kind=VenueKind.SERVICE_CENTRE, **kw):
    data = VenueInput(kind=kind, name=name, address="银山路1号", **kw)
    return venue_register(actor=d.user("district_admin"), community_id=d.communities[community].pk, data=data)


def next_weekday(weekday: int, hour: int, minute: int = 0, weeks: int = 1) -> dt.datetime:
    """A local time on the given weekday (0 = Monday) at least a day ahead."""
    today = timezone.localdate() + dt.timedelta(days=1)
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * (weeks - 1))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def slot(start: dt.datetime, hours: float = 2, purpose: str = "党员大会", **kw) -> BookingInput:
    return BookingInput(starts_at=start, ends_at=start + dt.timedelta(hours=hours), purpose=purpose, **kw)
