"""The demo's volunteer service reproduces seed 001's yearly figures, from records made by the services."""

from django.db.models import Count

from gongzhi.audit.models import AuditEvent
from gongzhi.places.models import Community
from gongzhi.volunteers.enums import HoursStatus, OwnerKind, Recurrence, SignUpStatus
from gongzhi.volunteers.models import Activity, Certificate, ServiceHours, SignUp, Volunteer, VolunteerTeam
from gongzhi.volunteers.selectors.figures import volunteer_counts


def test_demo_volunteer_teams_activities_and_hours(demo):
    counts = volunteer_counts()
    assert counts["volunteer_teams"] == 140
    assert counts["activities_held"] == 1370
    assert counts["service_hours"] > 10_000
    per_community = VolunteerTeam.objects.values("community_id").annotate(n=Count("id"))
    assert len(per_community) == Community.objects.count() == 16
    assert {t.owner_kind for t in VolunteerTeam.objects.all()} == set(OwnerKind.values)
    first = Community.objects.order_by("code").first()
    weekly = set(
        Activity.objects.filter(community=first, recurrence=Recurrence.WEEKLY).values_list(
            "weekday", flat=True
        )
    )
    assert {2, 3, 4} <= weekly  # seed 000: clinic on Wednesdays, film on Thursdays, legal advice on Fridays
    # The cached totals are the sum of confirmed hours.
    v = Volunteer.objects.filter(total_hours__gt=0).order_by("-total_hours").first()
    assert v is not None
    confirmed = sum(h.hours for h in ServiceHours.objects.filter(volunteer=v, status=HoursStatus.CONFIRMED))
    assert v.total_hours == confirmed and v.star_level >= 1
    assert ServiceHours.objects.filter(status=HoursStatus.PENDING).exists()  # last week's await the organiser
    assert Certificate.objects.count() == 32
    assert SignUp.objects.filter(status=SignUpStatus.WAITING).count() == 2
    # Bulk services: one audit row per batch, not per attendance.
    assert AuditEvent.objects.filter(event_type="volunteers.volunteers_imported").count() == 16
    assert AuditEvent.objects.filter(event_type="volunteers.history_recorded").count() < 500
