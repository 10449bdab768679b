"""Deterministic households and persons for the demo: Faker zh_CN names, valid ID numbers and phones.

Every person passes the same validation as a person entered by hand (``clean_person``).
"""

from __future__ import annotations

import datetime as dt
import random

from faker import Faker
from stdnum.cn import ric

from gongzhi.demo.layout import ESTATE_SUFFIXES
from gongzhi.people.enums import PersonTag, Relation, ResidenceType
from gongzhi.people.services import CleanPerson, NewHousehold, PersonInput, clean_person

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
    "199",
]
TODAY = dt.date(2026, 11, 1)  # fixed, so a seed gives the same district whatever day it runs


def area_code_for(year: int) -> str:
    """The 济阳 area code a person born in ``year`` was registered under (济阳县 moved to 济南 in 1989,
    became 济阳区 in 2018); python-stdnum checks this against the year."""
    if year < 1989:
        return "372425"
    if year < 2018:
        return "370125"
    return "370115"


class PopulationGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()

    def id_number(self, birth: dt.date, male: bool) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            body = f"{area_code_for(birth.year)}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def birth(self, year_from: int, year_to: int) -> dt.date:
        start = dt.date(year_from, 1, 1).toordinal()
        end = min(dt.date(year_to, 12, 31), TODAY).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    def person(
        self, *, relation: str, birth: dt.date, male: bool, surname: str | None = None, residence: str
    ) -> CleanPerson:
        given = self.fake.first_name_male() if male else self.fake.first_name_female()
        name = (surname or self.fake.last_name()) + given
        age = (TODAY - birth).days // 365
        tags: list[str] = []
        roll = self.rng.random()
        if age >= 18 and roll < 0.06:
            tags.append(PersonTag.PARTY_MEMBER)
        if age >= 20 and self.rng.random() < 0.02:
            tags.append(PersonTag.VETERAN)
        if self.rng.random() < 0.02:
            tags.append(PersonTag.DISABLED)
        if self.rng.random() < 0.015:
            tags.append(PersonTag.LOW_INCOME)
        return clean_person(
            PersonInput(
                name=name,
                id_number=self.id_number(birth, male),
                phone=self.phone() if age >= 16 else "",
                relation=relation,
                residence_type=residence,
                tags=tags,
            )
        )

    def household_members(self) -> list[CleanPerson]:
        rng = self.rng
        residence = rng.choices(
            [ResidenceType.REGISTERED, ResidenceType.RESIDENT, ResidenceType.MIGRANT], weights=[75, 15, 10]
        )[0]
        head_birth = self.birth(1940, 1998)
        head_male = rng.random() < 0.7
        surname = self.fake.last_name()
        members = [
            self.person(
                relation=Relation.HEAD, birth=head_birth, male=head_male, surname=surname, residence=residence
            )
        ]
        size = rng.choices([1, 2, 3, 4, 5], weights=[14, 30, 30, 18, 8])[0]
        if size == 1 and head_birth.year < 1956:
            members[0].tags = sorted({*members[0].tags, PersonTag.ELDERLY_ALONE})
        if size >= 2:
            spouse_year = max(1935, min(2000, head_birth.year + rng.randint(-4, 4)))
            members.append(
                self.person(
                    relation=Relation.SPOUSE,
                    birth=self.birth(spouse_year, spouse_year),
                    male=not head_male,
                    residence=residence,
                )
            )
        for _ in range(max(0, size - 2)):
            if head_birth.year < 1962 or rng.random() < 0.2:
                year_from = max(head_birth.year + 20, 1960)
                members.append(
                    self.person(
                        relation=Relation.CHILD if rng.random() < 0.6 else Relation.GRANDCHILD,
                        birth=self.birth(year_from, min(year_from + 15, 2024)),
                        male=rng.random() < 0.5,
                        surname=surname,
                        residence=residence,
                    )
                )
            else:
                year_from = head_birth.year + 22
                if year_from > 2024 or rng.random() < 0.25:
                    parent_year = max(1930, head_birth.year - 28)
                    members.append(
                        self.person(
                            relation=Relation.PARENT,
                            birth=self.birth(parent_year, parent_year + 3),
                            male=rng.random() < 0.5,
                            surname=surname,
                            residence=residence,
                        )
                    )
                else:
                    members.append(
                        self.person(
                            relation=Relation.CHILD,
                            birth=self.birth(year_from, min(year_from + 14, 2025)),
                            male=rng.random() < 0.5,
                            surname=surname,
                            residence=residence,
                        )
                    )
        return members

    def grid_households(self, grid_name: str, count: int, estate_seed: int) -> list[NewHousehold]:
        """``count`` households in 6-storey buildings of 2 entrances × 2 flats per floor, in 1–3 estates."""
        n_estates = 1 + count // 200
        stem = grid_name.split("第")[0]
        estates = [
            f"{stem}{ESTATE_SUFFIXES[(estate_seed + e) % len(ESTATE_SUFFIXES)]}"
            + ("" if e == 0 else f"{e + 1}期")
            for e in range(n_estates)
        ]
        out: list[NewHousehold] = []
        for i in range(count):
            estate = estates[i * n_estates // count]
            within = i - (i * n_estates // count) * (count // n_estates)
            building, flat = divmod(max(within, 0), 24)
            entrance, rest = divmod(flat, 12)
            floor, door = divmod(rest, 2)
            out.append(
                NewHousehold(
                    estate=estate,
                    building=str(building + 1),
                    entrance=str(entrance + 1),
                    door=f"{floor + 1}0{door + 1}",
                    persons=self.household_members(),
                )
            )
        return out
