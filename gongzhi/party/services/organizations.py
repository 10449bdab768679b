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
from django.db.models import Count, F, Q
from django.utils.translation import gettext, gettext_noop

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.permissions import require
from gongzhi.party.enums import BRANCH_KINDS, OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.party.services.branches import Layout, compute_layout
from gongzhi.party.services.community_members import (  # the members' services, re-exported ("as")
    active_community_members,
    members_living_in,
)
from gongzhi.party.services.community_members import (
    community_member_add as community_member_add,
)
from gongzhi.party.services.community_members import (
    community_members_add_bulk as community_members_add_bulk,
)
from gongzhi.party.services.community_members import (
    member_set_hub_household as member_set_hub_household,
)
from gongzhi.party.services.tree import (  # the tree's services, re-exported ("as")
    _ensure_tree,
    _new_org,
)
from gongzhi.party.services.tree import (
    building_group_create as building_group_create,
)
from gongzhi.party.services.tree import (
    community_committee_create as community_committee_create,
)
from gongzhi.party.services.tree import (
    estate_branch_create as estate_branch_create,
)
from gongzhi.party.services.tree import (
    org_rename as org_rename,
)
from gongzhi.party.services.tree import (
    org_set_secretary as org_set_secretary,
)
from gongzhi.party.services.tree import (
    org_update as org_update,
)
from gongzhi.party.services.tree import (
    working_committee_create as working_committee_create,
)
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


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
        members_living_in(community.code)
        .exclude(live_grid="")
        .values_list("live_grid")
        .annotate(n=Count("id"))
        .values_list("live_grid", "n")
    )
    layout = compute_layout({code: boundary for code, _n, boundary in grids}, counts)
    return BranchProposal(
        community_code=community.code,
        community_name=community.name,
        layout=layout,
        members_by_grid={code: counts.get(code, 0) for code, _n, _b in grids},
        grid_names={code: name for code, name, _b in grids},
    )


def _branches_in_force(
    community_code: str, *, lock: bool = False
) -> list[tuple[PartyOrganization, list[str]]]:
    """The community's active grid and joint branches with their grid codes, by first grid code."""
    qs = PartyOrganization.objects.filter(community_code=community_code, kind__in=BRANCH_KINDS, active=True)
    if lock:
        qs = qs.select_for_update()
    orgs = {o.pk: o for o in qs}
    codes: dict[int, list[str]] = defaultdict(list)
    for org_id, code in (
        PartyOrganization.grids.through.objects.filter(partyorganization_id__in=list(orgs))
        .values_list("partyorganization_id", "grid__code")
        .order_by("grid__code")
    ):
        codes[org_id].append(code)
    out = [(o, codes.get(o.pk, [])) for o in orgs.values()]
    out.sort(key=lambda pair: (pair[1][0] if pair[1] else "~", pair[0].pk))
    return out


@dataclass
class BranchChange:
    """One line of the diff between the branches in force and the proposal."""

    change: str  # unchanged | new | merged | split | changed | dissolved
    kind: str
    name: str
    grid_codes: list[str]
    members: int = 0
    org_id: int | None = None  # the branch in force it is (unchanged) or that is dissolved
    from_names: list[str] = field(default_factory=list)  # the branches in force it comes from

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


CHANGE_LABELS = {
    "unchanged": gettext_noop("保持不变"),
    "new": gettext_noop("新设"),
    "merged": gettext_noop("合并"),
    "split": gettext_noop("拆分"),
    "changed": gettext_noop("调整"),
    "dissolved": gettext_noop("撤销"),
}


@dataclass
class BranchDiff:
    """What applying the proposal changes: each proposed branch against the branches in force, the
    branches in force that end, and the members whose branch changes (``members_moving`` capped)."""

    changes: list[BranchChange]
    dissolved: list[BranchChange]
    members_moving: list[dict[str, Any]]
    members_moving_count: int
    fingerprint: str

    @property
    def changed(self) -> bool:
        return bool(self.dissolved or self.members_moving_count) or any(
            c.change != "unchanged" for c in self.changes
        )

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CHANGE_LABELS, 0)
        for c in [*self.changes, *self.dissolved]:
            out[c.change] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "counts": self.counts(),
            "branches": [c.as_dict() for c in self.changes],
            "dissolved": [c.as_dict() for c in self.dissolved],
            "members_moving": self.members_moving,
            "members_moving_count": self.members_moving_count,
            "fingerprint": self.fingerprint,
        }


MOVES_SHOWN = 500


