"""Matching needs with resources: the fit of one pair, ranked suggestions for one need, and the yearly
plan (碰头配对) for all open needs against all resources at once.

Pure computation on plain values (no database), so the services, the console and ``bench/`` share it.

Fit (0–100) of a need and a resource:
- category / skill fit (50): the resource serves the need's category (1.0), or is a general service
  that can take anything (0.5); otherwise the pair is no candidate;
- distance (30): the same community scores 1.0; otherwise the straight-line distance against the
  resource's service radius (1.0 at the door, 0.3 at the edge); outside the radius no candidate;
- schedule (20): the share of the need's time slots that the resource also offers; a need or resource
  without slots (goods, funds) overlaps fully; slots given on both sides but none shared: no candidate.

The yearly plan is a bipartite b-matching: each need takes at most one resource, each resource at most
its remaining capacity, and the sum of the fits is maximised. The constraint matrix is the incidence
matrix of a bipartite graph, which is totally unimodular, so the optimum of the LP relaxation solved by
HiGHS (a vertex of the polytope) is integral; rows are read back with a 0.5 threshold.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext


def gettext_noop(message: str) -> str:
    """Marks a string for the catalogue (makemessages knows the name). Django's own reads its settings,
    and this module is imported without them (bench/cobuild_plan.py, run by ``make bench-quick``)."""
    return message


GENERAL = "general"
W_CATEGORY, W_DISTANCE, W_SCHEDULE = 50.0, 30.0, 20.0
# Candidate edges kept per need in the yearly plan: the best ones by fit. Enough for the plan to route
# around contested resources while the LP stays small at district scale.
PLAN_CANDIDATES_PER_NEED = 24

# Time slots: 7 weekdays × (上午, 下午, 晚上) as a 21-bit mask; bit = day * 3 + period (Monday = 0).
DAYS = (
    gettext_noop("周一"),
    gettext_noop("周二"),
    gettext_noop("周三"),
    gettext_noop("周四"),
    gettext_noop("周五"),
    gettext_noop("周六"),
    gettext_noop("周日"),
)
PERIODS = (gettext_noop("上午"), gettext_noop("下午"), gettext_noop("晚上"))
ALL_SLOTS = (1 << 21) - 1


def slot_bit(day: int, period: int) -> int:
    return 1 << (day * 3 + period)


def mask_of(slots: list[tuple[int, int]]) -> int:
    out = 0
    for day, period in slots:
        out |= slot_bit(day, period)
    return out


# "678": weekends (周六、周日) and after the 8 working hours (weekday evenings).
MASK_678 = mask_of([(d, p) for d in (5, 6) for p in range(3)] + [(d, 2) for d in range(5)])
WEEKDAY_DAYTIME = mask_of([(d, p) for d in range(5) for p in (0, 1)])


def describe_mask(mask: int) -> str:
    if not mask:
        return gettext("不限时间")
    if mask == ALL_SLOTS:
        return gettext("全天候")
    if mask == MASK_678:
        return gettext("“678”时段（周末及工作日晚上）")
    parts = []
    for d, day in enumerate(DAYS):
        periods = [gettext(PERIODS[p]) for p in range(3) if mask & slot_bit(d, p)]
        if periods:
            parts.append(
                gettext(day) + (gettext("全天") if len(periods) == 3 else gettext("、").join(periods))
            )
    return gettext("；").join(parts)


def popcount(mask: int) -> int:
    return bin(mask).count("1")


@dataclass(frozen=True)
class NeedPoint:
    id: int
    category: str
    community_code: str
    lng: float | None = None
    lat: float | None = None
    schedule: int = 0


@dataclass(frozen=True)
class ResourcePoint:
    id: int
    categories: frozenset[str]
    community_code: str
    lng: float | None = None
    lat: float | None = None
    radius_km: float = 3.0
    schedule: int = 0
    capacity: int = 1  # remaining: how many more needs it can take on
    area_communities: frozenset[str] = frozenset()  # serves these communities regardless of distance


@dataclass
class Fit:
    score: float
    reasons: list[str] = field(default_factory=list)


def distance_km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Equirectangular distance: exact enough inside a district, and cheap."""
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def fit(need: NeedPoint, res: ResourcePoint, category_label: str = "") -> Fit | None:
    """The fit of one pair with its reasons in Chinese; ``None`` when the resource cannot serve the need."""
    label = category_label or need.category
    if need.category in res.categories:
        cat, reasons = 1.0, [gettext("类别对口：能提供“%(label)s”") % {"label": label}]
    elif GENERAL in res.categories:
        cat, reasons = 0.5, [gettext("综合服务，可承接“%(label)s”") % {"label": label}]
    else:
        return None
    if need.community_code and (
        need.community_code == res.community_code or need.community_code in res.area_communities
    ):
        dist, where = 1.0, "服务本社区"
    elif None not in (need.lng, need.lat, res.lng, res.lat):
        km = distance_km(need.lng, need.lat, res.lng, res.lat)  # type: ignore[arg-type]
        if km > res.radius_km:
            return None
        dist = 1.0 - 0.7 * (km / res.radius_km) if res.radius_km > 0 else 1.0
        where = gettext("距离约%(km)s公里（服务半径%(radius)s公里）") % {
            "km": f"{km:.1f}",
            "radius": f"{res.radius_km:g}",
        }
    else:
        return None
    reasons.append(where)
    if not need.schedule or not res.schedule:
        sched, when = 1.0, gettext("时间不限")
    else:
        shared = popcount(need.schedule & res.schedule)
        if not shared:
            return None
        sched = shared / popcount(need.schedule)
        when = gettext("时间吻合%(shared)s/%(total)s个时段") % {
            "shared": shared,
            "total": popcount(need.schedule),
        }
    reasons.append(when)
    score = W_CATEGORY * cat + W_DISTANCE * dist + W_SCHEDULE * sched
    return Fit(round(score, 2), reasons)


