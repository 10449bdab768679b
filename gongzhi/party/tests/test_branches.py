"""The grid-branch rule on hand-made cases, and proposing/applying it through the services."""

from __future__ import annotations

import itertools

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import NotFound
from gongzhi.party.enums import MemberKind, OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.party.selectors.organizations import branch_coverage_for_actor, org_list_for_actor
from gongzhi.party.services.branches import compute_layout
from gongzhi.party.services.organizations import (
    branch_layout_apply,
    branch_layout_propose,
    community_member_add,
)
from gongzhi.people.services import PersonInput, person_create
from gongzhi.places.models import Grid
from gongzhi.places.services import community_create, grid_create, household_create
from gongzhi.testing import id_number_for, square

S = 0.01  # square size


def sq(col: int, row: int = 0) -> dict:
    return square(117.0 + col * S, 36.0 - row * S, S)


def kinds(layout) -> list[tuple[str, list[str]]]:
    return [(b.kind, b.grid_codes) for b in layout.branches]


# -- the pure rule ------------------------------------------------------------------------------------
def test_three_members_get_their_own_branch():
    layout = compute_layout({"a": sq(0), "b": sq(5)}, {"a": 3, "b": 7})
    assert kinds(layout) == [("grid_branch", ["a"]), ("grid_branch", ["b"])]
    assert layout.uncovered == []


def test_two_plus_one_neighbours_form_one_joint_branch():
    layout = compute_layout({"a": sq(0), "b": sq(1)}, {"a": 2, "b": 1})
    assert kinds(layout) == [("joint_branch", ["a", "b"])]
    assert layout.branches[0].members == 3


def test_a_chain_of_small_grids_is_cut_into_groups_of_three_in_code_order():
    grids = {f"g{i}": sq(i) for i in range(7)}
    layout = compute_layout(grids, dict.fromkeys(grids, 1))
    # g0-g1-g2, g3-g4-g5; g6 alone cannot reach 3 and joins the nearest joint branch (g3-g5).
    assert kinds(layout) == [
        ("joint_branch", ["g0", "g1", "g2"]),
        ("joint_branch", ["g3", "g4", "g5", "g6"]),
    ]


def test_a_shared_corner_is_not_a_neighbour():
    # a and b touch only at a corner point; c sits below a, sharing an edge.
    grids = {"a": sq(0, 0), "b": sq(1, 1), "c": sq(0, 1)}
    layout = compute_layout(grids, {"a": 1, "b": 1, "c": 1})
    # a's only edge neighbour is c; from {a, c} b is an edge neighbour of c.
    assert kinds(layout) == [("joint_branch", ["a", "b", "c"])]
    layout = compute_layout({"a": sq(0, 0), "b": sq(1, 1)}, {"a": 2, "b": 1})
    assert kinds(layout) == [] and layout.uncovered == ["a", "b"]


def test_an_isolated_small_grid_joins_the_nearest_joint_branch():
    grids = {"a": sq(0), "b": sq(1), "c": sq(2), "d": sq(10), "e": sq(30), "f": sq(31), "g": sq(32)}
    layout = compute_layout(grids, {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1})
    assert kinds(layout) == [("joint_branch", ["a", "b", "c", "d"]), ("joint_branch", ["e", "f", "g"])]


def test_no_joint_branch_to_join_leaves_the_small_grid_uncovered():
    layout = compute_layout({"a": sq(0), "b": sq(5)}, {"a": 3, "b": 2})
    assert kinds(layout) == [("grid_branch", ["a"])]
    assert layout.uncovered == ["b"]


def test_a_grid_without_members_stays_uncovered_and_breaks_a_chain():
    grids = {"a": sq(0), "b": sq(1), "c": sq(2), "d": sq(3), "e": sq(4)}
    layout = compute_layout(grids, {"a": 1, "b": 1, "c": 0, "d": 1, "e": 2})
    assert kinds(layout) == [("joint_branch", ["a", "b", "d", "e"])] or kinds(layout) == [
        ("joint_branch", ["d", "e"]),
    ]
    # d-e form a branch (1+2); a-b (2 members) cannot reach 3 and join it as the nearest.
    assert layout.uncovered == ["c"]
    assert kinds(layout) == [("joint_branch", ["a", "b", "d", "e"])]


