"""The city's rows, in pure Python (no database): places, staff, households and persons.

A city of 12 districts (Jinan's codes), each with subdistricts, communities and grids whose codes pass
gongzhi/core/codes.py, laid out as rectangles over Jinan (a community is a block, its grids are strips of
it, so nothing overlaps and every point is in one grid). Persons have ID numbers with a valid check digit
and an area code that existed in their birth year (python-stdnum cn.ric, as ``ids.normalise_id_number``
checks), unique across the city; their protected columns are made by ``gongzhi.core.ids`` itself: every
ID number is encrypted and hashed (it must be unique and decrypt to itself), phones come from a pool of
numbers encrypted once (a phone may be shared by many persons), names from a pool whose pinyin keys
``gongzhi.core.pinyin.keys`` computed once.

Sizes scale with ``scale`` (1.0 = 10,000,000 persons, 3,500,000 households, 20,000 grids, 5,000,000
tickets); rows are plain tuples in the tables' column order, written by bench/city_load.py.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from stdnum.cn import ric as cn_ric

FULL = {"persons": 10_000_000, "households": 3_500_000, "grids": 20_000, "tickets": 5_000_000}
DISTRICTS = (
    ("370102", "历下区"),
    ("370103", "市中区"),
    ("370104", "槐荫区"),
    ("370105", "天桥区"),
    ("370112", "历城区"),
    ("370113", "长清区"),
    ("370114", "章丘区"),
    ("370115", "济阳区"),
    ("370116", "莱芜区"),
    ("370117", "钢城区"),
    ("370124", "平阴县"),
    ("370126", "商河县"),
)
SUBDISTRICTS_PER_DISTRICT = 12
COMMUNITIES_PER_SUBDISTRICT = 14
EXTENT = (116.60, 36.30, 117.60, 36.95)  # min lng, min lat, max lng, max lat (WGS-84)
# Birth places of the ID numbers: Jinan's counties as they were coded over the years (and 3 others).
BIRTH_AREAS = (
    "370102", "370103", "370104", "370105", "370112", "370113", "370124", "370125", "370126", "370181",
    "370202", "110101", "320102",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红建国志文海燕鹏辉飞浩宇"
    "子涵欣怡梓萱一诺浩然梓轩雨泽佳琪思远晨曦俊杰嘉豪雅婷慧敏立新春生秋菊冬梅德胜"
)
SUB_SUFFIX = ("街道", "街道", "街道", "镇")
COMMUNITY_WORDS = "和平幸福康乐兴隆阳光新华文化花园龙泉泉城汇泉明湖东风建设友谊民生"
ESTATE_WORDS = ("花园", "家园", "小区", "新村", "佳苑", "雅居", "名苑", "公寓")


def sizes(scale: float) -> dict[str, int]:
    """The counts at ``scale`` (1.0 = the full city); every level keeps at least one of each."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    grids = max(len(DISTRICTS), round(FULL["grids"] * scale))
    households = max(grids, round(FULL["households"] * scale))
    persons = max(households, round(FULL["persons"] * scale))
    side = min(1.0, math.sqrt(scale))
    return {
        "districts": len(DISTRICTS),
        "subdistricts_per_district": max(1, round(SUBDISTRICTS_PER_DISTRICT * side)),
        "communities_per_subdistrict": max(1, round(COMMUNITIES_PER_SUBDISTRICT * side)),
        "grids": grids,
        "households": households,
        "persons": persons,
        "tickets": max(100, round(FULL["tickets"] * scale)),
    }


# --- places -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridPlan:
    code: str
    name: str
    ring: list[list[float]]  # closed rectangle, lng/lat

    @property
    def community_code(self) -> str:
        return self.code[:12]


@dataclass
class CommunityPlan:
    code: str
    name: str
    ring: list[list[float]]
    grids: list[GridPlan] = field(default_factory=list)


@dataclass
class CityPlan:
    districts: list[tuple[str, str]]
    subdistricts: list[tuple[str, str, str]]  # (code, name, kind)
    communities: list[CommunityPlan]

    @property
    def grids(self) -> list[GridPlan]:
        return [g for c in self.communities for g in c.grids]


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    r = [round(v, 7) for v in (x0, y0, x1, y1)]
    return [[r[0], r[1]], [r[2], r[1]], [r[2], r[3]], [r[0], r[3]], [r[0], r[1]]]