@dataclass
class Suggestion:
    resource_id: int
    score: float
    reasons: list[str]


def suggestions(
    need: NeedPoint, resources: list[ResourcePoint], limit: int = 10, category_label: str = ""
) -> list[Suggestion]:
    """Resources that can serve ``need``, best first; a resource with no capacity left is no suggestion.
    Ties go to the resource with more capacity left, then the lower id."""
    out: list[tuple[float, int, int, Suggestion]] = []
    for res in resources:
        if res.capacity <= 0:
            continue
        f = fit(need, res, category_label)
        if f is None:
            continue
        f.reasons.append(gettext("剩余可承接%(n)s项") % {"n": res.capacity})
        out.append((-f.score, -res.capacity, res.id, Suggestion(res.id, f.score, f.reasons)))
    out.sort(key=lambda t: t[:3])
    return [s for *_k, s in out[:limit]]


# --- the yearly plan ------------------------------------------------------------------------------


@dataclass
class Edges:
    """Sparse candidate edges: parallel arrays of need index, resource index and fit."""

    need: np.ndarray
    res: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return int(self.weight.shape[0])


def _popcount_u32(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.uint32)
    a = a - ((a >> 1) & 0x55555555)
    a = (a & 0x33333333) + ((a >> 2) & 0x33333333)
    a = (a + (a >> 4)) & 0x0F0F0F0F
    return ((a * 0x01010101) & 0xFFFFFFFF) >> 24


