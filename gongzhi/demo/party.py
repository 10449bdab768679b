"""Community-managed party members for the demo district, placed so that the grid-branch rule
(``gongzhi.party.services.branches``) lays out branches the way seed 001 describes the district.

Each community's residential grids are the first cells of its lattice (``layout.cells``), numbered west
to east, north to south: with 5 columns, grids 1–5 are the first row and 6–10 the second; with 4 columns,
1–4, 5–8 and 9 below 5. A pattern gives each residential grid, in code order, a member count:
``S`` a small grid (1 member; the rule groups small neighbours into joint branches), ``L`` a grid with
enough members for its own branch, ``0`` a grid with no members.
"""

from __future__ import annotations

import random
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.core.roles import Role
from gongzhi.party.services.branches import MIN_MEMBERS
from gongzhi.party.services.members import BulkTransferIn, transfer_batch_accept, transfers_in_bulk_record
from gongzhi.party.services.organizations import branch_layout_apply, community_members_add_bulk
from gongzhi.people.models import Person
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid

# 5 columns, 10 grids: two rows of small grids at the ends (1-2-3 and 8-9-10), the middle on its own.
FIVE_COLUMNS_TWO_JOINT = "SSSLLLLSSS"
# 4 columns, 9 grids: 1-2-3 along the first row, 6-7-8 along the second.
TWO_JOINT = "SSSLLSSSL"
ONE_JOINT = "SSSLLLLLL"
# Grid 9 (below grid 5) is small but its only neighbour has its own branch: it joins the nearest joint.
ONE_JOINT_STRAY = "SSSLLLLLS"
# Grid 8 has no party member living there.
ONE_JOINT_EMPTY = "SSSLLLL0L"


def patterns() -> list[str]:
    """One pattern per community, in layout order (the first three have 10 residential grids)."""
    return (
        [FIVE_COLUMNS_TWO_JOINT] * 3
        + [TWO_JOINT] * 4
        + [ONE_JOINT_STRAY]
        + [ONE_JOINT_EMPTY] * 6
        + [ONE_JOINT] * 2
    )


def member_counts(pattern: str, rng: random.Random) -> list[int]:
    out = []
    for ch in pattern:
        if ch == "S":
            out.append(1)
        elif ch == "L":
            out.append(rng.randint(MIN_MEMBERS, MIN_MEMBERS + 3))
        else:
            out.append(0)
    return out


def _pick(persons: list[tuple[int, object]], n: int, rng: random.Random) -> list[int]:
    """Adults first (18 or over by birth date), then anyone living there."""
    import datetime as dt

    cutoff = dt.date.today().replace(year=dt.date.today().year - 18)
    adults = [pk for pk, birth in persons if birth is not None and birth <= cutoff]  # type: ignore[operator]
    others = [pk for pk, birth in persons if pk not in set(adults)]
    rng.shuffle(adults)
    chosen = (adults + others)[:n]
    if len(chosen) < n:
        raise RuntimeError(f"网格人口不足以安排{n}名党员")
    return chosen


# Seed 001: in 2019 the members of 40 dissolved enterprise party organisations were transferred to the
# communities where they live. They live in grids that already have their own branch (``L``), so the
# branch layout stays the one above: 13 per such grid at full scale (71 × 13 = 923), fewer where the
# demo's population is small.
TRANSFERRED_PER_LARGE_GRID = 13
DISSOLVED_ORGS = 40
_ENTERPRISES = (
    "化肥厂",
    "纺织厂",
    "机械厂",
    "造纸厂",
    "酿酒厂",
    "农机站",
    "供销社",
    "食品厂",
    "印刷厂",
    "水泥厂",
    "砖瓦厂",
    "棉纺厂",
    "电机厂",
    "化工厂",
    "轴承厂",
    "面粉厂",
    "建材厂",
    "塑料厂",
    "油脂厂",
    "玻璃厂",
)


