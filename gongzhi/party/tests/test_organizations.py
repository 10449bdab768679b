"""The organisation-tree services the register pages will use (working committee, community committee,
building group, secretary) and the hub-household mark, through the small district: what each writes,
its audit row, and what it refuses (bad input, actors outside their place or role)."""

from __future__ import annotations

import pytest

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed
from gongzhi.core.roles import Role
from gongzhi.party.enums import OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.party.services.organizations import (
    branch_layout_apply,
    building_group_create,
    community_committee_create,
    community_member_add,
    member_set_hub_household,
    org_set_secretary,
    working_committee_create,
)
from gongzhi.party.tests.test_branches import add_members
from gongzhi.testing import PASSWORD


def audits(event: str, target: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event, target_id=str(target.pk)).order_by("id"))  # type: ignore[attr-defined]


def b1_worker(district):
    user = user_create(
        actor=None, username="b1_worker", password=PASSWORD, display_name="乙方社工", validate_password=False
    )
    role_assign(actor=None, user=user, role=Role.COMMUNITY_WORKER, place_code=district.communities["B1"].code)
    return user


@pytest.fixture
def tree(district):
    """Subdistrict A's working committee and community A1's committee, made by the system."""
    working = working_committee_create(actor=None, subdistrict_id=district.subdistricts["A"].pk)
    committee = community_committee_create(actor=None, community_id=district.communities["A1"].pk)
    return working, committee


# --- working committee -------------------------------------------------------------------------------


def test_the_subdistrict_office_sets_up_its_working_committee_once(district):
    staff = district.user("subdistrict_staff")
    sub = district.subdistricts["A"]
    org = working_committee_create(actor=staff, subdistrict_id=sub.pk)
    org.refresh_from_db()
    assert org.kind == OrgKind.WORKING_COMMITTEE and org.name == f"{sub.name}党工委" and org.parent is None
    assert (org.district_code, org.subdistrict_code, org.community_code, org.grid_code) == (
        "370115",
        sub.code,
        "",
        "",
    )
    [row] = audits("party.org_created", org)
    assert row.actor_id == staff.pk and row.data == {"kind": OrgKind.WORKING_COMMITTEE, "name": org.name}
    with pytest.raises(ApplicationError) as exc:
        working_committee_create(actor=staff, subdistrict_id=sub.pk, name="另一个党工委")
    assert exc.value.status == 409 and exc.value.code == "exists" and exc.value.message == "该街道已有党工委"
    assert PartyOrganization.objects.filter(kind=OrgKind.WORKING_COMMITTEE).count() == 1


def test_a_working_committee_is_the_subdistrict_offices_or_a_district_admins(district):
    before = AuditEvent.objects.count()
    for key, sub in (("subdistrict_staff", "B"), ("community_secretary", "A"), ("community_worker", "A")):
        with pytest.raises(NotFound):
            working_committee_create(actor=district.user(key), subdistrict_id=district.subdistricts[sub].pk)
    with pytest.raises(NotFound):
        working_committee_create(actor=district.user("district_admin"), subdistrict_id=999_999)
    assert not PartyOrganization.objects.exists() and AuditEvent.objects.count() == before
    org = working_committee_create(
        actor=district.user("district_admin"),
        subdistrict_id=district.subdistricts["B"].pk,
        name=" 安大街道党工委 ",
    )
    assert org.name == "安大街道党工委" and org.subdistrict_code == district.subdistricts["B"].code


def test_a_working_committees_name_is_checked(district):
    with pytest.raises(ValidationFailed) as exc:
        working_committee_create(
            actor=district.user("district_admin"),
            subdistrict_id=district.subdistricts["A"].pk,
            name="党" * 101,
        )
    assert exc.value.fields == {"name": "名称不能超过100个字"}
    assert not PartyOrganization.objects.exists()


# --- community committee -----------------------------------------------------------------------------


