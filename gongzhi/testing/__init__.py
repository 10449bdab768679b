"""A small district for tests, built through the services (so tests exercise the same paths as users).

Layout: district 370115 · subdistricts A (001) and B (002) · communities A1, A2, B1 · grids: A1 has
two residential grids (g1, g2) side by side, A2 one, B1 one. Each grid has three households of two
persons. One user per role, each scoped to the first place of its level unless named otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_assign, user_create
from gongzhi.core.roles import Role
from gongzhi.people.models import Person
from gongzhi.people.services import PersonInput, person_create
from gongzhi.places.models import Community, Department, District, Grid, Household, Subdistrict
from gongzhi.places.services import (
    community_create,
    department_create,
    district_create,
    grid_create,
    household_create,
    subdistrict_create,
)

PASSWORD = "test-Passw0rd-长"


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


def id_number_for(seq: int, birth: str = "19900101", area: str = "370125") -> str:
    from stdnum.cn import ric

    body = f"{area}{birth}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


@dataclass
class SmallDistrict:
    district: District
    subdistricts: dict[str, Subdistrict] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    grids: dict[str, Grid] = field(default_factory=dict)
    households: dict[str, list[Household]] = field(default_factory=dict)
    persons: dict[str, list[Person]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    department: Department | None = None

    def user(self, key: str) -> User:
        return self.users[key]


def build_small_district() -> SmallDistrict:
    from gongzhi.tickets.taxonomy import ensure_default_categories

    # A transactional test (live_server, threads) starts from a flushed database: put the shipped
    # ticket categories back, as the data migration does for a new install.
    ensure_default_categories()
    d = SmallDistrict(district=district_create(actor=None, code="370115", name="济阳区"))
    d.subdistricts["A"] = subdistrict_create(
        actor=None, district=d.district, code="370115001000", name="济阳街道"
    )
    d.subdistricts["B"] = subdistrict_create(
        actor=None, district=d.district, code="370115002000", name="济北街道"
    )
    d.communities["A1"] = community_create(
        actor=None, subdistrict=d.subdistricts["A"], code="370115001001", name="银山社区"
    )
    d.communities["A2"] = community_create(
        actor=None, subdistrict=d.subdistricts["A"], code="370115001002", name="城里社区"
    )
    d.communities["B1"] = community_create(
        actor=None, subdistrict=d.subdistricts["B"], code="370115002001", name="安大社区"
    )
    layout = [("g1", "A1", 117.10), ("g2", "A1", 117.11), ("g3", "A2", 117.13), ("g4", "B1", 117.15)]
    seq = 0
    for key, community_key, lng in layout:
        community = d.communities[community_key]
        n = sum(1 for g in d.grids.values() if g.community_id == community.pk) + 1
        grid = grid_create(
            actor=None,
            community=community,
            code=f"{community.code}{n:03d}",
            name=f"{community.name}第{n}网格",
            kind="residential",
            boundary=square(lng, 36.98),
        )
        d.grids[key] = grid
        d.households[key] = []
        d.persons[key] = []
        for h in range(3):
            hh = household_create(
                actor=None,
                grid=grid,
                estate_name=f"{community.name}小区",
                building_number=str(n),
                entrance="1",
                door=f"{h + 1}01",
            )
            d.households[key].append(hh)
            for r, relation in enumerate(("head", "spouse")):
                seq += 1
                p = person_create(
                    actor=None,
                    household_id=hh.pk,
                    data=PersonInput(
                        name=f"测试{key}{h}{r}",
                        id_number=id_number_for(seq),
                        phone=f"1391234{seq:04d}",
                        relation=relation,
                    ),
                )
                d.persons[key].append(p)
    d.department = department_create(actor=None, district=d.district, code="cgj", name="城管局")

    def make(key: str, role: str, **scope) -> None:
        user = user_create(
            actor=None, username=key, password=PASSWORD, display_name=key, validate_password=False
        )
        role_assign(actor=None, user=user, role=role, **scope)
        d.users[key] = user

    make("district_admin", Role.DISTRICT_ADMIN, place_code="370115")
    make("auditor", Role.AUDITOR, place_code="370115")
    make("subdistrict_staff", Role.SUBDISTRICT_STAFF, place_code=d.subdistricts["A"].code)
    make("community_worker", Role.COMMUNITY_WORKER, place_code=d.communities["A1"].code)
    make("community_secretary", Role.COMMUNITY_SECRETARY, place_code=d.communities["A1"].code)
    make("grid_head", Role.GRID_HEAD, place_code=d.grids["g1"].code)
    make("grid_worker", Role.GRID_WORKER, place_code=d.grids["g1"].code)
    make("grid_worker_g2", Role.GRID_WORKER, place_code=d.grids["g2"].code)
    make("department_handler", Role.DEPARTMENT_HANDLER, department=d.department)
    make("unit_liaison", Role.UNIT_LIAISON, place_code=d.communities["A1"].code)
    make("party_member", Role.PARTY_MEMBER, place_code=d.communities["A1"].code)
    make("resident", Role.RESIDENT, household=d.households["g1"][0])
    return d
