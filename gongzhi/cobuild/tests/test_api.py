"""The API: one error shape in Chinese, the public list without login, the plan round trip."""

from __future__ import annotations

import json

import pytest

from gongzhi.cobuild.models import Need, Project
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cobuild"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_need_create_list_and_bad_input(district, client):
    d = district
    client.force_login(d.user("community_worker"))
    r = post(
        client,
        f"{BASE}/needs",
        {"title": "楼道灯维修", "category": "repair", "community_id": d.communities["A1"].pk},
    )
    assert r.status_code == 201, r.content
    assert r.json()["status_label"] == "待对接"
    r = client.get(f"{BASE}/needs?status=open")
    assert [n["title"] for n in r.json()["items"]] == ["楼道灯维修"]
    r = post(client, f"{BASE}/needs", {"title": "", "category": "x", "community_id": d.communities["A1"].pk})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid" and body["fields"]["title"] == "请填写需求名称"
    assert Need.objects.count() == 1


def test_claim_twice_is_409_in_chinese_and_public_list_has_no_personal_data(district, client):
    d = district
    unit = make_unit(d)
    need = make_need(d)
    res = make_resource(d, unit, contact_phone="13912345678", contact_name="李医生")
    client.force_login(d.user("community_worker"))
    r = post(client, f"{BASE}/projects", {"need_ids": [need.pk], "resource_ids": [res.pk]})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert post(client, f"{BASE}/projects/{pid}/claim", {}).status_code == 200
    r = post(client, f"{BASE}/projects/{pid}/claim", {"claimant_kind": "unit", "claimant_id": unit.pk})
    assert r.status_code == 409 and r.json()["message"] == "该项目已由“济阳区人民医院”认领，不能重复认领"
    r = post(
        client,
        f"{BASE}/projects/{pid}/sign",
        {
            "terms": "每周三义诊",
            "community_signatory": "王书记",
            "claimant_signatory": "李院长",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert r.status_code == 200 and r.json()["agreement_number"].startswith("GJXY-")
    pdf = client.get(f"{BASE}/projects/{pid}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.logout()
    r = client.get(f"{BASE}/public/projects?community_code={d.communities['A1'].code}")
    assert r.status_code == 200 and [p["id"] for p in r.json()] == [pid]
    text = r.content.decode()
    assert "139" not in text and "李医生" not in text


def test_plan_round_trip(district, client):
    d = district
    unit = make_unit(d)
    make_need(d)
    make_resource(d, unit)
    client.force_login(d.user("community_secretary"))
    r = post(client, f"{BASE}/plans", {"place_code": d.communities["A1"].code})
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["status"] == "draft" and len(plan["rows"]) == 1 and plan["rows"][0]["reasons"]
    assert not Project.objects.exists()
    r = client.patch(
        f"/api/v1/cobuild/plan-rows/{plan['rows'][0]['id']}",
        data=json.dumps({"included": False}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["included"] is False
    r = post(client, f"{BASE}/plans/{plan['id']}/apply", {})
    assert r.status_code == 400 and "没有纳入的配对" in r.json()["message"]
    client.force_login(d.user("grid_worker"))
    assert post(client, f"{BASE}/plans", {"place_code": d.communities["A1"].code}).status_code == 403
