"""Export of the population register: in scope only, masked only, audited."""

from __future__ import annotations

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.people import exports, sheets
from gongzhi.people.models import Person
from gongzhi.people.tests.helpers import login, read_xlsx
from gongzhi.testing import id_number_for

EXPORT_URL = "/api/v1/persons/export.xlsx"


def _all_plain_values() -> set[str]:
    """Every full ID number and phone of the district fixture (24 persons)."""
    values = set()
    for p in Person.objects.all():
        if p.id_number_encrypted:
            values.add(ids.decrypt(p.id_number_encrypted))
        if p.phone_encrypted:
            values.add(ids.decrypt(p.phone_encrypted))
    return values


def test_export_contains_only_in_scope_persons_and_only_masked_values(district, client):
    login(client, "grid_worker")
    r = client.get(EXPORT_URL)
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == sheets.XLSX_CONTENT_TYPE
    assert "attachment" in r["Content-Disposition"] and ".xlsx" in r["Content-Disposition"]
    rows = read_xlsx(r.content)
    assert rows[0] == sheets.EXPORT_HEADERS
    data = rows[1:]
    g1 = district.grids["g1"]
    assert len(data) == len(district.persons["g1"]) == 6
    assert {row[0] for row in data} == {g1.code}
    assert {row[2] for row in data} == {p.name for p in district.persons["g1"]}
    expected_masked = {p.id_number_masked for p in district.persons["g1"]}
    assert {row[8] for row in data} == expected_masked
    assert all("*" in row[8] and "*" in row[9] for row in data)
    cells = {str(c) for row in rows for c in row if c is not None}
    assert not cells & _all_plain_values()  # no full ID number or phone anywhere in the file
    first = next(row for row in data if row[2] == district.persons["g1"][0].name)
    assert first[1] == district.households["g1"][0].address
    assert first[5] == "本人（户主）" and first[6] == "户籍人口"

    event = AuditEvent.objects.get(event_type="people.persons_exported")
    assert event.actor == district.user("grid_worker")
    assert event.data == {"filters": {}, "count": 6}
    assert event.grid_code == g1.code


def test_export_applies_the_list_filters(district, client):
    login(client, "community_worker")
    g2 = district.grids["g2"].code
    rows = read_xlsx(client.get(EXPORT_URL, {"grid_code": g2}).content)[1:]
    assert {row[0] for row in rows} == {g2} and len(rows) == 6
    # Searching by a full ID number: the audit row keeps only the masked form of the query.
    full = id_number_for(1)
    rows = read_xlsx(client.get(EXPORT_URL, {"q": full}).content)[1:]
    assert [row[2] for row in rows] == [district.persons["g1"][0].name]
    event = AuditEvent.objects.filter(event_type="people.persons_exported").latest("id")
    assert event.data["filters"] == {"q": ids.mask_id_number(full)} and event.data["count"] == 1
    assert full not in str(event.data)


def test_export_of_another_grid_is_404_for_a_grid_worker(district, client):
    login(client, "grid_worker")
    g2 = district.grids["g2"]
    before = AuditEvent.objects.count()
    assert client.get(EXPORT_URL, {"grid_code": g2.code}).status_code == 404
    assert client.get(EXPORT_URL, {"household_id": district.households["g2"][0].pk}).status_code == 404
    assert client.get(EXPORT_URL, {"community_code": district.communities["B1"].code}).status_code == 404
    assert AuditEvent.objects.count() == before


def test_export_needs_a_population_role(district, client):
    for username in ("resident", "department_handler", "unit_liaison"):
        client.logout()
        login(client, username)
        r = client.get(EXPORT_URL)
        assert r.status_code == 403, username
        assert r.json()["message"] == "您没有导出人员名单的权限"


def test_export_refuses_more_than_the_limit(district, client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 5)
    login(client, "grid_worker")
    r = client.get(EXPORT_URL)
    assert r.status_code == 400
    assert r.json()["message"].startswith("符合条件的人员共6人，超过单次导出上限5人")
    assert not AuditEvent.objects.filter(event_type="people.persons_exported").exists()


def test_district_export_covers_the_district(district, client):
    login(client, "district_admin")
    rows = read_xlsx(client.get(EXPORT_URL).content)[1:]
    assert len(rows) == 24
    event = AuditEvent.objects.get(event_type="people.persons_exported")
    assert event.target_type == "places.district" and event.district_code == "370115"
