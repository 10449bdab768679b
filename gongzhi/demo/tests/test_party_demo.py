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


def test_demo_members_of_40_dissolved_organisations_were_transferred_where_they_live(
    demo_with_members, client
):
    from gongzhi.demo.party import DISSOLVED_ORGS, dissolved_org_names
    from gongzhi.party.enums import MemberStatus, TransferDirection, TransferStatus
    from gongzhi.party.models import MemberTransfer

    transfers = MemberTransfer.objects.filter(direction=TransferDirection.IN)
    assert not transfers.exclude(status=TransferStatus.ACCEPTED).exists()
    assert set(transfers.values_list("other_org_name", flat=True)) == set(dissolved_org_names())
    assert len(dissolved_org_names()) == DISSOLVED_ORGS
    assert {d.year for d in transfers.values_list("transferred_on", flat=True)} == {2019}
    # each transferred member is on the register where they live, in the branch of their grid
    moved = PartyMember.objects.filter(transfers__in=transfers)
    assert moved.count() == transfers.count() > DISSOLVED_ORGS
    assert not moved.exclude(grid_code=F("person__grid_code")).exists()
    assert not moved.filter(organization__isnull=True).exists()
    assert not moved.exclude(status=MemberStatus.ACTIVE).exists()
    # recorded by the district, accepted by someone else, one audit row per organisation and step
    assert not transfers.filter(decided_by_id=F("recorded_by_id")).exists()
    assert AuditEvent.objects.filter(event_type="party.transfers_in_accepted").count() == DISSOLVED_ORGS
    party = client.get("/api/v1/overview").json()["party"]
    assert party["transfers_in"] == transfers.count()
    assert (
        party["members_community_managed"]
        == PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE).count()
    )


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
