"""Community-managed members kept by people: enter, edit, end; transfers in and out (pending → accepted /
returned, decided by someone else); a dissolved organisation's 50 members in one step; and the branch
proposal re-run against the branches in force after members come and go (hand-made cases: a grid gaining
its 3rd member, a joint branch splitting, two branches merging, a branch dissolved when a member transfers
out), through the services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.roles import Role
from gongzhi.party.enums import MemberKind, MemberStatus, OrgKind, TransferStatus
from gongzhi.party.models import MemberTransfer, PartyMember, PartyOrganization
from gongzhi.party.selectors.organizations import branch_coverage_for_actor
from gongzhi.party.services import members as ms
from gongzhi.party.services.organizations import (
    branch_layout_apply,
    branch_layout_diff,
    branch_layout_propose,
    community_member_add,
)
from gongzhi.party.tests.test_branches import add_members
from gongzhi.people.services import PersonInput, person_create
from gongzhi.places.services import community_create, grid_create, household_create
from gongzhi.testing import PASSWORD, id_number_for, square

_seq = itertools.count(100)
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def residents(grid, n: int) -> list:
    hh = household_create(
        actor=None, grid=grid, estate_name="转接小区", building_number="9", entrance="1", door=f"{next(_seq)}"
    )
    out = []
    for _ in range(n):
        seq = next(_seq)
        out.append(
            person_create(
                actor=None,
                household_id=hh.pk,
                data=PersonInput(
                    name=f"居民{seq}", id_number=id_number_for(seq, birth="19950101"), relation="other"
                ),
            )
        )
    return out


@pytest.fixture
def c3(district):
    """Community 汇鑫 of subdistrict A: grids 1-2-3 in a row, grid 4 far to the east."""
    community = community_create(
        actor=None, subdistrict=district.subdistricts["A"], code="370115001003", name="汇鑫社区"
    )
    grids = [
        grid_create(
            actor=None,
            community=community,
            code=f"{community.code}{n:03d}",
            name=f"汇鑫第{n}网格",
            kind="residential",
            boundary=square(117.30 + (n - 1) * 0.01 + (0.2 if n == 4 else 0), 36.90),
        )
        for n in range(1, 5)
    ]
    return community, grids


def transfer_data(**kw) -> ms.TransferInput:
    return ms.TransferInput(
        transferred_on=kw.pop("on", YESTERDAY),
        letter_number=kw.pop("letter", "济组转字〔2026〕12号"),
        other_org_name=kw.pop("name", "济南某公司党支部"),
        **kw,
    )


# -- enter, edit, end ----------------------------------------------------------------------------------


def test_a_member_entered_sits_where_the_resident_lives(district):
    person = district.persons["g1"][0]
    member = community_member_add(
        actor=district.user("community_worker"), person_id=person.pk, joined_on=dt.date(1998, 7, 1)
    )
    assert (member.grid_code, member.community_code, member.name) == (
        person.grid_code,
        person.community_code,
        person.name,
    )
    assert member.status == MemberStatus.ACTIVE and member.joined_on == dt.date(1998, 7, 1)
    with pytest.raises(ValidationFailed) as exc:
        community_member_add(actor=district.user("community_worker"), person_id=person.pk)
    assert "已登记" in exc.value.fields["person_id"]
    with pytest.raises(NotFound):  # a resident of another community
        community_member_add(actor=district.user("community_worker"), person_id=district.persons["g4"][0].pk)


def test_edit_checks_the_organisation_and_ending_takes_the_member_off_the_register(district):
    cw = district.user("community_worker")
    members = add_members(district.grids["g1"], 3)
    created = branch_layout_apply(actor=None, community_id=district.communities["A1"].pk)
    m = members[0]
    other = PartyOrganization.objects.create(
        kind=OrgKind.GRID_BRANCH,
        name="外社区支部",
        community_code=district.communities["B1"].code,
        subdistrict_code=district.subdistricts["B"].code,
        district_code="370115",
    )
    with pytest.raises(ValidationFailed) as exc:
        ms.member_update(actor=cw, member_id=m.pk, data=ms.MemberEdit(organization_id=other.pk))
    assert "不在该党员所在社区" in exc.value.fields["organization_id"]
    m = ms.member_update(
        actor=cw,
        member_id=m.pk,
        data=ms.MemberEdit(organization_id=created[0].pk, joined_on=dt.date(2001, 7, 1), hub_household=True),
    )
    assert m.hub_household and m.joined_on == dt.date(2001, 7, 1)
    assert AuditEvent.objects.filter(event_type="party.member_updated", target_id=str(m.pk)).exists()
    with pytest.raises(ValidationFailed):
        ms.member_end(actor=cw, member_id=m.pk, ended_on=YESTERDAY, reason="")
    ms.member_end(actor=cw, member_id=m.pk, ended_on=YESTERDAY, reason="去世")
    m.refresh_from_db()
    assert m.status == MemberStatus.ENDED
    with pytest.raises(Conflict):
        ms.member_end(actor=cw, member_id=m.pk, ended_on=YESTERDAY, reason="去世")
    # an ended member no longer counts: the grid is left with 2, no branch proposed
    assert branch_layout_propose(community_id=district.communities["A1"].pk).layout.branches == []
    with pytest.raises(NotFound):  # a grid worker cannot end memberships
        ms.member_end(
            actor=district.user("grid_worker"), member_id=members[1].pk, ended_on=YESTERDAY, reason="x"
        )


# -- transfers ---------------------------------------------------------------------------------------------


def test_a_transfer_in_is_accepted_by_someone_else_and_the_member_joins_the_branch_of_their_grid(district):
    cw, secretary = district.user("community_worker"), district.user("community_secretary")
    add_members(district.grids["g1"], 3)
    branch = branch_layout_apply(actor=None, community_id=district.communities["A1"].pk)[0]
    person = district.persons["g1"][1]
    t = ms.transfer_in_record(actor=cw, person_id=person.pk, data=transfer_data())
    assert t.status == TransferStatus.PENDING and not PartyMember.objects.filter(person=person).exists()
    with pytest.raises(Conflict):  # one pending transfer per resident
        ms.transfer_in_record(actor=cw, person_id=person.pk, data=transfer_data())
    with pytest.raises(Forbidden) as exc:
        ms.transfer_accept(actor=cw, transfer_id=t.pk)
    assert exc.value.code == "own_work"
    t = ms.transfer_accept(actor=secretary, transfer_id=t.pk)
    assert t.status == TransferStatus.ACCEPTED and t.decided_by == secretary
    member = PartyMember.objects.get(person=person, kind=MemberKind.COMMUNITY_MANAGED)
    assert member.organization_id == branch.pk and member.grid_code == person.grid_code
    with pytest.raises(Conflict) as exc2:
        ms.transfer_return(actor=secretary, transfer_id=t.pk, reason="材料不全")
    assert exc2.value.code == "illegal_transition"
    # already on the register: a second transfer in is refused with the organisation's name
    with pytest.raises(ValidationFailed) as exc3:
        ms.transfer_in_record(actor=cw, person_id=person.pk, data=transfer_data(letter="2"))
    assert branch.name in exc3.value.fields["person_id"]


def test_transfer_input_is_checked_and_a_returned_transfer_changes_nothing(district):
    cw, secretary = district.user("community_worker"), district.user("community_secretary")
    person = district.persons["g1"][2]
    for kw, field in (
        ({"on": timezone.localdate() + dt.timedelta(days=1)}, "transferred_on"),
        ({"on": None}, "transferred_on"),
        ({"letter": " "}, "letter_number"),
        ({"name": ""}, "other_org_name"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            ms.transfer_in_record(actor=cw, person_id=person.pk, data=transfer_data(**kw))
        assert field in exc.value.fields
    assert not MemberTransfer.objects.exists()
    t = ms.transfer_in_record(actor=cw, person_id=person.pk, data=transfer_data())
    with pytest.raises(ValidationFailed):
        ms.transfer_return(actor=secretary, transfer_id=t.pk, reason="")
    t = ms.transfer_return(actor=secretary, transfer_id=t.pk, reason="介绍信抬头有误")
    assert t.status == TransferStatus.RETURNED and not PartyMember.objects.filter(person=person).exists()
    with pytest.raises(NotFound):  # outside the actor's place
        ms.transfer_in_record(actor=cw, person_id=district.persons["g4"][0].pk, data=transfer_data())


def test_a_transfer_out_inside_the_district_takes_the_member_off_the_register(district):
    cw, secretary = district.user("community_worker"), district.user("community_secretary")
    m = add_members(district.grids["g1"], 1)[0]
    other = PartyOrganization.objects.create(
        kind=OrgKind.COMMUNITY_COMMITTEE,
        name="安大社区党委",
        community_code=district.communities["B1"].code,
        subdistrict_code=district.subdistricts["B"].code,
        district_code="370115",
    )
    t = ms.transfer_out_record(actor=cw, member_id=m.pk, data=transfer_data(other_org_id=other.pk, name=""))
    assert t.inside_district and t.other_org_name == "安大社区党委" and t.member_id == m.pk
    ms.transfer_accept(actor=secretary, transfer_id=t.pk)
    m.refresh_from_db()
    assert m.status == MemberStatus.TRANSFERRED_OUT and "安大社区党委" in m.end_reason
    # back again later: the former record comes back through a transfer in
    t2 = ms.transfer_in_record(
        actor=secretary, person_id=m.person_id or 0, data=transfer_data(other_org_id=other.pk, name="")
    )
    ms.transfer_accept(actor=cw, transfer_id=t2.pk)
    m.refresh_from_db()
    assert (
        m.status == MemberStatus.ACTIVE
        and PartyMember.objects.filter(person_id=m.person_id or 0).count() == 1
    )


def test_fifty_members_of_a_dissolved_organisation_move_in_in_one_step(district, c3):
    community, grids = c3
    cw = district.user("district_admin")
    secretary = user_create(
        actor=None,
        username="hx_secretary",
        password=PASSWORD,
        display_name="汇鑫书记",
        validate_password=False,
    )
    role_assign(actor=None, user=secretary, role=Role.COMMUNITY_SECRETARY, place_code=community.code)
    people = residents(grids[0], 20) + residents(grids[1], 20) + residents(grids[3], 10)
    branch_before = PartyOrganization.objects.count()
    batch = ms.transfers_in_bulk_record(
        actor=cw,
        community_id=community.pk,
        data=ms.BulkTransferIn(
            other_org_name="济阳化肥厂党委（已撤销）",
            transferred_on=dt.date(2019, 6, 28),
            letter_number="济组转字〔2019〕40号",
            person_ids=[p.pk for p in people],
        ),
    )
    assert MemberTransfer.objects.filter(batch=batch, status=TransferStatus.PENDING).count() == 50
    with pytest.raises(Forbidden):
        ms.transfer_batch_accept(actor=cw, batch=batch)  # who recorded it does not accept it
    audits = AuditEvent.objects.count()
    assert ms.transfer_batch_accept(actor=secretary, batch=batch) == 50
    assert AuditEvent.objects.count() == audits + 1
    event = AuditEvent.objects.latest("id")
    assert event.event_type == "party.transfers_in_accepted" and event.data["count"] == 50
    assert PartyMember.objects.filter(community_code=community.code, status=MemberStatus.ACTIVE).count() == 50
    assert (
        MemberTransfer.objects.filter(
            batch=batch, status=TransferStatus.ACCEPTED, member__isnull=False
        ).count()
        == 50
    )
    assert PartyOrganization.objects.count() == branch_before
    # the proposal now sees them: grids 1, 2 and 4 get their own branches
    proposal = branch_layout_propose(community_id=community.pk)
    assert [(b.kind, b.grid_codes) for b in proposal.layout.branches] == [
        ("grid_branch", [grids[0].code]),
        ("grid_branch", [grids[1].code]),
        ("grid_branch", [grids[3].code]),
    ]
    # a second batch naming a member already on the register is refused whole
    with pytest.raises(ValidationFailed) as exc:
        ms.transfers_in_bulk_record(
            actor=cw,
            community_id=community.pk,
            data=ms.BulkTransferIn(
                "另一厂党委",
                dt.date(2019, 7, 1),
                "41号",
                [people[0].pk, *[p.pk for p in residents(grids[2], 2)]],
            ),
        )
    assert "已在册" in exc.value.fields["person_ids"]


# -- the proposal re-run against the branches in force -------------------------------------------------------


def test_a_grid_gaining_its_third_member_gets_a_new_branch(district, c3):
    community, grids = c3
    add_members(grids[3], 2)  # alone, far away: no joint branch to join
    branch_layout_apply(actor=None, community_id=community.pk)
    diff = branch_layout_diff(community_id=community.pk)
    assert not diff.changed
    add_members(grids[3], 1)
    diff = branch_layout_diff(community_id=community.pk)
    assert [(c.change, c.grid_codes) for c in diff.changes] == [("new", [grids[3].code])]
    assert diff.members_moving_count == 3 and {m["to"] for m in diff.members_moving} == {"汇鑫第4网格党支部"}


def test_a_joint_branch_splitting_is_shown_then_applied_keeping_nothing_of_it(district, c3):
    community, grids = c3
    for g in grids:  # 1+1+1 along the row form a joint branch; grid 4 (1) joins it, the nearest
        add_members(g, 1)
    first = branch_layout_apply(actor=None, community_id=community.pk)
    assert [(o.kind, sorted(o.grids.values_list("code", flat=True))) for o in first] == [
        (OrgKind.JOINT_BRANCH, [g.code for g in grids])
    ]
    joint = first[0]
    add_members(grids[3], 2)  # grid 4 reaches 3: its own branch; the joint branch splits
    diff = branch_layout_diff(community_id=community.pk)
    assert [(c.change, c.kind, c.grid_codes, c.from_names) for c in diff.changes] == [
        ("split", OrgKind.JOINT_BRANCH, [g.code for g in grids[:3]], [joint.name]),
        ("split", OrgKind.GRID_BRANCH, [grids[3].code], [joint.name]),
    ]
    assert diff.dissolved == []
    # the one member of grid 4 in the joint branch moves, and the two new ones join
    assert (
        diff.members_moving_count == 3 + 3
    )  # all of the joint's members get a new branch, plus grid 4's two
    with pytest.raises(ApplicationError) as exc:
        branch_layout_apply(actor=None, community_id=community.pk, fingerprint="stale")
    assert exc.value.status == 409
    after = branch_layout_apply(actor=None, community_id=community.pk, fingerprint=diff.fingerprint)
    joint.refresh_from_db()
    assert not joint.active and len(after) == 2
    assert not branch_layout_diff(community_id=community.pk).changed


def test_a_merge_and_an_unchanged_branch_keeps_its_secretary(district, c3):
    from gongzhi.party.services.organizations import org_set_secretary

    community, grids = c3
    add_members(grids[0], 2)
    add_members(grids[3], 3)
    first = branch_layout_apply(
        actor=None, community_id=community.pk
    )  # grid 4's own branch; grid 1 uncovered
    own = next(o for o in first if o.kind == OrgKind.GRID_BRANCH)
    org_set_secretary(actor=None, org_id=own.pk, secretary_name="李书记")
    add_members(grids[1], 1)  # 2 + 1: grids 1 and 2 form a joint branch
    diff = branch_layout_diff(community_id=community.pk)
    assert [(c.change, c.grid_codes) for c in diff.changes] == [
        ("new", [grids[0].code, grids[1].code]),
        ("unchanged", [grids[3].code]),
    ]
    after = branch_layout_apply(actor=None, community_id=community.pk)
    assert own.pk in {o.pk for o in after}
    own.refresh_from_db()
    assert own.active and own.secretary_name == "李书记"


def test_two_branches_whose_members_leave_are_merged_into_a_joint_branch(district, c3):
    community, grids = c3
    cw = district.user("district_admin")
    one, two = add_members(grids[0], 3), add_members(grids[1], 3)
    first = branch_layout_apply(actor=None, community_id=community.pk)
    assert [o.kind for o in first] == [OrgKind.GRID_BRANCH, OrgKind.GRID_BRANCH]
    ms.member_end(actor=cw, member_id=one[0].pk, ended_on=YESTERDAY, reason="去世")
    ms.member_end(actor=cw, member_id=two[0].pk, ended_on=YESTERDAY, reason="去世")
    diff = branch_layout_diff(community_id=community.pk)  # 2 + 2 on neighbouring grids: one joint branch
    assert [(c.change, c.kind, c.grid_codes, c.from_names) for c in diff.changes] == [
        ("merged", OrgKind.JOINT_BRANCH, [grids[0].code, grids[1].code], [o.name for o in first])
    ]
    assert diff.dissolved == [] and diff.counts()["merged"] == 1
    assert diff.members_moving_count == 4 and {m["to"] for m in diff.members_moving} == {diff.changes[0].name}
    [joint] = branch_layout_apply(actor=None, community_id=community.pk, fingerprint=diff.fingerprint)
    assert not PartyOrganization.objects.filter(pk__in=[o.pk for o in first], active=True).exists()
    assert sorted(joint.grids.values_list("code", flat=True)) == [grids[0].code, grids[1].code]
    on_register = PartyMember.objects.filter(community_code=community.code, status=MemberStatus.ACTIVE)
    assert set(on_register.values_list("organization_id", flat=True)) == {joint.pk}


def test_a_branch_whose_member_transfers_out_is_dissolved(district, c3):
    community, grids = c3
    admin = district.user("district_admin")
    secretary = user_create(
        actor=None, username="hx_sj", password=PASSWORD, display_name="汇鑫书记", validate_password=False
    )
    role_assign(actor=None, user=secretary, role=Role.COMMUNITY_SECRETARY, place_code=community.code)
    members = add_members(grids[3], 3)  # far from the other grids: no joint branch to join
    [branch] = branch_layout_apply(actor=None, community_id=community.pk)
    t = ms.transfer_out_record(actor=admin, member_id=members[0].pk, data=transfer_data(name="外省某党支部"))
    assert not branch_layout_diff(community_id=community.pk).changed  # pending: still on the register
    ms.transfer_accept(actor=secretary, transfer_id=t.pk)
    diff = branch_layout_diff(community_id=community.pk)
    assert diff.changes == [] and [(c.change, c.org_id, c.grid_codes) for c in diff.dissolved] == [
        ("dissolved", branch.pk, [grids[3].code])
    ]
    assert diff.members_moving_count == 2 and {(m["from"], m["to"]) for m in diff.members_moving} == {
        (branch.name, "")
    }
    assert branch_layout_apply(actor=secretary, community_id=community.pk, fingerprint=diff.fingerprint) == []
    branch.refresh_from_db()
    assert not branch.active
    on_register = PartyMember.objects.filter(community_code=community.code, status=MemberStatus.ACTIVE)
    assert on_register.count() == 2 and not on_register.filter(organization__isnull=False).exists()
    _t, per = branch_coverage_for_actor(actor=admin)
    assert per[community.code].residential_grids_covered == 0


def test_member_entered_proposal_changes_applied_and_coverage_updated(district, c3):
    community, grids = c3
    admin = district.user("district_admin")
    add_members(grids[0], 2)
    branch_layout_apply(actor=None, community_id=community.pk)
    _t, per = branch_coverage_for_actor(actor=admin)
    assert per[community.code].residential_grids_covered == 0
    person = residents(grids[0], 1)[0]
    community_member_add(actor=admin, person_id=person.pk)  # the 3rd member of grid 1 is entered
    diff = branch_layout_diff(community_id=community.pk)
    assert [c.change for c in diff.changes] == ["new"]
    branch_layout_apply(
        actor=district.user("district_admin"), community_id=community.pk, fingerprint=diff.fingerprint
    )
    _t, per = branch_coverage_for_actor(actor=admin)
    assert (per[community.code].branches_independent, per[community.code].residential_grids_covered) == (1, 1)
    assert PartyMember.objects.filter(grid_code=grids[0].code, organization__isnull=False).count() == 3
