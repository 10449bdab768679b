"""The mediation API: scoped lists and details with the parties masked, registering in Chinese, the
warning run for the district admin only, the public mediator pool without contact data."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.mediation.models import Case
from gongzhi.mediation.tests.factories import make_case, make_org

pytestmark = pytest.mark.django_db


def api(district, key: str) -> Client:
    c = Client()
    c.force_login(district.user(key))
    return c


def test_cases_scoped_and_masked(district):
    org = make_org(district)
    case = make_case(district, org)
    cw = api(district, "community_worker")
    assert [row["id"] for row in cw.get("/api/v1/mediation/cases").json()] == [case.pk]
    detail = cw.get(f"/api/v1/mediation/cases/{case.pk}").json()
    assert {p["phone_masked"] for p in detail["parties"]} >= {"139****5678"}
    assert "13912345678" not in str(detail)
    assert api(district, "grid_worker").get(f"/api/v1/mediation/cases/{case.pk}").status_code == 404
    assert api(district, "grid_worker").get("/api/v1/mediation/cases").json() == []


def test_register_refuses_bad_input_in_chinese(district):
    org = make_org(district)
    before = Case.objects.count()
    response = api(district, "community_worker").post(
        "/api/v1/mediation/cases",
        {"committee_id": org.committee.pk, "source": "visit", "kind": "unknown", "title": " ", "facts": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "请选择纠纷类型" in str(body) and "请填写纠纷概要" in str(body)
    assert Case.objects.count() == before


def test_warning_run_is_the_district_admins(district):
    code = district.district.code
    assert (
        api(district, "community_worker")
        .post("/api/v1/mediation/warnings/run", {"district_code": code}, content_type="application/json")
        .status_code
        == 404
    )
    response = api(district, "district_admin").post(
        "/api/v1/mediation/warnings/run", {"district_code": code}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["total"] == 0


def test_public_mediator_pool(district):
    make_org(district)
    rows = Client().get("/api/v1/mediation/public/mediators").json()
    assert {r["name"] for r in rows} == {"卜哥", "王律师"}
    assert set(rows[0]) == {"name", "kind", "speciality", "committee"}