def city_plan(size: dict[str, int]) -> CityPlan:
    """Districts → subdistricts → communities (blocks of a raster over EXTENT) → grids (strips)."""
    subs: list[tuple[str, str, str]] = []
    comms: list[tuple[str, str]] = []
    for d, (dcode, dname) in enumerate(DISTRICTS):
        for s in range(1, size["subdistricts_per_district"] + 1):
            suffix = SUB_SUFFIX[s % len(SUB_SUFFIX)]
            scode = f"{dcode}{s + (100 if suffix == '镇' else 0):03d}000"
            subs.append(
                (
                    scode,
                    f"{dname[:2]}{_word(d * 31 + s)}{suffix}",
                    "town" if suffix == "镇" else "subdistrict",
                )
            )
            for c in range(1, size["communities_per_subdistrict"] + 1):
                comms.append((scode[:9] + f"{c:03d}", f"{_word(d * 131 + s * 17 + c)}社区"))
    n_comm = len(comms)
    cols = math.ceil(math.sqrt(n_comm))
    rows = math.ceil(n_comm / cols)
    w, h = (EXTENT[2] - EXTENT[0]) / cols, (EXTENT[3] - EXTENT[1]) / rows
    base, extra = divmod(size["grids"], n_comm)
    communities = []
    for i, (code, name) in enumerate(comms):
        x0, y0 = EXTENT[0] + (i % cols) * w, EXTENT[1] + (i // cols) * h
        plan = CommunityPlan(code, name, _rect(x0, y0, x0 + w, y0 + h))
        n = base + (1 if i < extra else 0)
        for g in range(n):
            gx0, gx1 = x0 + w * g / n, x0 + w * (g + 1) / n
            plan.grids.append(
                GridPlan(f"{code}{g + 1:03d}", f"{name}第{g + 1}网格", _rect(gx0, y0, gx1, y0 + h))
            )
        communities.append(plan)
    return CityPlan(list(DISTRICTS), subs, communities)


def _word(i: int) -> str:
    k = i % (len(COMMUNITY_WORDS) // 2)
    return COMMUNITY_WORDS[2 * k : 2 * k + 2]


# --- identities ----------------------------------------------------------------------------------


def birth_days(first_year: int = 1940, last_year: int = 2024) -> list[tuple[str, dt.date]]:
    """Every (area code, birth day) an ID number may carry: the area existed in that year."""
    from gongzhi.core.ids import _birth_place_known

    out: list[tuple[str, dt.date]] = []
    for year in range(first_year, last_year + 1):
        areas = [a for a in BIRTH_AREAS if _birth_place_known(a, year)]
        day = dt.date(year, 1, 1)
        while day.year == year:
            out.extend((a, day) for a in areas)
            day += dt.timedelta(days=1)
    return out


class IdNumbers:
    """``number(i)``: distinct valid ID numbers for i = 0 … capacity-1 (a bijection scrambles the
    order, so neighbours in a household do not share a birthday)."""

    def __init__(self) -> None:
        self.days = birth_days()
        self.capacity = len(self.days) * 1000
        self.step = 1_000_003  # prime, not a factor of the capacity
        while math.gcd(self.step, self.capacity) != 1:
            self.step += 2

    def number(self, i: int) -> tuple[str, dt.date]:
        k = (i * self.step + 7919) % self.capacity
        area, day = self.days[k // 1000]
        body = f"{area}{day:%Y%m%d}{k % 1000:03d}"
        return body + cn_ric.calc_check_digit(body + "0"), day


def phone_numbers(n: int) -> list[str]:
    """``n`` valid mobile numbers (their last 4 digits cover 0000–9999 evenly)."""
    prefixes = ("139", "138", "137", "136", "135", "158", "159", "186", "188", "152", "177", "133")
    return [f"{prefixes[i % len(prefixes)]}{(i * 7919) % 10_000:04d}{i % 10_000:04d}" for i in range(n)]


def name_pool(n: int, seed: int = 7) -> list[str]:
    """Distinct 2- and 3-character names (about a third 2-character), deterministic."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < n:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.65 else "")
        seen[rng.choice(SURNAMES) + given] = None
    return list(seen)


# --- households and persons --------------------------------------------------------------------


@dataclass(slots=True)
class PersonRow:
    household: int  # index of the household (0-based)
    name: str
    pinyin: str
    initials: str
    gender: str
    birth: dt.date
    relation: str
    residence: str
    tags: str  # JSON
    id_number: str
    phone: int  # index into the phone pool, -1 for none


RELATIONS = ("head", "spouse", "child", "child", "parent", "grandchild", "tenant", "other")
RESIDENCE = ("registered",) * 7 + ("resident",) * 2 + ("migrant",)
TAGS = ('["elderly_alone"]', '["disabled"]', '["low_income"]', '["veteran"]', '["party_member"]')


class People:
    """Households spread over the grids (round robin) and persons over the households (the first of
    each household its head), all derived from indices so a subset can be regenerated exactly."""

    def __init__(self, grids: list[str], households: int, persons: int, *, names: int = 0) -> None:
        from gongzhi.core import pinyin

        self.grids, self.households, self.persons = grids, households, persons
        self.ids = IdNumbers()
        if persons > self.ids.capacity:
            raise ValueError(f"at most {self.ids.capacity} distinct ID numbers")
        self.names = name_pool(names or min(40_000, max(500, persons // 5)))
        self.keys = [pinyin.keys(n) for n in self.names]
        self.phones = phone_numbers(min(50_000, max(100, persons // 4)))

    def household_grid(self, h: int) -> str:
        return self.grids[h % len(self.grids)]

    def household_address(self, h: int) -> tuple[str, str, str, str]:
        """(estate, building, entrance, door) of household ``h``: unique within its grid."""
        k = h // len(self.grids)  # the household's number within its grid
        grid_no = h % len(self.grids)
        estate = f"{_word(grid_no)}{ESTATE_WORDS[grid_no % len(ESTATE_WORDS)]}"
        building, rest = divmod(k, 36)
        entrance, door = divmod(rest, 12)
        return estate, str(building + 1), str(entrance + 1), f"{door // 2 + 1}0{door % 2 + 1}"

    def household_of(self, p: int) -> int:
        """Persons fill households in order, ``persons / households`` each on average."""
        return p * self.households // self.persons

    def person(self, p: int) -> PersonRow:
        h = self.household_of(p)
        first = -(-h * self.persons // self.households)  # the first person of household h
        rank = p - first
        number, birth = self.ids.number(p)
        j = (p * 2_654_435_761) % len(self.names)
        relation = "head" if rank == 0 else RELATIONS[1 + (rank - 1) % (len(RELATIONS) - 1)]
        adult = birth.year <= 2006
        return PersonRow(
            household=h,
            name=self.names[j],
            pinyin=self.keys[j][0],
            initials=self.keys[j][1],
            gender="male" if int(number[16]) % 2 else "female",
            birth=birth,
            relation=relation,
            residence=RESIDENCE[p % len(RESIDENCE)],
            tags=TAGS[p % 500] if p % 500 < len(TAGS) else "[]",
            id_number=number,
            phone=(p * 40_503) % len(self.phones) if adult and p % 10 < 8 else -1,
        )

    def iter_persons(self, start: int = 0, stop: int | None = None) -> Iterator[PersonRow]:
        for p in range(start, self.persons if stop is None else stop):
            yield self.person(p)


def protected_phones(numbers: list[str]) -> list[tuple[str, str, str, str]]:
    """(encrypted, hash, masked, last4) of each pooled phone, exactly as ``ids.Protected`` stores them."""
    from gongzhi.core import ids

    out = []
    for n in numbers:
        p = ids.Protected.of_phone(ids.normalise_phone(n))
        out.append((p.encrypted, p.hash, p.masked, p.last4))
    return out


def protected_id(number: str) -> tuple[str, str, str]:
    from gongzhi.core import ids

    p = ids.Protected.of_id_number(number)
    return p.encrypted, p.hash, p.masked