def dissolved_org_names() -> list[str]:
    """The 40 dissolved enterprise party organisations (县属企业改制撤销)."""
    out = [f"济阳县{e}党支部" for e in _ENTERPRISES]
    out += [f"济阳县第二{e}党支部" for e in _ENTERPRISES]
    return out[:DISSOLVED_ORGS]


def _transfer_in_dissolved(
    seeder: Any,
    community: Community,
    index: int,
    candidates: list[list[int]],
    recorder: User | None,
    acceptor: User | None,
    rng: random.Random,
) -> int:
    """The community's share of the 40 organisations (``index``, +16, +32), its members spread over them;
    each organisation's members recorded by the district and accepted by the community's secretary."""
    import datetime as dt

    names = dissolved_org_names()
    mine = [i for i in (index, index + 16, index + 32) if i < len(names)]
    chosen: list[int] = []
    for pool in candidates:
        chosen += pool[:TRANSFERRED_PER_LARGE_GRID]
    groups: dict[int, list[int]] = {i: [] for i in mine}
    for n, pk in enumerate(chosen):
        groups[mine[n % len(mine)]].append(pk)
    moved = 0
    for i, person_ids in groups.items():
        if not person_ids:
            continue
        on = dt.date(2019, 3 + i % 9, 1 + (i * 7) % 27)
        batch = transfers_in_bulk_record(
            actor=recorder,
            community_id=community.pk,
            data=BulkTransferIn(
                other_org_name=names[i],
                transferred_on=on,
                letter_number=f"济阳组转〔2019〕{i + 1:02d}号",
                person_ids=person_ids,
            ),
        )
        moved += transfer_batch_accept(actor=acceptor, batch=batch)
    return moved


def place_community_members(seeder: Any) -> int:
    """Registers community-managed members in every demo community (one bulk service call each, as its
    community secretary), then applies the computed branch layout there. Returns the member count."""
    rng = random.Random(seeder.seed * 31 + 5)
    communities = list(Community.objects.order_by("code"))
    plans = patterns()
    if len(communities) != len(plans):
        raise RuntimeError("演示社区数与党员分布方案不符")
    total = 0
    admin = User.objects.filter(username="admin").first()  # the district's organisation work records them
    for community, pattern in zip(communities, plans, strict=True):
        grids = list(Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL).order_by("code"))
        if len(grids) != len(pattern):
            raise RuntimeError(f"{community.name}的居民网格数与党员分布方案不符")
        by_grid: dict[int, list[tuple[int, object]]] = {g.pk: [] for g in grids}
        for pk, grid_id, birth in (
            Person.objects.filter(community_code=community.code, household__grid_id__in=list(by_grid))
            .values_list("pk", "household__grid_id", "birth_date")
            .order_by("pk")
        ):
            by_grid[grid_id].append((pk, birth))
        person_ids: list[int] = []
        transfer_pools: list[list[int]] = []
        for grid, n in zip(grids, member_counts(pattern, rng), strict=True):
            if n:
                picked = _pick(by_grid[grid.pk], n, rng)
                person_ids += picked
                if n >= MIN_MEMBERS:  # a grid with its own branch: transferred members live here too
                    taken = set(picked)
                    transfer_pools.append(_adults(by_grid[grid.pk], taken, rng))
        secretary = User.objects.filter(
            role_assignments__role=Role.COMMUNITY_SECRETARY,
            role_assignments__place_code=community.code,
            role_assignments__active=True,
        ).first()
        total += community_members_add_bulk(actor=secretary, community_id=community.pk, person_ids=person_ids)
        total += _transfer_in_dissolved(
            seeder, community, communities.index(community), transfer_pools, admin, secretary, rng
        )
        branch_layout_apply(actor=secretary, community_id=community.pk)
    return total


def _adults(persons: list[tuple[int, object]], taken: set[int], rng: random.Random) -> list[int]:
    """The grid's adults (18 or over) not already members, shuffled."""
    import datetime as dt

    cutoff = dt.date.today().replace(year=dt.date.today().year - 18)
    out = [pk for pk, birth in persons if pk not in taken and birth is not None and birth <= cutoff]  # type: ignore[operator]
    rng.shuffle(out)
    return out