def test_the_layout_is_deterministic_whatever_the_input_order():
    grids = {f"g{i}": sq(i % 3, i // 3) for i in range(9)}
    members = {f"g{i}": (i * 7) % 4 for i in range(9)}
    first = kinds(compute_layout(grids, members))
    for perm in itertools.islice(itertools.permutations(grids), 20):
        assert kinds(compute_layout({k: grids[k] for k in perm}, members)) == first


# -- through the database -------------------------------------------------------------------------------
_seq = itertools.count(500)


def add_members(grid: Grid, n: int) -> list[PartyMember]:
    hh = household_create(
        actor=None,
        grid=grid,
        estate_name="党员小区",
        building_number=grid.code[-3:],
        entrance="1",
        door=f"{next(_seq)}",
    )
    out = []
    for _ in range(n):
        seq = next(_seq)
        person = person_create(
            actor=None,
            household_id=hh.pk,
            data=PersonInput(name=f"党员{seq}", id_number=id_number_for(seq), relation="other"),
        )
        out.append(community_member_add(actor=None, person_id=person.pk))
    return out


@pytest.fixture
def c3(district):
    """A third community of subdistrict A with four grids in a row: 001 002 003 | 004 far away."""
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


def test_a_small_grid_is_not_grouped_with_a_neighbour_in_another_community(district):
    g1, g2 = district.grids["g1"], district.grids["g2"]
    # A second community A2 grid placed right next to g2, sharing its edge.
    other = grid_create(
        actor=None,
        community=district.communities["A2"],
        code="370115001002002",
        name="城里第2网格",
        kind="residential",
        boundary=square(117.12, 36.98),
    )
    add_members(g1, 3)
    add_members(g2, 2)
    add_members(other, 1)
    p1 = branch_layout_propose(community_id=district.communities["A1"].pk)
    assert kinds(p1.layout) == [("grid_branch", [g1.code])]
    assert p1.layout.uncovered == [g2.code]
    p2 = branch_layout_propose(community_id=district.communities["A2"].pk)
    assert p2.layout.branches == []


def test_apply_is_audited_and_replaces_the_previous_layout(district, c3):
    community, grids = c3
    add_members(grids[0], 1)
    add_members(grids[1], 1)
    add_members(grids[2], 1)
    add_members(grids[3], 4)
    secretary = district.user("community_secretary")  # of A1: not this community
    with pytest.raises(NotFound):
        branch_layout_apply(actor=secretary, community_id=community.pk)
    admin = district.user("district_admin")
    before = AuditEvent.objects.count()
    created = branch_layout_apply(actor=admin, community_id=community.pk)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.event_type == "party.branch_layout_applied" and event.data["joint"] == 1
    assert [o.kind for o in created] == [OrgKind.JOINT_BRANCH, OrgKind.GRID_BRANCH]
    joint = created[0]
    assert sorted(joint.grids.values_list("code", flat=True)) == [g.code for g in grids[:3]]
    committee = joint.parent
    assert committee is not None and committee.kind == OrgKind.COMMUNITY_COMMITTEE
    assert committee.parent is not None and committee.parent.kind == OrgKind.WORKING_COMMITTEE
    assert set(
        PartyMember.objects.filter(grid_code=grids[3].code).values_list("organization", flat=True)
    ) == {created[1].pk}
    _total, per = branch_coverage_for_actor(actor=admin)
    assert per[community.code].as_dict() == {
        "branches_independent": 1,
        "branches_joint": 1,
        "grids_in_joint_branches": 3,
        "residential_grids": 4,
        "residential_grids_covered": 4,
    }

    # Two more members in grid 1: it gets its own branch; 2 and 3 (1+1) join the nearest joint… none left.
    add_members(grids[0], 2)
    second = branch_layout_apply(actor=admin, community_id=community.pk)
    assert PartyOrganization.objects.filter(pk=joint.pk, active=False).exists()
    active = PartyOrganization.objects.filter(
        community_code=community.code, kind__in=[OrgKind.GRID_BRANCH, OrgKind.JOINT_BRANCH], active=True
    )
    assert set(active) == set(second)
    assert [o.kind for o in second] == [OrgKind.GRID_BRANCH, OrgKind.GRID_BRANCH]
    orphan = PartyMember.objects.get(grid_code=grids[1].code, kind=MemberKind.COMMUNITY_MANAGED)
    assert orphan.organization_id is None
    # The community committee was made once, not again.
    assert (
        PartyOrganization.objects.filter(
            kind=OrgKind.COMMUNITY_COMMITTEE, community_code=community.code
        ).count()
        == 1
    )
    _total, per = branch_coverage_for_actor(actor=admin)
    assert per[community.code].residential_grids_covered == 2


def test_coverage_is_scoped(district, c3):
    community, grids = c3
    add_members(grids[3], 3)
    branch_layout_apply(actor=None, community_id=community.pk)
    _t, per = branch_coverage_for_actor(actor=district.user("community_secretary"))
    assert community.code not in per
    total, per = branch_coverage_for_actor(actor=district.user("subdistrict_staff"))
    assert total.branches_independent == 1


def test_a_grid_worker_sees_the_branch_of_their_grid(district):
    """A branch sits at its community; a grid worker's scope is one grid, which the branch covers."""
    from gongzhi.party.services import organizations as orgs
    from gongzhi.people.models import Person

    g1 = district.grids["g1"]
    ids = list(Person.objects.filter(grid_code=g1.code).values_list("pk", flat=True)[:3])
    orgs.community_members_add_bulk(actor=None, community_id=g1.community_id, person_ids=ids)
    orgs.branch_layout_apply(actor=None, community_id=g1.community_id)
    worker = district.user("grid_worker")
    names = [o.name for o in org_list_for_actor(actor=worker)]
    assert any(g1.name in n or "支部" in n for n in names), names
    total, _per = branch_coverage_for_actor(actor=worker)
    assert (total.branches_independent, total.residential_grids_covered, total.residential_grids) == (1, 1, 1)
    other = district.user("grid_worker_g2")
    total, _per = branch_coverage_for_actor(actor=other)
    assert (total.branches_independent, total.residential_grids_covered, total.residential_grids) == (0, 0, 1)


@pytest.mark.parametrize(("user_key", "method"), [("grid_worker", "get"), ("community_worker", "post")])
def test_console_branch_page_outside_the_scope_is_404_not_500(district, client, user_key, method):
    """Found by the authorization matrix: the page let the selector's NotFound escape as a 500."""
    client.force_login(district.user(user_key))
    other = district.communities["B1"].code
    response = getattr(client, method)(f"/console/party/communities/{other}/branches/")
    assert response.status_code == 404
    response = client.get("/console/party/communities/999999999999/branches/")
    assert response.status_code == 404
