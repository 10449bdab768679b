"""The demo's venues are seeded before the volunteers: activities held at a 党群服务中心 or 驿站 name it and
book it for their sessions (linked by id), inside its opening hours and without overlaps."""

import itertools

from gongzhi.audit.models import AuditEvent
from gongzhi.venues import hours
from gongzhi.venues.enums import BookingStatus, LinkKind, VenueKind
from gongzhi.venues.models import Booking, Venue
from gongzhi.volunteers.models import Activity, ActivitySession


def test_demo_activities_are_held_at_venues_and_book_them(demo):
    held = Activity.objects.filter(venue_site__isnull=False).select_related("venue_site")
    assert held.exists()
    sites = [(a, a.venue_site) for a in held if a.venue_site is not None]
    assert {v.kind for _a, v in sites} == {VenueKind.SERVICE_CENTRE, VenueKind.STATION_678}
    assert all(v.community_code == a.community_code for a, v in sites)
    linked = Booking.objects.filter(linked_kind=LinkKind.ACTIVITY, status=BookingStatus.CONFIRMED)
    assert linked.exists()
    by_activity = {a.pk: a for a in held}
    for b in linked.select_related("venue"):
        activity = by_activity[b.linked_id or 0]  # only activities held at a venue book it
        assert b.venue_id == activity.venue_site_id
        assert ActivitySession.objects.filter(
            activity=activity, starts_at=b.starts_at, ends_at=b.ends_at
        ).exists()
        assert hours.is_open_between(b.venue, b.starts_at, b.ends_at)
    # No two confirmed bookings of one venue overlap.
    for venue in Venue.objects.filter(pk__in=linked.values("venue_id")):
        spans = sorted(
            Booking.objects.filter(venue=venue, status=BookingStatus.CONFIRMED).values_list(
                "starts_at", "ends_at"
            )
        )
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    # Batches: one audit row for the venues demo's bookings, one for the volunteers'.
    assert AuditEvent.objects.filter(event_type="venues.bookings_imported").count() == 2
    assert AuditEvent.objects.filter(event_type="venues.venues_imported").count() == 1
    assert not AuditEvent.objects.filter(event_type="venues.booking_created").exists()
