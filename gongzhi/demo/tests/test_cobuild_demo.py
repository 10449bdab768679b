"""The demo's three lists reach seed 001's figures for a year, through the services (audited)."""

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.enums import NeedStatus, PlanStatus
from gongzhi.cobuild.models import MatchingPlan, Need, Project


def test_demo_three_lists_reach_the_overview(demo, client):
    body = client.get("/api/v1/overview").json()["cobuild"]
    assert body["projects_signed"] == 345
    assert body["needs_fulfilled"] == 230
    assert Need.objects.filter(status=NeedStatus.OPEN).exists()
    assert Need.objects.filter(micro_wish=True).exists()
    assert Project.objects.filter(community_code="370115001001").exclude(agreement_number="").exists()
    assert AuditEvent.objects.filter(event_type="cobuild.project_signed").count() == 345
    plan = MatchingPlan.objects.get()
    assert plan.status == PlanStatus.DRAFT and plan.total_fit >= plan.greedy_total_fit