def branch_layout_diff(*, community_id: int, proposal: BranchProposal | None = None) -> BranchDiff:
    """The proposal against the branches in force. A proposed branch with the same kind and grids as one
    in force is unchanged (applying keeps it, its secretary and its party groups); one whose grids no
    branch covered is new; one taking grids of two or more branches merges them; a branch whose grids go
    to two or more proposed branches is split; a branch none of whose grids has a proposed branch is
    dissolved; the rest are changed (grids added or taken away). Reads only."""
    import hashlib
    import json

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    proposal = proposal or branch_layout_propose(community_id=community.pk)
    in_force = _branches_in_force(community.code)
    org_of_grid = {code: org for org, codes in in_force for code in codes}
    proposed_of_grid = {code: b for b in proposal.layout.branches for code in b.grid_codes}
    split_orgs = {
        org.pk
        for org, codes in in_force
        if len({id(proposed_of_grid[c]) for c in codes if c in proposed_of_grid}) >= 2
    }
    changes: list[BranchChange] = []
    new_name_of_grid: dict[str, str] = {}
    for b in proposal.layout.branches:
        sources: list[PartyOrganization] = []
        for c in b.grid_codes:
            org = org_of_grid.get(c)
            if org is not None and org not in sources:
                sources.append(org)
        same = next(
            (o for o, codes in in_force if o.kind == b.kind and codes == b.grid_codes),
            None,
        )
        name = (
            same.name
            if same
            else branch_name(proposal.community_name, b.kind, b.grid_codes, proposal.grid_names)
        )
        if same is not None:
            change = "unchanged"
        elif not sources:
            change = "new"
        elif len(sources) >= 2:
            change = "merged"
        elif sources[0].pk in split_orgs:
            change = "split"
        else:
            change = "changed"
        changes.append(
            BranchChange(
                change=change,
                kind=b.kind,
                name=name,
                grid_codes=list(b.grid_codes),
                members=b.members,
                org_id=same.pk if same else None,
                from_names=[o.name for o in sources] if same is None else [],
            )
        )
        for c in b.grid_codes:
            new_name_of_grid[c] = name
    dissolved = [
        BranchChange(change="dissolved", kind=o.kind, name=o.name, grid_codes=codes, org_id=o.pk)
        for o, codes in in_force
        if not any(c in proposed_of_grid for c in codes)
    ]
    # grid → (the kept branch's id or None, the branch's name or "" for none)
    target_of_grid = {c: (ch.org_id, ch.name) for ch in changes for c in ch.grid_codes}
    moving: list[dict[str, Any]] = []
    count = 0
    living = (
        members_living_in(community.code).select_related("organization").order_by("live_grid", "name", "id")
    )
    for m in living.iterator(chunk_size=2000):
        kept_id, new_name = target_of_grid.get(m.live_grid, (None, ""))
        old = m.organization
        if _keeps_own_org(old, kept_id):
            continue
        in_branch = old is not None and old.kind in BRANCH_KINDS and old.active
        if kept_id is not None:
            moves = m.organization_id != kept_id
        elif new_name:
            moves = True
        else:
            moves = in_branch
        if not moves:
            continue
        count += 1
        if len(moving) < MOVES_SHOWN:
            moving.append(
                {
                    "member_id": m.pk,
                    "name": m.name,
                    "from_grid": m.grid_code,
                    "to_grid": m.live_grid,
                    "from": old.name if in_branch and old is not None else "",
                    "to": new_name,
                    "left_community": False,
                }
            )
    left = (
        active_community_members()
        .filter(community_code=community.code, person__isnull=False)
        .exclude(person__community_code=community.code)
        .select_related("organization", "person")
        .order_by("name", "id")
    )
    for m in left.iterator(chunk_size=2000):
        count += 1
        if len(moving) < MOVES_SHOWN:
            moving.append(
                {
                    "member_id": m.pk,
                    "name": m.name,
                    "from_grid": m.grid_code,
                    "to_grid": m.person.grid_code if m.person else "",
                    "from": m.organization.name if m.organization_id and m.organization else "",
                    "to": "",
                    "left_community": True,
                }
            )
    plan = {
        "branches": [(c.kind, c.grid_codes, c.org_id) for c in changes],
        "dissolved": [c.org_id for c in dissolved],
        "moving": count,
        "members": proposal.members_by_grid,
    }
    fingerprint = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:16]
    return BranchDiff(changes, dissolved, moving, count, fingerprint)


