import pytest
from django.db.models import F

from gongzhi.accounts.models import User
from gongzhi.audit.models import AuditEvent
from gongzhi.party.enums import MemberKind
from gongzhi.party.models import PartyMember
from gongzhi.party.selectors.organizations import branch_coverage_for_actor


@pytest.fixture
def demo_with_members(demo):
    """Full-size places, a small population (≥3 households per grid): the branch figures depend only
    on where members live, not on how many people live there. The shared demo (conftest.py)."""
    return demo


def test_demo_branch_layout_has_seed_001_figures(demo_with_members):
    total, per = branch_coverage_for_actor(actor=User.objects.get(username="admin"))
    assert (
        total.branches_independent,
        total.branches_joint,
        total.grids_in_joint_branches,
        total.residential_grids_covered,
        total.residential_grids,
    ) == (71, 23, 70, 141, 147)
    assert len(per) == 16
    members = PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED)
    # Members are real residents, counted in the grid they live in, and all sit in a branch or none.
    assert not members.filter(person__isnull=True).exists()
    assert not members.exclude(grid_code=F("person__grid_code")).exists()
    assert not members.filter(organization__isnull=False).exclude(organization__active=True).exists()
    assert AuditEvent.objects.filter(event_type="party.branch_layout_applied").count() == 16
    assert AuditEvent.objects.filter(event_type="party.members_imported").count() == 16


def test_demo_units_and_in_service_members_reach_the_overview(demo_with_members, client):
    party = client.get("/api/v1/overview").json()["party"]
    assert party["units_registered"] == 140
    assert 5000 <= party["members_registered"] <= 5400
    assert (party["branches_independent"], party["branches_joint"]) == (71, 23)


def test_demo_members_have_confirmed_service_records(demo_with_members):
    from django.db.models import Sum

    from gongzhi.party.enums import RecordStatus
    from gongzhi.party.models import Claim, ServiceItem, ServiceRecord

    assert ServiceItem.objects.count() == 16 * 4
    assert Claim.objects.count() > 100
    confirmed = ServiceRecord.objects.filter(status=RecordStatus.CONFIRMED)
    assert confirmed.values("member_id").distinct().count() > 2500
    assert confirmed.aggregate(h=Sum("hours"))["h"] > 0
    assert AuditEvent.objects.filter(event_type="party.service_records_imported").count() == 16
    from gongzhi.party.models import MemberRegistration

    assert MemberRegistration.objects.filter(status="submitted").count() == 32  # work waiting in each inbox