def test_a_community_committee_hangs_under_its_working_committee(district):
    worker = district.user("community_worker")
    community = district.communities["A1"]
    with pytest.raises(ValidationFailed) as exc:
        community_committee_create(actor=worker, community_id=community.pk)
    assert exc.value.message == "请先建立街道党工委" and not PartyOrganization.objects.exists()
    working = working_committee_create(actor=None, subdistrict_id=district.subdistricts["A"].pk)
    org = community_committee_create(actor=worker, community_id=community.pk)
    org.refresh_from_db()
    assert (
        org.kind == OrgKind.COMMUNITY_COMMITTEE and org.name == "银山社区党委" and org.parent_id == working.pk
    )
    assert (org.subdistrict_code, org.community_code, org.grid_code) == (
        working.subdistrict_code,
        community.code,
        "",
    )
    [row] = audits("party.org_created", org)
    assert row.actor_id == worker.pk and row.data == {
        "kind": OrgKind.COMMUNITY_COMMITTEE,
        "name": "银山社区党委",
    }
    with pytest.raises(ApplicationError) as dup:
        community_committee_create(actor=district.user("community_secretary"), community_id=community.pk)
    assert dup.value.status == 409 and dup.value.message == "该社区已有社区党委"


def test_a_community_committee_is_its_communitys_managers(district, tree):
    before = AuditEvent.objects.count()
    a2 = district.communities["A2"]
    # Community A1's staff, the subdistrict office and a grid worker may not set up A2's committee.
    for key in ("community_worker", "community_secretary", "subdistrict_staff", "grid_worker", "auditor"):
        with pytest.raises(NotFound):
            community_committee_create(actor=district.user(key), community_id=a2.pk)
    with pytest.raises(NotFound):
        community_committee_create(actor=district.user("district_admin"), community_id=999_999)
    assert AuditEvent.objects.count() == before
    org = community_committee_create(
        actor=district.user("district_admin"), community_id=a2.pk, name="城里社区联合党委"
    )
    assert org.name == "城里社区联合党委" and org.community_code == a2.code


# --- building group ----------------------------------------------------------------------------------


@pytest.fixture
def branch(district, tree):
    """The grid branch of A1's first grid (three members live there)."""
    add_members(district.grids["g1"], 3)
    [org] = branch_layout_apply(actor=None, community_id=district.communities["A1"].pk)
    assert org.kind == OrgKind.GRID_BRANCH
    return org


def test_a_building_group_sits_under_a_branch_at_its_grid(district, branch):
    secretary = district.user("community_secretary")
    group = building_group_create(actor=secretary, branch_id=branch.pk, name=" 1号楼党小组 ")
    group.refresh_from_db()
    assert (
        group.kind == OrgKind.BUILDING_GROUP and group.name == "1号楼党小组" and group.parent_id == branch.pk
    )
    assert (group.community_code, group.grid_code) == (branch.community_code, branch.grid_code)
    [row] = audits("party.org_created", group)
    assert row.actor_id == secretary.pk and row.data == {
        "kind": OrgKind.BUILDING_GROUP,
        "name": "1号楼党小组",
    }


def test_a_building_group_needs_a_name_an_active_branch_and_the_communitys_staff(district, tree, branch):
    _working, committee = tree
    worker = district.user("community_worker")
    outsider = b1_worker(district)
    before = PartyOrganization.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        building_group_create(actor=worker, branch_id=branch.pk, name="  ")
    assert exc.value.fields == {"name": "请填写党小组名称"}
    with pytest.raises(NotFound):  # a community committee is no branch
        building_group_create(actor=worker, branch_id=committee.pk, name="党小组")
    for actor in (district.user("subdistrict_staff"), district.user("grid_worker"), outsider):
        with pytest.raises(NotFound):
            building_group_create(actor=actor, branch_id=branch.pk, name="党小组")
    PartyOrganization.objects.filter(pk=branch.pk).update(active=False)
    with pytest.raises(NotFound):
        building_group_create(actor=worker, branch_id=branch.pk, name="党小组")
    assert (PartyOrganization.objects.count(), AuditEvent.objects.count()) == before


# --- secretary ---------------------------------------------------------------------------------------


