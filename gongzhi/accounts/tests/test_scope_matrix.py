"""Who sees whose persons, by every API path: a matrix over roles × places.

A grid worker must never see another grid's residents; a resident sees only their own household.
"""

from __future__ import annotations

import pytest

from gongzhi.testing import PASSWORD

# user → grids whose persons they may read ("own" = the resident's own household only)
EXPECTED = {
    "district_admin": {"g1", "g2", "g3", "g4"},
    "auditor": {"g1", "g2", "g3", "g4"},
    "subdistrict_staff": {"g1", "g2", "g3"},
    "community_worker": {"g1", "g2"},
    "community_secretary": {"g1", "g2"},
    "grid_head": {"g1"},
    "grid_worker": {"g1"},
    "grid_worker_g2": {"g2"},
    "department_handler": set(),
    "unit_liaison": set(),
    "party_member": set(),
    "resident": "own",
}


H5_USERS = {"resident", "party_member", "unit_liaison"}


def visible_ids(district, user_key):
    expected = EXPECTED[user_key]
    if expected == "own":
        return {p.pk for p in district.persons["g1"] if p.household_id == district.households["g1"][0].pk}
    return {p.pk for g in expected for p in district.persons[g]}


def login(client, username):
    r = client.post(
        "/api/v1/auth/login", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_person_list_detail_and_search_respect_scope(district, client, user_key):
    login(client, user_key)
    allowed = visible_ids(district, user_key)
    listed = {p["id"] for p in client.get("/api/v1/persons?limit=200").json()["items"]}
    assert listed == allowed

    for grid_persons in district.persons.values():
        for person in grid_persons:
            # guessing ids: out of scope is the same 404 as missing
            r = client.get(f"/api/v1/persons/{person.pk}")
            assert r.status_code == (200 if person.pk in allowed else 404), (user_key, person.pk)
            found = client.get("/api/v1/persons", {"q": person.name}).json()["items"]
            assert ({p["id"] for p in found} <= allowed) and ((person.pk in allowed) == bool(found))

    # filtering on another grid's code gives nothing, never that grid's persons
    for key, grid in district.grids.items():
        items = client.get("/api/v1/persons", {"grid_code": grid.code, "limit": 200}).json()["items"]
        assert {p["id"] for p in items} == {p.pk for p in district.persons[key]} & allowed


def test_exact_id_number_and_phone_search_are_scoped(district, client):
    from gongzhi.testing import id_number_for

    login(client, "grid_worker")
    g2_person_id_number = id_number_for(7)  # seq 7 is the first person of g2 in build_small_district
    target = district.persons["g2"][0]
    assert target.id_number_masked[-4:] == g2_person_id_number[-4:]
    assert client.get("/api/v1/persons", {"q": g2_person_id_number}).json()["items"] == []
    assert client.get("/api/v1/persons", {"q": "13912340007"}).json()["items"] == []
    # the same searches for an own-grid person find exactly that person
    own = district.persons["g1"][0]
    items = client.get("/api/v1/persons", {"q": id_number_for(1)}).json()["items"]
    assert [p["id"] for p in items] == [own.pk]
    items = client.get("/api/v1/persons", {"q": "0001"}).json()["items"]
    assert [p["id"] for p in items] == [own.pk]


@pytest.mark.parametrize(
    ("user_key", "grids"),
    [
        ("district_admin", {"g1", "g2", "g3", "g4"}),
        ("subdistrict_staff", {"g1", "g2", "g3"}),
        ("community_worker", {"g1", "g2"}),
        ("grid_worker", {"g1"}),
        ("grid_worker_g2", {"g2"}),
        ("resident", {"g1"}),
        ("department_handler", {"g1", "g2", "g3", "g4"}),  # departments take tickets from the whole district
    ],
)
def test_grid_list_and_detail_respect_scope(district, client, user_key, grids):
    login(client, user_key)
    codes = {g["code"] for g in client.get("/api/v1/grids?limit=500").json()["items"]}
    assert codes == {district.grids[k].code for k in grids}
    for key, grid in district.grids.items():
        r = client.get(f"/api/v1/grids/{grid.code}")
        assert r.status_code == (200 if key in grids else 404)


def test_anonymous_gets_401_in_chinese(district, client):
    r = client.get("/api/v1/persons")
    assert r.status_code == 401
    assert r.json()["message"] == "请先登录"


def test_reveal_needs_permission_and_is_audited(district, client):
    from gongzhi.audit.models import AuditEvent

    person = district.persons["g1"][0]
    login(client, "auditor")  # reads the register, may not reveal
    r = client.post(
        f"/api/v1/persons/{person.pk}/reveal", {"field": "phone"}, content_type="application/json"
    )
    assert r.status_code == 403
    client.post("/api/v1/auth/logout")
    login(client, "grid_worker")
    before = AuditEvent.objects.filter(event_type="people.person_revealed").count()
    r = client.post(
        f"/api/v1/persons/{person.pk}/reveal",
        {"field": "phone", "reason": "入户走访"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["value"] == "13912340001"
    assert AuditEvent.objects.filter(event_type="people.person_revealed").count() == before + 1
    other = district.persons["g2"][0]
    r = client.post(f"/api/v1/persons/{other.pk}/reveal", {"field": "phone"}, content_type="application/json")
    assert r.status_code == 404


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_console_pages_export_household_and_timeline_respect_scope(district, client, user_key):
    """The other paths to a person: console detail and timeline pages, the household API, the xlsx export."""
    import io

    from openpyxl import load_workbook

    login(client, user_key)
    allowed = visible_ids(district, user_key)
    for grid_persons in district.persons.values():
        for person in grid_persons:
            ok = person.pk in allowed
            page = client.get(f"/console/people/{person.pk}/")
            if user_key in H5_USERS:
                # residents, party members and unit liaisons use the H5 pages; the console sends them there
                assert page.status_code == 302 and page["Location"].startswith("/h5/")
            else:
                assert page.status_code == (200 if ok else 404), (user_key, person.pk)
            assert client.get(f"/api/v1/persons/{person.pk}/timeline").status_code == (200 if ok else 404)
            assert client.get(f"/api/v1/households/{person.household_id}").status_code == (200 if ok else 404)

    r = client.get("/api/v1/persons/export.xlsx")
    if not allowed or user_key in H5_USERS:
        assert r.status_code in (403, 404) or not _exported_names(r)
        return
    assert r.status_code == 200
    names = _exported_names(r)
    assert names == {p.name for g in district.persons.values() for p in g if p.pk in allowed}
    sheet = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "13912340001" not in text  # masked only


def _exported_names(response) -> set[str]:
    import io

    from openpyxl import load_workbook

    if response.status_code != 200:
        return set()
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    col = rows[0].index("姓名")
    return {str(row[col]) for row in rows[1:] if row[col]}
