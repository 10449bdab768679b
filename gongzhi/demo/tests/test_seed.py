import json
from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.audit.models import AuditEvent
from gongzhi.core.roles import Role
from gongzhi.people.models import Person
from gongzhi.places.models import Grid, Household


@pytest.fixture
def small_demo(demo):
    """The output of ``seed_demo --scale 0.01 --seed 7``: the shared demo (conftest.py)."""
    return demo


def test_demo_district_has_the_shape_of_seed_001(small_demo, client):
    overview = client.get("/api/v1/overview").json()
    assert overview["communities"] == 16
    assert overview["grids"] == {"residential": 147, "reserved": 42, "dedicated": 58}
    assert overview["households"] == Household.objects.count() > 0
    assert overview["persons"] == Person.objects.count() > overview["households"]
    assert "完成" in small_demo


def test_every_residential_grid_has_households_and_a_full_team(small_demo):
    for grid in Grid.objects.filter(kind="residential"):
        assert grid.households.exists()
        roles = set(grid.team.values_list("role", flat=True))
        assert {"grid_head", "grid_worker", "volunteer", "instructor"} <= roles


def test_jiyang_subdistrict_has_ten_full_time_workers_per_community(small_demo):
    from gongzhi.accounts.models import RoleAssignment

    for code in (
        Grid.objects.filter(subdistrict_code="370115001000")
        .values_list("community_code", flat=True)
        .distinct()
    ):
        workers = (
            RoleAssignment.objects.filter(role=Role.GRID_WORKER, place_code__startswith=code, active=True)
            .values("user_id")
            .distinct()
            .count()
        )
        assert workers == 10, code


def test_demo_logins_json_covers_every_role_and_they_log_in(small_demo, client):
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    logins = json.loads(out.getvalue())
    assert {row["role"] for row in logins} == set(Role.values)
    for row in logins:
        assert set(row) >= {"username", "password", "role", "scope"}
    residents = [row for row in logins if row["role"] == "resident"]
    assert residents and all(len(row["phone"]) == 11 for row in residents)
    seen = set()
    for row in logins:
        if row["role"] in seen:
            continue
        seen.add(row["role"])
        r = client.post(
            "/api/v1/auth/login",
            {"username": row["username"], "password": row["password"]},
            content_type="application/json",
        )
        assert r.status_code == 200, (row, r.content)
        assert row["role"] in {ra["role"] for ra in r.json()["roles"]}
        client.post("/api/v1/auth/logout")


def test_seed_is_deterministic_and_audited(small_demo):
    # The shared demo was seeded into an empty database by seed_demo --scale 0.01 --seed 7.
    first = list(Person.objects.order_by("id").values_list("name", "id_number_masked", "grid_code")[:50])
    assert AuditEvent.objects.filter(event_type="people.persons_bulk_created").count() == 147
    # A second run refuses rather than doubling the district.
    with pytest.raises(Exception, match="已有区划数据"):
        call_command("seed_demo", "--seed", "7", stdout=StringIO())
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert (
        list(Person.objects.order_by("id").values_list("name", "id_number_masked", "grid_code")[:50]) == first
    )


def test_same_seed_gives_same_people():
    from gongzhi.demo.population import PopulationGenerator

    a = PopulationGenerator(11).grid_households("银山第1网格", 30, 0)
    b = PopulationGenerator(11).grid_households("银山第1网格", 30, 0)
    assert [[p.id_number for p in h.persons] for h in a] == [[p.id_number for p in h.persons] for h in b]