def test_the_communitys_managers_set_its_committees_secretary(district, tree):
    _working, committee = tree
    secretary = district.user("community_secretary")
    org = org_set_secretary(
        actor=secretary, org_id=committee.pk, secretary_name=" 王书记 ", secretary_user_id=secretary.pk
    )
    org.refresh_from_db()
    assert org.secretary_name == "王书记" and org.secretary_id == secretary.pk
    org = org_set_secretary(
        actor=district.user("district_admin"), org_id=committee.pk, secretary_name="李书记"
    )
    org.refresh_from_db()
    assert org.secretary_name == "李书记" and org.secretary_id is None
    first, second = audits("party.secretary_set", committee)
    assert first.actor_id == secretary.pk and first.data == {"from": "", "to": "王书记"}
    assert second.data == {"from": "王书记", "to": "李书记"}


def test_a_working_committees_secretary_is_the_subdistrict_offices_to_set(district, tree):
    working, committee = tree
    outsider = b1_worker(district)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):  # community staff do not keep the subdistrict's committee
        org_set_secretary(
            actor=district.user("community_secretary"), org_id=working.pk, secretary_name="张书记"
        )
    with pytest.raises(NotFound):  # nor does the subdistrict office keep a community's
        org_set_secretary(
            actor=district.user("subdistrict_staff"), org_id=committee.pk, secretary_name="张书记"
        )
    with pytest.raises(NotFound):
        org_set_secretary(actor=outsider, org_id=committee.pk, secretary_name="张书记")
    assert AuditEvent.objects.count() == before
    org = org_set_secretary(
        actor=district.user("subdistrict_staff"), org_id=working.pk, secretary_name="张书记"
    )
    assert org.secretary_name == "张书记" and len(audits("party.secretary_set", working)) == 1


def test_a_secretarys_name_is_checked_and_an_inactive_org_is_missing(district, tree):
    _working, committee = tree
    admin = district.user("district_admin")
    with pytest.raises(ValidationFailed) as exc:
        org_set_secretary(actor=admin, org_id=committee.pk, secretary_name="")
    assert exc.value.fields == {"name": "请填写书记姓名"}
    with pytest.raises(ValidationFailed) as long:
        org_set_secretary(actor=admin, org_id=committee.pk, secretary_name="王" * 51)
    assert long.value.fields == {"name": "书记姓名不能超过50个字"}
    PartyOrganization.objects.filter(pk=committee.pk).update(active=False)
    with pytest.raises(NotFound):
        org_set_secretary(actor=admin, org_id=committee.pk, secretary_name="王书记")
    committee.refresh_from_db()
    assert committee.secretary_name == "" and not audits("party.secretary_set", committee)


# --- hub household -----------------------------------------------------------------------------------


def test_the_communitys_staff_mark_a_party_hub_household(district):
    member = community_member_add(actor=None, person_id=district.persons["g1"][0].pk)
    worker = district.user("community_worker")
    assert member_set_hub_household(actor=worker, member_id=member.pk, hub=True).hub_household is True
    member.refresh_from_db()
    assert member.hub_household is True
    member_set_hub_household(actor=worker, member_id=member.pk, hub=True)  # no change: no audit row
    [row] = audits("party.hub_household_set", member)
    assert row.actor_id == worker.pk and row.data == {"hub_household": True}
    member_set_hub_household(actor=district.user("district_admin"), member_id=member.pk, hub=False)
    member.refresh_from_db()
    assert member.hub_household is False
    assert [a.data for a in audits("party.hub_household_set", member)] == [
        {"hub_household": True},
        {"hub_household": False},
    ]


def test_only_the_members_community_managers_mark_a_hub_household(district):
    member = community_member_add(actor=None, person_id=district.persons["g1"][0].pk)
    outsider = b1_worker(district)
    before = AuditEvent.objects.count()
    for actor in (
        district.user("grid_worker"),
        district.user("subdistrict_staff"),
        district.user("auditor"),
        district.user("party_member"),
        outsider,
    ):
        with pytest.raises(NotFound):
            member_set_hub_household(actor=actor, member_id=member.pk, hub=True)
    with pytest.raises(NotFound):
        member_set_hub_household(actor=district.user("community_worker"), member_id=999_999, hub=True)
    assert not PartyMember.objects.get(pk=member.pk).hub_household and AuditEvent.objects.count() == before
