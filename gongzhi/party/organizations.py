"""Party organisations (街道党工委 → 社区党委 → 网格党支部/联合党支部 → 楼院党小组), community-managed
members, and the computed grid-branch layout of a community.

Services write (one transaction, permission check, one audit row); selectors read with the actor's scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed, field_error
from gongzhi.core.roles import POPULATION_ROLES, Role
from gongzhi.core.scope import scope_of
from gongzhi.party.branches import Layout, compute_layout
from gongzhi.party.enums import MemberKind, OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import Person
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# Who reads party organisations and members of a place: the staff who work there.
READERS = POPULATION_ROLES
# Who keeps the organisation tree and community-managed members of a community.
EDITORS = frozenset({Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER})
# Who applies a community's branch layout.
LAYOUT_APPLIERS = frozenset({Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY})
BRANCH_KINDS = (OrgKind.GRID_BRANCH, OrgKind.JOINT_BRANCH)


def _require(actor: Actor | None, obj: Any, roles: frozenset[str]) -> None:
    """``actor=None`` is the system (demo generator, management commands). Forbidden looks missing."""
    if actor is None:
        return
    if not scope_of(actor).covers(obj, roles):
        raise NotFound()


def _name(value: str, label: str = "名称", max_length: int = 100) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error("name", f"请填写{label}")
    if len(value) > max_length:
        raise field_error("name", f"{label}不能超过{max_length}个字")
    return value


# -- organisation tree ----------------------------------------------------------------------------
def _working_committee_of(subdistrict: Subdistrict) -> PartyOrganization | None:
    return PartyOrganization.objects.filter(
        kind=OrgKind.WORKING_COMMITTEE, subdistrict_code=subdistrict.code, active=True
    ).first()


def _community_committee_of(community: Community) -> PartyOrganization | None:
    return PartyOrganization.objects.filter(
        kind=OrgKind.COMMUNITY_COMMITTEE, community_code=community.code, active=True
    ).first()


def _new_org(*, kind: str, name: str, parent: PartyOrganization | None, **codes: str) -> PartyOrganization:
    org = PartyOrganization(kind=kind, name=name, parent=parent)
    if codes.get("grid_code") or codes.get("community_code"):
        org.set_place_codes(
            grid_code=codes.get("grid_code", ""), community_code=codes.get("community_code", "")
        )
    else:
        sub = codes["subdistrict_code"]
        org.district_code, org.subdistrict_code, org.community_code, org.grid_code = sub[:6], sub, "", ""
    org.save()
    return org


def _ensure_tree(community: Community) -> tuple[PartyOrganization, list[str]]:
    """The community committee (and its subdistrict's working committee), created when missing."""
    created: list[str] = []
    committee = _community_committee_of(community)
    if committee is not None:
        return committee, created
    sub = community.subdistrict
    working = _working_committee_of(sub)
    if working is None:
        working = _new_org(
            kind=OrgKind.WORKING_COMMITTEE, name=f"{sub.name}党工委", parent=None, subdistrict_code=sub.code
        )
        created.append(working.name)
    committee = _new_org(
        kind=OrgKind.COMMUNITY_COMMITTEE,
        name=f"{community.name}党委",
        parent=working,
        community_code=community.code,
    )
    created.append(committee.name)
    return committee, created


@transaction.atomic
def working_committee_create(
    *, actor: Actor | None, subdistrict_id: int, name: str = ""
) -> PartyOrganization:
    sub = Subdistrict.objects.filter(pk=subdistrict_id).first()
    if sub is None:
        raise NotFound()
    _require(actor, sub, frozenset({Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF}))
    if _working_committee_of(sub) is not None:
        raise ApplicationError("该街道已有党工委", code="exists", status=409)
    org = _new_org(
        kind=OrgKind.WORKING_COMMITTEE,
        name=_name(name or f"{sub.name}党工委"),
        parent=None,
        subdistrict_code=sub.code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def community_committee_create(
    *, actor: Actor | None, community_id: int, name: str = ""
) -> PartyOrganization:
    community = Community.objects.select_related("subdistrict").filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    _require(actor, community, EDITORS)
    if _community_committee_of(community) is not None:
        raise ApplicationError("该社区已有社区党委", code="exists", status=409)
    working = _working_committee_of(community.subdistrict)
    if working is None:
        raise ValidationFailed("请先建立街道党工委")
    org = _new_org(
        kind=OrgKind.COMMUNITY_COMMITTEE,
        name=_name(name or f"{community.name}党委"),
        parent=working,
        community_code=community.code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def building_group_create(*, actor: Actor | None, branch_id: int, name: str) -> PartyOrganization:
    branch = PartyOrganization.objects.select_for_update().filter(pk=branch_id, active=True).first()
    if branch is None or branch.kind not in BRANCH_KINDS:
        raise NotFound()
    _require(actor, branch, EDITORS)
    org = _new_org(
        kind=OrgKind.BUILDING_GROUP,
        name=_name(name, "党小组名称"),
        parent=branch,
        grid_code=branch.grid_code,
        community_code=branch.community_code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def org_set_secretary(
    *, actor: Actor | None, org_id: int, secretary_name: str, secretary_user_id: int | None = None
) -> PartyOrganization:
    org = PartyOrganization.objects.select_for_update().filter(pk=org_id, active=True).first()
    if org is None:
        raise NotFound()
    roles = EDITORS if org.community_code else frozenset({Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF})
    _require(actor, org, roles)
    old = org.secretary_name
    org.secretary_name = _name(secretary_name, "书记姓名", 50)
    org.secretary_id = secretary_user_id
    org.save(update_fields=["secretary_name", "secretary", "updated_at"])
    audit_record(
        actor=actor, target=org, event="party.secretary_set", data={"from": old, "to": org.secretary_name}
    )
    return org


# -- community-managed members --------------------------------------------------------------------
def _new_member(person: Person, organization: PartyOrganization | None) -> PartyMember:
    member = PartyMember(
        kind=MemberKind.COMMUNITY_MANAGED,
        person=person,
        name=person.name,
        organization=organization,
        phone_encrypted=person.phone_encrypted,
        phone_hash=person.phone_hash,
        phone_masked=person.phone_masked,
    )
    member.set_place_codes(grid_code=person.grid_code, community_code=person.community_code)
    return member


@transaction.atomic
def community_member_add(
    *, actor: Actor | None, person_id: int, organization_id: int | None = None, hub_household: bool = False
) -> PartyMember:
    """A community-managed member (自管党员): a resident of the community whose membership it keeps."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    _require(actor, person, EDITORS)
    if PartyMember.objects.filter(person=person, kind=MemberKind.COMMUNITY_MANAGED).exists():
        raise field_error("person_id", f"{person.name}已登记为社区党员", code="duplicate")
    org = None
    if organization_id is not None:
        org = PartyOrganization.objects.filter(
            pk=organization_id, community_code=person.community_code, active=True
        ).first()
        if org is None:
            raise field_error("organization_id", "所选党组织不在该居民所在社区")
    member = _new_member(person, org)
    member.hub_household = hub_household
    member.save()
    audit_record(
        actor=actor,
        target=member,
        event="party.member_added",
        data={
            "person_id": person.pk,
            "organization": org.name if org else "",
            "hub_household": hub_household,
        },
    )
    return member


@transaction.atomic
def community_members_add_bulk(*, actor: Actor | None, community_id: int, person_ids: list[int]) -> int:
    """Registers many residents of one community as community-managed members: one transaction, one
    audit row (the community) listing how many were added. Persons already registered are refused."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    _require(actor, community, EDITORS)
    ids = sorted(set(person_ids))
    persons = list(Person.objects.filter(pk__in=ids, community_code=community.code))
    if len(persons) != len(ids):
        raise field_error("person_ids", "部分人员不存在或不在该社区")
    taken = PartyMember.objects.filter(person_id__in=ids, kind=MemberKind.COMMUNITY_MANAGED)
    if taken.exists():
        raise field_error("person_ids", f"{taken.first()}已登记为社区党员", code="duplicate")
    PartyMember.objects.bulk_create([_new_member(p, None) for p in persons], batch_size=500)
    audit_record(actor=actor, target=community, event="party.members_imported", data={"count": len(persons)})
    return len(persons)


@transaction.atomic
def member_set_hub_household(*, actor: Actor | None, member_id: int, hub: bool) -> PartyMember:
    """Marks (or unmarks) the member's household as a party hub household (党员中心户)."""
    member = PartyMember.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    _require(actor, member, EDITORS)
    if member.hub_household != hub:
        member.hub_household = hub
        member.save(update_fields=["hub_household", "updated_at"])
        audit_record(actor=actor, target=member, event="party.hub_household_set", data={"hub_household": hub})
    return member


# -- grid branches ----------------------------------------------------------------------------------
@dataclass
class BranchProposal:
    community_code: str
    community_name: str
    layout: Layout
    members_by_grid: dict[str, int] = field(default_factory=dict)
    grid_names: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "community_code": self.community_code,
            "community_name": self.community_name,
            "branches": [
                {
                    "kind": b.kind,
                    "name": branch_name(self.community_name, b.kind, b.grid_codes, self.grid_names),
                    "grid_codes": b.grid_codes,
                    "members": b.members,
                }
                for b in self.layout.branches
            ],
            "uncovered": self.layout.uncovered,
            "independent": len(self.layout.independent),
            "joint": len(self.layout.joint),
            "grids_in_joint": self.layout.grids_in_joint,
            "residential_covered": self.layout.covered,
        }


def branch_name(community_name: str, kind: str, codes: list[str], names: dict[str, str]) -> str:
    short = community_name.removesuffix("社区")
    if kind == OrgKind.GRID_BRANCH:
        return f"{names.get(codes[0], codes[0])}党支部"
    return f"{short}第{'、'.join(str(int(c[-3:])) for c in codes)}网格联合党支部"


def branch_layout_propose(*, community_id: int) -> BranchProposal:
    """The branch layout of a community from where its community-managed members live; see
    ``gongzhi.party.branches`` for the rule. Reads only; the caller has already checked scope."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    grids = list(
        Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL).values_list(
            "code", "name", "boundary"
        )
    )
    counts = dict(
        PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED, community_code=community.code)
        .exclude(grid_code="")
        .values_list("grid_code")
        .annotate(n=Count("id"))
        .values_list("grid_code", "n")
    )
    layout = compute_layout({code: boundary for code, _n, boundary in grids}, counts)
    return BranchProposal(
        community_code=community.code,
        community_name=community.name,
        layout=layout,
        members_by_grid={code: counts.get(code, 0) for code, _n, _b in grids},
        grid_names={code: name for code, name, _b in grids},
    )


@transaction.atomic
def branch_layout_apply(*, actor: Actor | None, community_id: int) -> list[PartyOrganization]:
    """Replaces the community's active grid and joint branches with the proposal: old branches are
    deactivated (kept for history), new ones created under the community committee, and every
    community-managed member of the community moves to the branch of their grid (or to none)."""
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("subdistrict")
        .filter(pk=community_id)
        .first()
    )
    if community is None:
        raise NotFound()
    _require(actor, community, LAYOUT_APPLIERS)
    proposal = branch_layout_propose(community_id=community.pk)
    committee, created_tree = _ensure_tree(community)
    old = list(
        PartyOrganization.objects.select_for_update().filter(
            community_code=community.code, kind__in=BRANCH_KINDS, active=True
        )
    )
    old_ids = [o.pk for o in old]
    if old_ids:
        PartyOrganization.objects.filter(pk__in=old_ids).update(active=False)
        # Building groups hang under a branch; they go with it.
        PartyOrganization.objects.filter(parent_id__in=old_ids, active=True).update(active=False)
    grids = {g.code: g for g in Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL)}
    created: list[PartyOrganization] = []
    branch_of_grid: dict[str, int] = {}
    for b in proposal.layout.branches:
        org = _new_org(
            kind=b.kind,
            name=branch_name(community.name, b.kind, b.grid_codes, proposal.grid_names),
            parent=committee,
            grid_code=b.grid_codes[0] if b.kind == OrgKind.GRID_BRANCH else "",
            community_code=community.code,
        )
        org.grids.set([grids[c] for c in b.grid_codes])
        created.append(org)
        for c in b.grid_codes:
            branch_of_grid[c] = org.pk
    members = PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED, community_code=community.code)
    by_org: dict[int | None, list[str]] = defaultdict(list)
    for code in members.values_list("grid_code", flat=True).distinct():
        by_org[branch_of_grid.get(code)].append(code)
    for org_id, codes in by_org.items():
        members.filter(grid_code__in=codes).update(organization_id=org_id)
    audit_record(
        actor=actor,
        target=community,
        event="party.branch_layout_applied",
        data={
            "deactivated": old_ids,
            "created_tree": created_tree,
            **{k: v for k, v in proposal.as_dict().items() if k not in ("community_code", "community_name")},
        },
    )
    return created


# -- selectors --------------------------------------------------------------------------------------
def _orgs_touching(q: Q) -> QuerySet[PartyOrganization]:
    """Organisations placed in the places ``q`` selects, or covering one of its grids: a grid worker's
    scope is a grid, and a branch sits at its community with its grids listed, not at a grid code."""
    grid_ids = Grid.objects.filter(q).values("pk")
    ids = PartyOrganization.objects.filter(q | Q(grids__in=grid_ids)).values_list("pk", flat=True).distinct()
    return PartyOrganization.objects.filter(pk__in=ids)


def org_list_for_actor(actor: Actor | None, *, include_inactive: bool = False) -> QuerySet[PartyOrganization]:
    scope = scope_of(actor)
    qs = _orgs_touching(scope.place_q(READERS))
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs.order_by("subdistrict_code", "community_code", "kind", "grid_code", "name", "id")


def org_rows(orgs: list[PartyOrganization] | QuerySet[PartyOrganization]) -> list[dict[str, Any]]:
    """Plain rows for the API and the console tree: grid codes and member counts in two queries."""
    orgs = list(orgs)
    ids = [o.pk for o in orgs]
    through = PartyOrganization.grids.through.objects.filter(partyorganization_id__in=ids)
    grid_codes: dict[int, list[str]] = defaultdict(list)
    for org_id, code in through.values_list("partyorganization_id", "grid__code").order_by("grid__code"):
        grid_codes[org_id].append(code)
    members = dict(
        PartyMember.objects.filter(organization_id__in=ids)
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    return [
        {
            "id": o.pk,
            "kind": o.kind,
            "kind_label": str(OrgKind(o.kind).label),
            "name": o.name,
            "parent_id": o.parent_id,
            "secretary_name": o.secretary_name,
            "community_code": o.community_code,
            "grid_codes": grid_codes.get(o.pk, []),
            "members": members.get(o.pk, 0),
        }
        for o in orgs
    ]


def org_tree_rows(actor: Actor | None) -> list[dict[str, Any]]:
    """The scoped tree, depth-first (parents before children), each row with its ``depth``.
    Parents outside the actor's scope are left out; their children become roots."""
    rows = org_rows(org_list_for_actor(actor))
    by_id = {r["id"]: r for r in rows}
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        children[r["parent_id"] if r["parent_id"] in by_id else None].append(r)
    out: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for r in children.get(parent, []):
            out.append({**r, "depth": depth})
            walk(r["id"], depth + 1)

    walk(None, 0)
    return out


def community_get_for_actor(actor: Actor | None, *, code: str, roles: frozenset[str] = READERS) -> Community:
    community = Community.objects.select_related("subdistrict").filter(code=code).first()
    if community is None or not scope_of(actor).covers(community, roles):
        raise NotFound()
    return community


def member_list_for_actor(actor: Actor | None, *, community_code: str = "") -> QuerySet[PartyMember]:
    qs = PartyMember.objects.filter(scope_of(actor).place_q(READERS)).select_related("organization")
    if community_code:
        qs = qs.filter(community_code=community_code)
    return qs.order_by("community_code", "grid_code", "name", "id")


@dataclass
class Coverage:
    branches_independent: int = 0
    branches_joint: int = 0
    grids_in_joint_branches: int = 0
    residential_grids: int = 0
    residential_grids_covered: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def coverage_for_actor(actor: Actor | None) -> tuple[Coverage, dict[str, Coverage]]:
    """Coverage figures over the actor's scope (total, and per community code), from the records."""
    return coverage(scope_of(actor).place_q(READERS))


def coverage(q: Q) -> tuple[Coverage, dict[str, Coverage]]:
    """Coverage figures over the places ``q`` selects (``Q()``: the whole database, for the overview)."""
    branches = _orgs_touching(q).filter(kind__in=BRANCH_KINDS, active=True)
    per: dict[str, Coverage] = defaultdict(Coverage)
    for code, kind, n in (
        branches.values_list("community_code", "kind")
        .annotate(n=Count("id"))
        .values_list("community_code", "kind", "n")
    ):
        if kind == OrgKind.GRID_BRANCH:
            per[code].branches_independent += n
        else:
            per[code].branches_joint += n
    # Grids are counted only where they fall in the places asked about (a grid worker: their grid).
    through = PartyOrganization.grids.through.objects.filter(
        partyorganization__in=branches, grid__in=Grid.objects.filter(q).values("pk")
    )
    for row in (
        through.filter(partyorganization__kind=OrgKind.JOINT_BRANCH)
        .values("partyorganization__community_code")
        .annotate(n=Count("grid_id", distinct=True))
    ):
        per[row["partyorganization__community_code"]].grids_in_joint_branches = row["n"]
    for row in (
        through.filter(grid__kind=GridKind.RESIDENTIAL)
        .values("grid__community_code")
        .annotate(n=Count("grid_id", distinct=True))
    ):
        per[row["grid__community_code"]].residential_grids_covered = row["n"]
    for code, n in (
        Grid.objects.filter(q, kind=GridKind.RESIDENTIAL)
        .values_list("community_code")
        .annotate(n=Count("id"))
        .values_list("community_code", "n")
    ):
        per[code].residential_grids = n
    total = Coverage()
    for c in per.values():
        for k, v in c.__dict__.items():
            setattr(total, k, getattr(total, k) + v)
    return total, dict(sorted(per.items()))


__all__ = [
    "BranchProposal",
    "Coverage",
    "branch_layout_apply",
    "branch_layout_propose",
    "community_member_add",
    "community_members_add_bulk",
    "coverage_for_actor",
    "member_list_for_actor",
    "org_list_for_actor",
]
