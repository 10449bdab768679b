"""The grid-branch layout of one community, computed from where its community-managed members live.

Pure: it takes grid codes, shapes and member counts and knows nothing about the database, so the rule
can be checked on hand-made cases and on the demo layout alike. ``services.organizations.branch_layout_propose``
feeds it from the database.

The rule (seed 001: 网格党支部 where a grid has enough members, 联合党支部 where it has not):

1. A residential grid with ``MIN_MEMBERS`` (3) or more members gets its own grid branch (独立支部).
2. Grids with 1–2 members ("small grids") are grouped greedily, in grid-code order: the lowest-code
   unassigned small grid starts a group; while the group has fewer than 3 members, the lowest-code
   unassigned small grid that *shares a boundary* with any grid of the group joins it. A shared edge
   counts; a single shared corner point does not. Only grids of the same community are candidates
   (the caller passes one community's grids). A group reaching 3 members becomes a joint branch.
3. A group that cannot reach 3 — its whole connected remainder of small grids is too small — is a
   leftover. Leftovers, in the order they were started, join the *nearest* joint branch formed in
   step 2 (smallest centroid distance from any grid of the leftover to any grid of the branch; ties go
   to the branch whose first grid has the lowest code). With no joint branch in the community the
   leftover's grids stay uncovered.
4. A grid with no members stays uncovered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

MIN_MEMBERS = 3


@dataclass
class ProposedBranch:
    kind: str  # "grid_branch" | "joint_branch"
    grid_codes: list[str]
    members: int

    @property
    def first_code(self) -> str:
        return self.grid_codes[0]


@dataclass
class Layout:
    branches: list[ProposedBranch] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)  # residential grids left without a branch

    @property
    def independent(self) -> list[ProposedBranch]:
        return [b for b in self.branches if b.kind == "grid_branch"]

    @property
    def joint(self) -> list[ProposedBranch]:
        return [b for b in self.branches if b.kind == "joint_branch"]

    @property
    def grids_in_joint(self) -> int:
        return sum(len(b.grid_codes) for b in self.joint)

    @property
    def covered(self) -> int:
        return sum(len(b.grid_codes) for b in self.branches)


def _touch(a: BaseGeometry, b: BaseGeometry) -> bool:
    """Neighbours share a stretch of boundary; a shared corner point (or nothing) is not enough."""
    if not a.intersects(b):
        return False
    inter = a.intersection(b)
    return inter.length > 0 or inter.area > 0


def compute_layout(
    grids: Mapping[str, Any], members: Mapping[str, int], *, min_members: int = MIN_MEMBERS
) -> Layout:
    """``grids``: residential grid code → GeoJSON boundary (or a shapely geometry; None if unknown);
    ``members``: grid code → number of community-managed members living there."""
    codes = sorted(grids)
    geoms: dict[str, BaseGeometry | None] = {}
    for code in codes:
        g = grids[code]
        geoms[code] = g if (g is None or isinstance(g, BaseGeometry)) else shape(g)
    layout = Layout()
    small = [c for c in codes if 0 < members.get(c, 0) < min_members]
    for code in codes:
        n = members.get(code, 0)
        if n >= min_members:
            layout.branches.append(ProposedBranch("grid_branch", [code], n))
        elif n <= 0:
            layout.uncovered.append(code)

    neighbours: dict[str, list[str]] = {c: [] for c in small}
    for i, a in enumerate(small):
        ga = geoms[a]
        if ga is None:
            continue
        for b in small[i + 1 :]:
            gb = geoms[b]
            if gb is not None and _touch(ga, gb):
                neighbours[a].append(b)
                neighbours[b].append(a)

    assigned: set[str] = set()
    joint: list[ProposedBranch] = []
    leftovers: list[list[str]] = []
    for seed in small:
        if seed in assigned:
            continue
        group, total = [seed], members[seed]
        assigned.add(seed)
        while total < min_members:
            candidates = sorted({n for g in group for n in neighbours[g] if n not in assigned})
            if not candidates:
                break
            nxt = candidates[0]
            group.append(nxt)
            assigned.add(nxt)
            total += members[nxt]
        if total >= min_members:
            joint.append(ProposedBranch("joint_branch", sorted(group), total))
        else:
            leftovers.append(group)

    for group in leftovers:
        best: tuple[float, str] | None = None
        target: ProposedBranch | None = None
        for branch in joint:
            d = _distance(geoms, group, branch.grid_codes)
            if d is None:
                continue
            if best is None or (d, branch.first_code) < best:
                best, target = (d, branch.first_code), branch
        if target is None:
            layout.uncovered.extend(group)
            continue
        target.grid_codes = sorted([*target.grid_codes, *group])
        target.members += sum(members[c] for c in group)

    layout.branches.extend(joint)
    layout.branches.sort(key=lambda b: b.first_code)
    layout.uncovered.sort()
    return layout


def _distance(geoms: Mapping[str, BaseGeometry | None], a: list[str], b: list[str]) -> float | None:
    best: float | None = None
    for x in a:
        gx = geoms.get(x)
        if gx is None:
            continue
        cx = shapely.centroid(gx)
        for y in b:
            gy = geoms.get(y)
            if gy is None:
                continue
            d = float(cx.distance(shapely.centroid(gy)))
            if best is None or d < best:
                best = d
    return best
