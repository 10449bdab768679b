"""The people API: scope on every read, audited reveal, PATCH, household and timeline."""

from __future__ import annotations

import json

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.people.models import Person
from gongzhi.people.tests.helpers import login


def _patch(client, url: str, body: dict):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _reveal(client, person_id: int, field: str = "id_number", reason: str = "核实身份"):
    return client.post(
        f"/api/v1/persons/{person_id}/reveal",
        json.dumps({"field": field, "reason": reason}),
        content_type="application/json",
    )


def test_reveal_returns_the_full_value_and_is_audited(district, client):
    login(client, "grid_worker")
    person = district.persons["g1"][0]
    r = _reveal(client, person.pk)
    assert r.status_code == 200, r.content
    assert r.json() == {"field": "id_number", "value": ids.decrypt(person.id_number_encrypted)}
    event = AuditEvent.objects.get(event_type="people.person_revealed")
    assert event.actor == district.user("grid_worker")
    assert event.target_id == str(person.pk) and event.grid_code == person.grid_code
    assert event.data == {"field": "id_number", "reason": "核实身份"}
    assert _reveal(client, person.pk, field="phone").json()["value"] == ids.decrypt(person.phone_encrypted)
    assert AuditEvent.objects.filter(event_type="people.person_revealed").count() == 2


def test_a_view_only_role_cannot_reveal_or_change(district, client):
    login(client, "auditor")
    person = district.persons["g1"][0]
    assert client.get(f"/api/v1/persons/{person.pk}").status_code == 200
    r = _reveal(client, person.pk)
    assert r.status_code == 403 and r.json()["message"] == "您没有查看完整个人信息的权限"
    r = _patch(client, f"/api/v1/persons/{person.pk}", {"tags": ["veteran"]})
    assert r.status_code == 403 and r.json()["message"] == "您的角色只能查看，不能修改人口信息"
    assert not AuditEvent.objects.filter(event_type__in=["people.person_revealed", "people.person_updated"])


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/timeline"), ("patch", ""), ("post", "/reveal")],
)
def test_a_grid_worker_gets_404_for_a_person_of_another_grid(district, client, method, suffix):
    login(client, "grid_worker")
    other = district.persons["g2"][0]
    url = f"/api/v1/persons/{other.pk}{suffix}"
    if method == "get":
        r = client.get(url)
    elif method == "patch":
        r = _patch(client, url, {"name": "改名"})
    else:
        r = _reveal(client, other.pk)
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "记录不存在或无权查看", "fields": {}}
    # The same answer as for a person that does not exist at all.
    missing = client.get("/api/v1/persons/999999")
    assert missing.status_code == 404 and missing.json() == r.json()
    assert not AuditEvent.objects.filter(event_type__in=["people.person_revealed", "people.person_updated"])


