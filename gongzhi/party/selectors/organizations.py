"""Reads of party organisations and members with the actor's scope (the staff who work in a place,
core.roles.POPULATION_ROLES), and the grid-branch coverage figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import BRANCH_KINDS, MemberStatus, OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _orgs_touching(q: Q) -> QuerySet[PartyOrganization]:
    """Organisations placed in the places ``q`` selects, or covering one of its grids: a grid worker's
    scope is a grid, and a branch sits at its community with its grids listed, not at a grid code."""
    grid_ids = Grid.objects.filter(q).values("pk")
    ids = PartyOrganization.objects.filter(q | Q(grids__in=grid_ids)).values_list("pk", flat=True).distinct()
    return PartyOrganization.objects.filter(pk__in=ids)


def org_list_for_actor(*, actor: Actor | None, include_inactive: bool = False) -> QuerySet[PartyOrganization]:
    scope = scope_of(actor)
    qs = _orgs_touching(scope.place_q(POPULATION_ROLES))
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
        PartyMember.objects.filter(organization_id__in=ids, status=MemberStatus.ACTIVE)
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


def org_tree_for_actor(*, actor: Actor | None) -> list[dict[str, Any]]:
    """The scoped tree, depth-first (parents before children), each row with its ``depth``.
    Parents outside the actor's scope are left out; their children become roots."""
    rows = org_rows(org_list_for_actor(actor=actor))
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


def org_community_get_for_actor(*, actor: Actor | None, code: str) -> Community:
    """A community whose party organisations the actor reads (by its code); missing or outside: 404."""
    community = Community.objects.select_related("subdistrict").filter(code=code).first()
    if community is None or not scope_of(actor).covers(community, POPULATION_ROLES):
        raise NotFound()
    return community


def party_member_list_for_actor(*, actor: Actor | None, community_code: str = "") -> QuerySet[PartyMember]:
    qs = PartyMember.objects.filter(scope_of(actor).place_q(POPULATION_ROLES)).select_related("organization")
    if community_code:
        qs = qs.filter(community_code=community_code)
    return qs.order_by("community_code", "grid_code", "name", "id")


MEMBER_PAGE = 100


def _member_search_q(qs: QuerySet[PartyMember], q: str) -> Q:
    """Name (contains), pinyin or initials (prefix: zhangw, zw), or the last 4 digits of the phone."""
    from gongzhi.core import pinyin

    q = q.strip()[:30]
    if q.isdigit() and len(q) == 4:
        return Q(phone_masked__endswith=q)
    if q.isascii() and q.isalpha():
        low = q.lower()
        names = [
            n
            for n in qs.order_by().values_list("name", flat=True).distinct()[:20000]
            if any(k.startswith(low) for k in pinyin.keys(n))
        ]
        return Q(name__in=names)
    return Q(name__contains=q)


def party_member_page_for_actor(
    *,
    actor: Actor | None,
    q: str = "",
    organization_id: int | None = None,
    kind: str = "",
    grid_code: str = "",
    community_code: str = "",
    status: str = "",
    after: int | None = None,
    limit: int = MEMBER_PAGE,
) -> tuple[list[PartyMember], int, int | None]:
    """One page of the scoped members (keyset by id: the page after ``after``), the filtered count and the
    id to continue after (None on the last page). Search: name, pinyin/initials, phone's last 4; filters:
    organisation, kind, grid, community, status. In-service members come with their unit's paired grid
    (帮包网格) and the grid their registration was assigned (``paired_grid_name``)."""
    from gongzhi.party.enums import MemberKind, RegistrationStatus
    from gongzhi.party.models import MemberRegistration

    qs = PartyMember.objects.filter(scope_of(actor).place_q(POPULATION_ROLES))
    if q.strip():
        qs = qs.filter(_member_search_q(qs, q))
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if kind in MemberKind.values:
        qs = qs.filter(kind=kind)
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if status in MemberStatus.values:
        qs = qs.filter(status=status)
    count = qs.count()
    page_qs = qs.select_related("organization", "unit", "unit__paired_grid").order_by("id")
    if after:
        page_qs = page_qs.filter(id__gt=after)
    rows = list(page_qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    in_service = [m.pk for m in rows if m.kind == MemberKind.IN_SERVICE]
    assigned: dict[int, str] = {}
    if in_service:
        for member_id, name in (
            MemberRegistration.objects.filter(member_id__in=in_service, status=RegistrationStatus.ACCEPTED)
            .exclude(grid__isnull=True)
            .order_by("id")
            .values_list("member_id", "grid__name")
        ):
            assigned[member_id] = name
    grid_names = dict(
        Grid.objects.filter(code__in={m.grid_code for m in rows if m.grid_code}).values_list("code", "name")
    )
    for m in rows:
        paired = m.unit.paired_grid.name if m.unit and m.unit.paired_grid else ""
        m.paired_grid_name = assigned.get(m.pk) or paired  # type: ignore[attr-defined]
        m.grid_name = grid_names.get(m.grid_code, "")  # type: ignore[attr-defined]
        if m.kind == MemberKind.IN_SERVICE:
            m.org_label = m.workplace_org or (m.unit.party_org_name if m.unit else "")  # type: ignore[attr-defined]
        else:
            m.org_label = m.organization.name if m.organization else ""  # type: ignore[attr-defined]
    return rows, count, rows[-1].pk if more and rows else None


def member_get_for_actor(*, actor: Actor | None, member_id: int) -> PartyMember:
    """A member in the actor's scope (the staff of the place), or 404."""
    member = (
        PartyMember.objects.filter(scope_of(actor).place_q(POPULATION_ROLES), pk=member_id)
        .select_related("organization", "person", "unit")
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def transfer_list_for_actor(*, actor: Actor | None, status: str = "", limit: int = 200) -> list[Any]:
    from gongzhi.party.models import MemberTransfer

    qs = MemberTransfer.objects.filter(scope_of(actor).place_q(POPULATION_ROLES)).select_related(
        "recorded_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-id")[:limit])


def transfer_batches_pending_for_actor(*, actor: Actor | None) -> list[dict[str, Any]]:
    """Pending bulk transfers in, one line per batch: the organisation, letter, date and how many."""
    from gongzhi.party.models import MemberTransfer

    return list(
        MemberTransfer.objects.filter(scope_of(actor).place_q(POPULATION_ROLES), status="pending")
        .exclude(batch="")
        .values(
            "batch", "other_org_name", "letter_number", "transferred_on", "community_code", "recorded_by_id"
        )
        .annotate(n=Count("id"))
        .order_by("batch")
    )


@dataclass
class Coverage:
    branches_independent: int = 0
    branches_joint: int = 0
    grids_in_joint_branches: int = 0
    residential_grids: int = 0
    residential_grids_covered: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def branch_coverage_for_actor(*, actor: Actor | None) -> tuple[Coverage, dict[str, Coverage]]:
    """Coverage figures over the actor's scope (total, and per community code), from the records."""
    return branch_coverage(scope_of(actor).place_q(POPULATION_ROLES))


def branch_coverage(q: Q) -> tuple[Coverage, dict[str, Coverage]]:
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


def community_member_counts() -> dict[str, int]:
    """District figures from the records: community-managed members on the register, and memberships
    transferred in and accepted (all time)."""
    from gongzhi.party.enums import MemberKind, TransferDirection, TransferStatus
    from gongzhi.party.models import MemberTransfer

    return {
        "members_community_managed": PartyMember.objects.filter(
            kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE
        ).count(),
        "transfers_in": MemberTransfer.objects.filter(
            direction=TransferDirection.IN, status=TransferStatus.ACCEPTED
        ).count(),
    }