@transaction.atomic
def branch_layout_apply(
    *, actor: Actor | None, community_id: int, fingerprint: str = ""
) -> list[PartyOrganization]:
    """Puts the proposal in force: branches whose kind and grids are unchanged are kept (with their
    secretary and party groups); the other branches in force are deactivated (kept for history) with
    their party groups, new ones created under the community committee; every community-managed member
    living in the community moves to the branch of the grid they live in (or to none), their place
    codes following their resident record; members who moved out of the community leave its branches.
    ``fingerprint`` (optional): the diff the secretary saw (``BranchDiff.fingerprint``); when the members
    changed since, nothing is applied and a 409 asks to look again. Returns the branches in force."""
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
    diff = branch_layout_diff(community_id=community.pk, proposal=proposal)
    if fingerprint and fingerprint != diff.fingerprint:
        raise ApplicationError(
            gettext("党员分布已变化，支部设置建议已更新，请重新查看后再应用"),
            code="stale_proposal",
            status=409,
        )
    committee, created_tree = _ensure_tree(community)
    in_force = _branches_in_force(community.code, lock=True)
    kept_ids = {c.org_id for c in diff.changes if c.org_id}
    old_ids = [o.pk for o, _codes in in_force if o.pk not in kept_ids]
    if old_ids:
        PartyOrganization.objects.filter(pk__in=old_ids).update(active=False)
        # Building groups hang under a branch; they go with it.
        PartyOrganization.objects.filter(parent_id__in=old_ids, active=True).update(active=False)
    grids = {g.code: g for g in Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL)}
    kept = {o.pk: o for o, _codes in in_force if o.pk in kept_ids}
    result: list[PartyOrganization] = []
    created: list[PartyOrganization] = []
    branch_of_grid: dict[str, int] = {}
    for c in diff.changes:
        if c.org_id is not None:
            org = kept[c.org_id]
        else:
            org = _new_org(
                kind=c.kind,
                name=c.name,
                parent=committee,
                grid_code=c.grid_codes[0] if c.kind == OrgKind.GRID_BRANCH else "",
                community_code=community.code,
            )
            org.grids.set([grids[g] for g in c.grid_codes])
            created.append(org)
        result.append(org)
        for g in c.grid_codes:
            branch_of_grid[g] = org.pk
    _sync_member_places(community.code)
    branch_ids = [o.pk for o, _codes in in_force] + [o.pk for o in created]
    members = active_community_members().filter(community_code=community.code)
    by_org: dict[int | None, list[str]] = defaultdict(list)
    for code in members.values_list("grid_code", flat=True).distinct():
        by_org[branch_of_grid.get(code)].append(code)
    for org_id, codes in by_org.items():
        target = members.filter(grid_code__in=codes).exclude(
            organization__kind=OrgKind.ESTATE_BRANCH, organization__active=True
        )
        if org_id is not None:
            target = target.exclude(organization__parent_id=org_id, organization__active=True)
        if org_id is None:  # no branch for the grid: off the old branches, other organisations kept
            target.filter(organization_id__in=branch_ids).update(organization_id=None)
        else:
            target.exclude(organization_id=org_id).update(organization_id=org_id)
    # Members who moved away: off this community's branches (the new community's layout places them).
    active_community_members().filter(organization_id__in=branch_ids).exclude(
        community_code=community.code
    ).update(organization_id=None)
    audit_record(
        actor=actor,
        target=community,
        event="party.branch_layout_applied",
        data={
            "deactivated": old_ids,
            "kept": sorted(kept_ids),
            "created_tree": created_tree,
            "changes": diff.counts(),
            "members_moving": diff.members_moving_count,
            **{k: v for k, v in proposal.as_dict().items() if k not in ("community_code", "community_name")},
        },
    )
    return result


def _keeps_own_org(org: PartyOrganization | None, branch_id: int | None) -> bool:
    """A member of a 小区党支部, or of a party group under the branch they stay in, keeps that organisation
    when the grid branches are laid out."""
    if org is None or not org.active:
        return False
    if org.kind == OrgKind.ESTATE_BRANCH:
        return True
    return org.kind == OrgKind.BUILDING_GROUP and branch_id is not None and org.parent_id == branch_id


def _sync_member_places(community_code: str) -> None:
    """Community-managed members registered in, or living in, the community take the place codes of their
    resident record (the grid follows from the household)."""
    members = (
        active_community_members()
        .filter(Q(community_code=community_code) | Q(person__community_code=community_code))
        .filter(person__isnull=False)
        .exclude(grid_code=F("person__grid_code"))
        .exclude(person__grid_code="")
        .select_related("person")
    )
    stale = list(members)
    for m in stale:
        assert m.person is not None
        m.set_place_codes(grid_code=m.person.grid_code)
    if stale:
        PartyMember.objects.bulk_update(
            stale, ["district_code", "subdistrict_code", "community_code", "grid_code"], batch_size=500
        )
