"""The shared helpers and the writer: the ``Writer`` every module's function writes through (the sink, the
city read back, one random stream, the ids given out per table, the rows written per table, and what
the modules pass on to each other: estates, buildings, units, teams, venues, branches, the persons
drawn), how a city-wide rate is spread over the communities (``allot``), and the codes, tokens, USCCs,
phones and names the rows carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bench.city_load import Sink
from bench.city_modules.held import City, Resident

DEMO_PERSONS = 161_700  # the demo district's persons: the yardstick of the rates per person
BASE = ["id", "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code"]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Ids:
    def __init__(self) -> None:
        self.last: dict[str, int] = defaultdict(int)

    def __call__(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


def allot(rate: float, weights: Sequence[float], groups: Sequence[str] = (), at_least: int = 0) -> list[int]:
    """``rate × weight`` for each place, whole numbers carried over in order (so the total is the rate's),
    each place given ``at_least``; with ``groups`` (a place's district), every group gets one at least."""
    out, carry = [], 0.5
    for w in weights:
        x = rate * w + carry
        n = int(x)
        carry = x - n
        out.append(max(n, at_least))
    if groups:
        seen: dict[str, int] = {}
        for i, g in enumerate(groups):
            seen.setdefault(g, 0)
            seen[g] += out[i]
        for g, n in seen.items():
            if n == 0:
                out[groups.index(g)] = 1
    return out


def secret_code(n: int, length: int = 10) -> str:
    """A distinct code from n (the points accounts' alphabet)."""
    chars = []
    for _ in range(length):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    return "".join(reversed(chars))


def token(seed: str) -> str:
    """A distinct 22-character url-safe token (as ``secrets.token_urlsafe(16)[:22]`` makes)."""
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode()[:22]


def uscc(prefix: str, n: int) -> str:
    from stdnum.cn import uscc as cn_uscc

    body = f"{prefix}{n:07d}"
    return body + cn_uscc.calc_check_digit(body)


class Phones:
    """Distinct valid mobile numbers, protected as ``ids.Protected`` stores them."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.n = prefix, 0

    def next(self) -> tuple[str, str, str]:
        from gongzhi.core import ids

        self.n += 1
        p = ids.Protected.of_phone(ids.normalise_phone(f"{self.prefix}{self.n:08d}"))
        return p.encrypted, p.hash, p.masked


class Writer:
    """What the modules' functions write through: the sink, the city, one random stream (each step draws
    its own from it, in the order of ``STEPS``), the ids given out and the rows written per table, and
    what one step leaves for the later ones."""

    def __init__(self, sink: Sink, city: City, seed: int, log: Callable[[str], None]) -> None:
        self.sink, self.city, self.log = sink, city, log
        self.rng = random.Random(seed * 7919 + 11)
        self.ids = Ids()
        self.rows: dict[str, int] = {}
        self.now, self.today = city.now, city.today
        self.weights = [c.households for c in city.communities]
        self.district_of = [c.district for c in city.communities]
        self.person_rate = city.persons[0] / max(1, city.households)  # persons a household
        # filled as the modules are written
        self.estate_of: dict[int, int] = {}  # grid index → estate id
        self.estate_name: dict[int, str] = {}
        self.units: dict[int, list[tuple[int, str]]] = defaultdict(list)  # community index → (id, name)
        self.teams: dict[int, list[int]] = defaultdict(list)
        self.venues: dict[int, list[int]] = defaultdict(list)
        self.branch_of: dict[int, int] = {}  # grid index → branch id
        self.committee_of: dict[int, int] = {}  # community index → party committee id
        self.sample: dict[str, list[Resident]] = {}
        self.buildings: list[tuple[int, int, int, int]] = []  # (id, grid index, number, entrances)
        self.mediation_room: dict[int, int] = {}  # community index → its 人民调解室 venue

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        n = self.sink.copy(table, [f'"{c}"' for c in columns], rows)  # quoted: "group", "key" …
        self.rows[table] = self.rows.get(table, 0) + n
        return n

    def per_community(self, rate_per_person: float, at_least: int = 0) -> list[int]:
        return allot(
            rate_per_person * self.person_rate, self.weights, groups=self.district_of, at_least=at_least
        )

    def each_community(self, rate: float, at_least: int = 0) -> list[int]:
        return allot(rate, [1.0] * len(self.city.communities), groups=self.district_of, at_least=at_least)


def person_names(rng: random.Random, n: int = 2_000) -> list[str]:
    from bench.city_rows import GIVEN, SURNAMES

    return [
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        for _ in range(n)
    ]


def month_back(today: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before today's."""
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    return dt.date(y, m + 1, 1)


def timezone_year(at: dt.datetime) -> int:
    from django.utils import timezone

    return timezone.localtime(at).year
