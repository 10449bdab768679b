"""Party organisations (街道党工委 → 社区党委 → 网格党支部/联合党支部 → 楼院党小组), community-managed
members, and the computed grid-branch layout of a community.

Each service writes in one transaction, asks ``gongzhi.party.permissions`` (a forbidden object looks
missing; ``actor=None`` is the system: the demo generator, management commands) and leaves one audit row.
Reads are in ``gongzhi.party.selectors.organizations``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.party.enums import BRANCH_KINDS, MemberKind, OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.party.services.branches import Layout, compute_layout
from gongzhi.people.models import Person
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


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
    require(actor, "party.add_partyorganization", sub)
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
    require(actor, "party.add_partyorganization", community)
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
    require(actor, "party.add_partyorganization", branch)
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
    require(actor, "party.change_partyorganization", org)
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
    require(actor, "party.add_partymember", person)
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
    require(actor, "party.add_partymember", community)
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
    require(actor, "party.change_partymember", member)
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
    ``gongzhi.party.services.branches`` for the rule. Reads only; the caller has already checked scope."""
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
    require(actor, "party.apply_branchlayout", community)
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
