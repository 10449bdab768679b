"""The demo's social organisations (seed 003): the registry on the volunteers' rows, incubation, 123
funded projects of ¥500,000+ and 20,000+ person-times, five yearly contests with 50+ winners and 15 brand
projects, 75 licensed social workers and 11 envoys — computed from records and reaching the overview."""

from decimal import Decimal

from django.db.models import Sum

from gongzhi.audit.models import AuditEvent
from gongzhi.socialorgs.models import (
    Contest,
    ContestEntry,
    FundedProject,
    Incubation,
    OrganizationProfile,
    ScoreSheet,
    SocialWorker,
)
from gongzhi.volunteers.models import SocialOrganization


def test_demo_social_organisations_reach_the_overview(demo, client):
    body = client.get("/api/v1/overview").json()["social_organizations"]
    funded = FundedProject.objects.filter(status__in=("approved", "closed"))
    assert body["funded_projects"] == funded.count() == 123
    total = funded.aggregate(s=Sum("granted_yuan"))["s"]
    assert total >= Decimal("500000") and body["funds_yuan"] == float(total)
    assert funded.aggregate(s=Sum("person_times"))["s"] >= 20000
    assert body["organizations"] == OrganizationProfile.objects.count() == SocialOrganization.objects.count()
    assert body["incubated"] == 10 and Incubation.objects.filter(status="graduated").count() == 6
    # the same certificates as the grid academy's (one register points at the other)
    assert (
        body["licensed_social_workers"]
        == client.get("/api/v1/overview").json()["training"]["licensed_social_workers"]
    )
    from gongzhi.training.models import Qualification

    academy = Qualification.objects.filter(kind="licensed_social_worker").count()
    assert SocialWorker.objects.filter(kind="licensed_social_worker").count() == min(75, academy)
    assert not SocialWorker.objects.filter(qualification__isnull=True).exists()
    assert "社会组织" in demo


def test_five_contests_fifty_winners_fifteen_brands_and_this_years_sheets(demo):
    assert sorted(Contest.objects.values_list("year", flat=True)) == list(range(2022, 2027))
    assert ContestEntry.objects.filter(winner=True).count() >= 50
    assert ContestEntry.objects.filter(brand=True).count() == 15
    this_year = Contest.objects.get(year=2026)
    assert this_year.status == "finished"
    scored = AuditEvent.objects.filter(event_type="socialorgs.entry_scored").count()
    assert scored == ScoreSheet.objects.filter(entry__contest=this_year).count() > 0
    # the judge from an entering organisation stood aside: no sheet of theirs on its entry
    for entry in ContestEntry.objects.filter(contest=this_year):
        assert not entry.sheets.filter(judge__organization_id=entry.organization_id).exists()