def test_patch_changes_only_what_is_sent(district, client):
    login(client, "grid_worker")
    person = district.persons["g1"][1]
    r = _patch(
        client, f"/api/v1/persons/{person.pk}", {"tags": ["veteran", "party_member"], "phone": "13700001234"}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["tags"] == ["party_member", "veteran"]
    assert body["phone_masked"] == "137****1234"
    assert body["name"] == person.name and body["relation"] == person.relation
    assert body["id_number_masked"] == person.id_number_masked
    assert body["address"] == district.households["g1"][0].address
    event = AuditEvent.objects.get(event_type="people.person_updated")
    assert event.data["new"] == {"tags": ["party_member", "veteran"], "phone": "137****1234"}
    assert "13700001234" not in json.dumps(event.data)


def test_patch_validation_errors_are_chinese_field_errors(district, client):
    login(client, "grid_worker")
    person = district.persons["g1"][0]
    r = _patch(client, f"/api/v1/persons/{person.pk}", {"phone": "12345", "relation": "boss"})
    assert r.status_code == 400
    body = r.json()
    assert set(body["fields"]) == {"phone", "relation"}
    assert "电话号码" in body["fields"]["phone"]
    r = _patch(client, f"/api/v1/persons/{person.pk}", {"id_number": "x" * 18})
    assert r.status_code == 400 and "身份证号码" in r.json()["message"]


def test_timeline_lists_the_persons_audit_events(district, client):
    login(client, "grid_worker")
    person = district.persons["g1"][0]
    _reveal(client, person.pk, reason="上门核实")
    _patch(client, f"/api/v1/persons/{person.pk}", {"tags": ["volunteer"]})
    r = client.get(f"/api/v1/persons/{person.pk}/timeline")
    assert r.status_code == 200, r.content
    events = r.json()
    assert [e["event"] for e in events] == [
        "people.person_updated",
        "people.person_revealed",
        "people.person_created",
    ]
    assert [e["label"] for e in events] == ["修改人员信息", "查看完整个人信息", "登记人员"]
    assert events[1]["actor"] == "grid_worker" and events[1]["data"]["reason"] == "上门核实"
    assert events[2]["actor"] == "系统"


def test_household_detail_is_scoped_and_masked(district, client):
    login(client, "grid_worker")
    household = district.households["g1"][1]
    r = client.get(f"/api/v1/households/{household.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["address"] == household.address and body["grid_code"] == household.grid_code
    members = body["members"]
    assert len(members) == 2
    assert all("*" in m["id_number_masked"] and "*" in m["phone_masked"] for m in members)
    assert "id_number" not in members[0] and "phone" not in members[0]
    assert client.get(f"/api/v1/households/{district.households['g2'][0].pk}").status_code == 404
    assert client.get("/api/v1/households/999999").status_code == 404


def test_a_resident_sees_only_their_own_household(district, client):
    login(client, "resident")
    own = district.households["g1"][0]
    r = client.get("/api/v1/persons?limit=200")
    assert r.status_code == 200
    items = r.json()["items"]
    assert {p["household_id"] for p in items} == {own.pk}
    assert len(items) == 2
    assert client.get(f"/api/v1/households/{own.pk}").status_code == 200
    assert client.get(f"/api/v1/households/{district.households['g1'][1].pk}").status_code == 404
    neighbour = district.persons["g1"][2]  # same grid, another household
    assert client.get(f"/api/v1/persons/{neighbour.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/{neighbour.pk}/timeline").status_code == 404
    assert client.get(f"/api/v1/persons/{items[0]['id']}/timeline").status_code == 200
    assert client.get("/api/v1/persons/export.xlsx").status_code == 403


def test_list_search_by_phone_last4_and_name(district, client):
    login(client, "community_worker")
    person = district.persons["g2"][3]
    phone = ids.decrypt(person.phone_encrypted)
    items = client.get("/api/v1/persons", {"q": phone[-4:]}).json()["items"]
    assert [p["id"] for p in items] == [person.pk]
    items = client.get("/api/v1/persons", {"q": person.name}).json()["items"]
    assert [p["id"] for p in items] == [person.pk]


def test_create_still_works_and_fixed_paths_are_not_person_ids(district, client):
    login(client, "grid_worker")
    household = district.households["g1"][2]
    r = client.post(
        "/api/v1/persons",
        json.dumps({"household_id": household.pk, "name": "新登记", "relation": "child"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert Person.objects.filter(name="新登记", household=household).exists()
    for path in ("export.xlsx", "import-template.xlsx"):
        assert client.get(f"/api/v1/persons/{path}").status_code == 200, path


def test_anonymous_requests_are_refused(district, client):
    for url in (
        "/api/v1/persons",
        "/api/v1/persons/export.xlsx",
        "/api/v1/persons/import-template.xlsx",
        f"/api/v1/households/{district.households['g1'][0].pk}",
    ):
        r = client.get(url)
        assert r.status_code == 401, url
        assert r.json()["message"] == "请先登录"


def test_name_search_matches_exactly_the_names_containing_the_query(district, client):
    """A substring of 2 characters, and the same characters in the other order (PostgreSQL answers with
    the name-characters index, which ignores order: the LIKE beside it must still decide)."""
    login(client, "community_worker")
    person = next(p for persons in district.persons.values() for p in persons if len(p.name) >= 2)
    from gongzhi.people.selectors import person_list_for_actor

    names = {p.pk: p.name for p in person_list_for_actor(actor=district.users["community_worker"])}
    assert len(names) <= 200
    for q in (person.name[-2:], person.name[-2:][::-1], person.name[:1]):
        items = client.get("/api/v1/persons", {"q": q, "limit": 200}).json()["items"]
        assert sorted(p["id"] for p in items) == sorted(pk for pk, name in names.items() if q in name), q
    assert any(person.name[-2:] in name for name in names.values())
