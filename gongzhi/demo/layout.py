"""The demo district's shape, modelled on seed 001 (济阳区): 16 urban communities, 247 grids =
147 residential + 42 reserved + 58 dedicated; in 济阳街道, 7 communities with 10 full-time grid workers each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from gongzhi.places.enums import DedicatedCover

DISTRICT = ("370115", "济阳区")
SUBDISTRICTS = [
    (
        "370115001000",
        "济阳街道",
        ["银山社区", "城里社区", "汇鑫社区", "陈朝社区", "开元社区", "富民社区", "澄波湖社区"],
    ),
    ("370115002000", "济北街道", ["安大社区", "龙海社区", "济北社区", "富华社区", "永康社区"]),
    ("370115003000", "回河街道", ["回河社区", "新元社区", "和平社区", "顺德社区"]),
]
FULL_TIME_WORKERS_SUBDISTRICT = "370115001000"  # 济阳街道: 10 full-time grid workers per community
FULL_TIME_WORKERS_PER_COMMUNITY = 10
TOTALS = {"residential": 147, "reserved": 42, "dedicated": 58}
DEPARTMENTS = [
    ("cgj", "区城市管理局"),
    ("zjj", "区住房和城乡建设局"),
    ("gaj", "公安济阳分局"),
    ("scjgj", "区市场监督管理局"),
    ("sthj", "市生态环境局济阳分局"),
    ("mzj", "区民政局"),
]
DEDICATED = [
    (DedicatedCover.SCHOOL, "济阳区第{n}中学"),
    (DedicatedCover.HOSPITAL, "济阳区第{n}人民医院"),
    (DedicatedCover.MARKET, "{c}农贸市场"),
    (DedicatedCover.OFFICE_BUILDING, "{c}商务楼宇"),
    (DedicatedCover.INDUSTRIAL_PARK, "济北开发区{n}号园区"),
    (DedicatedCover.CAMPUS, "{c}机关院区"),
]
ESTATE_SUFFIXES = ["花园", "小区", "家园", "佳苑", "新村", "雅居"]

# Where the demo sits: a lattice of community rectangles around 济阳城区 (WGS-84).
ORIGIN = (117.160, 36.960)
COMMUNITY_SIZE = (0.014, 0.011)  # degrees lng, lat


def username_stem(name: str) -> str:
    """银山社区 → "yinshan": the stem of the demo accounts' usernames (yinshan-sj, yinshan-wg01 …)."""
    return "".join(lazy_pinyin(name.removesuffix("社区").removesuffix("街道")))


def spread(total: int, parts: int) -> list[int]:
    """``total`` split over ``parts`` as evenly as integers allow, larger shares first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@dataclass
class GridPlan:
    code: str
    name: str
    kind: str
    covers: str = ""
    covers_name: str = ""
    boundary: dict = field(default_factory=dict)


@dataclass
class CommunityPlan:
    code: str
    name: str
    subdistrict_code: str
    boundary: dict
    grids: list[GridPlan] = field(default_factory=list)


def rect(x0: float, y0: float, x1: float, y1: float) -> dict:
    r = lambda v: round(v, 7)  # noqa: E731
    return {
        "type": "Polygon",
        "coordinates": [[[r(x0), r(y0)], [r(x1), r(y0)], [r(x1), r(y1)], [r(x0), r(y1)], [r(x0), r(y0)]]],
    }


def cells(x0: float, y0: float, w: float, h: float, n: int) -> list[dict]:
    """``n`` rectangles tiling the community exactly: rows of equal height, the last row's cells wider."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    out = []
    for row in range(rows):
        in_row = cols if row < rows - 1 else n - cols * (rows - 1)
        top = y0 + h - row * h / rows  # north to south
        for col in range(in_row):  # west to east, as grid codes are numbered
            out.append(rect(x0 + col * w / in_row, top - h / rows, x0 + (col + 1) * w / in_row, top))
    return out


def plan() -> list[CommunityPlan]:
    communities = [(sub_code, name) for sub_code, _sub, names in SUBDISTRICTS for name in names]
    n = len(communities)
    shares = {kind: spread(total, n) for kind, total in TOTALS.items()}
    plans: list[CommunityPlan] = []
    dedicated_no = 0
    seq_in_sub: dict[str, int] = {}
    for i, (sub_code, name) in enumerate(communities):
        seq_in_sub[sub_code] = seq_in_sub.get(sub_code, 0) + 1
        code = sub_code[:9] + f"{seq_in_sub[sub_code]:03d}"
        x0 = ORIGIN[0] + (i % 4) * COMMUNITY_SIZE[0]
        y0 = ORIGIN[1] - (i // 4) * COMMUNITY_SIZE[1]
        cp = CommunityPlan(code, name, sub_code, rect(x0, y0, x0 + COMMUNITY_SIZE[0], y0 + COMMUNITY_SIZE[1]))
        kinds = (
            ["residential"] * shares["residential"][i]
            + ["reserved"] * shares["reserved"][i]
            + ["dedicated"] * shares["dedicated"][i]
        )
        short = name.removesuffix("社区")
        for seq, (kind, boundary) in enumerate(
            zip(kinds, cells(x0, y0, *COMMUNITY_SIZE, len(kinds)), strict=True), start=1
        ):
            grid = GridPlan(code=f"{code}{seq:03d}", name=f"{short}第{seq}网格", kind=kind, boundary=boundary)
            if kind == "reserved":
                grid.name = f"{short}预留网格{seq}"
            if kind == "dedicated":
                dedicated_no += 1
                covers, pattern = DEDICATED[dedicated_no % len(DEDICATED)]
                grid.covers = covers
                grid.covers_name = pattern.format(n=dedicated_no, c=short)
                grid.name = f"{short}专属网格{seq}"
            cp.grids.append(grid)
        plans.append(cp)
    return plans