def candidate_edges(
    needs: list[NeedPoint], resources: list[ResourcePoint], per_need: int = PLAN_CANDIDATES_PER_NEED
) -> Edges:
    """All pairs with a fit, computed by category block with numpy; the best ``per_need`` per need."""
    by_cat_res: dict[str, list[int]] = defaultdict(list)
    general: list[int] = []
    for j, r in enumerate(resources):
        if r.capacity <= 0:
            continue
        for c in r.categories:
            by_cat_res[c].append(j)
        if GENERAL in r.categories:
            general.append(j)
    by_cat_need: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(needs):
        by_cat_need[n.category].append(i)

    def arrays(objs: list, idx: list[int]) -> tuple[np.ndarray, ...]:
        lng = np.array([objs[k].lng if objs[k].lng is not None else np.nan for k in idx], dtype=float)
        lat = np.array([objs[k].lat if objs[k].lat is not None else np.nan for k in idx], dtype=float)
        sched = np.array([objs[k].schedule for k in idx], dtype=np.int64)
        return lng, lat, sched

    out_n: list[np.ndarray] = []
    out_r: list[np.ndarray] = []
    out_w: list[np.ndarray] = []
    for cat, need_idx in by_cat_need.items():
        exact = by_cat_res.get(cat, [])
        exact_set = set(exact)
        res_idx = exact + [j for j in general if j not in exact_set]
        if not res_idx:
            continue
        cat_w = np.array([1.0 if j in exact_set else 0.5 for j in res_idx])
        nl, nt, ns = arrays(needs, need_idx)
        rl, rt, rs = arrays(resources, res_idx)
        radius = np.array([resources[j].radius_km for j in res_idx], dtype=float)
        r_comm = [resources[j].community_code for j in res_idx]
        r_area = [resources[j].area_communities for j in res_idx]
        n_comm = [needs[i].community_code for i in need_idx]
        # same community (or in the resource's area): a boolean block built per distinct community
        codes = sorted(set(n_comm))
        code_ix = {c: k for k, c in enumerate(codes)}
        serves = np.zeros((len(codes), len(res_idx)), dtype=bool)
        for k, code in enumerate(codes):
            serves[k] = [code == rc or code in ra for rc, ra in zip(r_comm, r_area, strict=True)]
        n_code = np.array([code_ix[c] for c in n_comm], dtype=np.int64)
        step = max(1, 2_000_000 // max(1, len(res_idx)))
        for s in range(0, len(need_idx), step):
            sl = slice(s, s + step)
            same = serves[n_code[sl]]
            coslat = np.cos(np.radians((nt[sl, None] + rt[None, :]) / 2))
            dx = np.radians(rl[None, :] - nl[sl, None]) * coslat
            dy = np.radians(rt[None, :] - nt[sl, None])
            km = 6371.0 * np.hypot(dx, dy)
            with np.errstate(invalid="ignore", divide="ignore"):
                dist = np.where(radius[None, :] > 0, 1.0 - 0.7 * km / radius[None, :], 1.0)
            in_reach = np.nan_to_num(km, nan=np.inf) <= radius[None, :]
            dist = np.where(same, 1.0, np.where(in_reach, dist, np.nan))
            shared = _popcount_u32(ns[sl, None] & rs[None, :]).astype(float)
            n_slots = _popcount_u32(ns[sl]).astype(float)[:, None]
            open_time = (ns[sl, None] == 0) | (rs[None, :] == 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                sched = np.where(open_time, 1.0, np.where(shared > 0, shared / n_slots, np.nan))
            w = W_CATEGORY * cat_w[None, :] + W_DISTANCE * dist + W_SCHEDULE * sched
            w = np.round(w, 2)
            w = np.nan_to_num(w, nan=-1.0)
            k = min(per_need, w.shape[1])
            if k < w.shape[1]:
                top = np.argpartition(-w, k - 1, axis=1)[:, :k]
            else:
                top = np.broadcast_to(np.arange(w.shape[1]), w.shape)
            rows = np.repeat(np.arange(w.shape[0]), top.shape[1])
            cols = top.reshape(-1)
            vals = w[rows, cols]
            keep = vals > 0
            out_n.append(np.asarray(need_idx, dtype=np.int64)[s:][rows[keep]])
            out_r.append(np.asarray(res_idx, dtype=np.int64)[cols[keep]])
            out_w.append(vals[keep])
    if not out_w:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(empty, empty, np.zeros(0))
    return Edges(np.concatenate(out_n), np.concatenate(out_r), np.concatenate(out_w))


@dataclass
class Plan:
    pairs: list[tuple[int, int, float]]  # (need id, resource id, fit)
    total_fit: float
    candidates: int


def plan_matching(
    needs: list[NeedPoint], resources: list[ResourcePoint], per_need: int = PLAN_CANDIDATES_PER_NEED
) -> Plan:
    """The yearly plan: at most one resource per need, at most ``capacity`` needs per resource, the
    largest total fit. Returns the pairs by need id."""
    edges = candidate_edges(needs, resources, per_need)
    chosen = solve_b_matching(edges, [r.capacity for r in resources], len(needs))
    pairs = [
        (needs[int(edges.need[e])].id, resources[int(edges.res[e])].id, float(edges.weight[e]))
        for e in chosen
    ]
    pairs.sort()
    return Plan(pairs, round(sum(p[2] for p in pairs), 2), len(edges))


def solve_b_matching(edges: Edges, capacities: list[int], n_needs: int) -> list[int]:
    """Indexes of the chosen edges. The LP over the bipartite incidence matrix has an integral optimum."""
    if not len(edges):
        return []
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    m = len(edges)
    n_res = len(capacities)
    # Only constrain the rows that have edges: fewer rows, same optimum.
    used_needs, need_row = np.unique(edges.need, return_inverse=True)
    used_res, res_row = np.unique(edges.res, return_inverse=True)
    rows = np.concatenate([need_row, len(used_needs) + res_row])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    a = coo_matrix((np.ones(2 * m), (rows, cols)), shape=(len(used_needs) + len(used_res), m)).tocsr()
    caps = np.asarray(capacities, dtype=float)[used_res] if n_res else np.zeros(0)
    b = np.concatenate([np.ones(len(used_needs)), caps])
    result = linprog(-edges.weight, A_ub=a, b_ub=b, bounds=(0, 1), method="highs-ds")
    if result.status != 0:  # pragma: no cover - a feasible, bounded LP (x = 0 is feasible)
        raise RuntimeError(f"匹配求解失败：{result.message}")
    return [int(e) for e in np.flatnonzero(result.x > 0.5)]


def greedy_matching(
    needs: list[NeedPoint], resources: list[ResourcePoint], per_need: int = PLAN_CANDIDATES_PER_NEED
) -> Plan:
    """The hand method, for comparison: take the best remaining pair first, until nothing fits."""
    edges = candidate_edges(needs, resources, per_need)
    order = np.lexsort((edges.res, edges.need, -edges.weight))
    left = [r.capacity for r in resources]
    taken = np.zeros(len(needs), dtype=bool)
    pairs = []
    for e in order:
        i, j = int(edges.need[e]), int(edges.res[e])
        if taken[i] or left[j] <= 0:
            continue
        taken[i] = True
        left[j] -= 1
        pairs.append((needs[i].id, resources[j].id, float(edges.weight[e])))
    pairs.sort()
    return Plan(pairs, round(sum(p[2] for p in pairs), 2), len(edges))
