"""The socialorgs API: register (bad input in Chinese, nothing written), the funded project's flow with
decimal yuan, the contest's scoring sheet and ranking, scope, the overview's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.socialorgs.models import FundedProject, OrganizationProfile
from gongzhi.socialorgs.tests.factories import applied, organization
from gongzhi.volunteers.models import SocialOrganization

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _body(district, **kw):
    body = {
        "community_id": district.communities["A1"].pk,
        "name": "银山邻里互助会",
        "kind": "community_service",
        "legal_status": "filed",
        "filing_number": "JY-2026-01",
        "field": "邻里互助",
        "party_instructor": "王指导",
        "contact_phone": "13912340000",
    }
    body.update(kw)
    return body


def test_register_through_the_api_with_the_phone_masked(district, client):
    client.force_login(district.user("community_worker"))
    r = client.post("/api/v1/socialorgs/organizations", _body(district), content_type=JSON)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["name"], body["contact_phone_masked"]) == ("银山邻里互助会", "139****0000")
    assert "13912340000" not in r.content.decode()
    listed = client.get("/api/v1/socialorgs/organizations").json()
    assert [o["name"] for o in listed] == ["银山邻里互助会"]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"kind": "club"}, "kind", "请选择组织类型：枢纽型、行业类或社区服务类"),
        ({"filing_number": ""}, "filing_number", "街道备案的组织请填写备案编号"),
        ({"contact_phone": "12345"}, "contact_phone", None),
        ({"uscc": "91370100MA3C0000ZZ"}, "uscc", "统一社会信用代码格式不正确"),
        ({"party_instructor": ""}, "party_instructor", "请选择组织的党组织，或填写选派的党建指导员"),
    ],
)
def test_bad_input_is_answered_in_chinese_and_nothing_is_written(district, client, change, field, message):
    client.force_login(district.user("community_worker"))
    before = (
        SocialOrganization.objects.count(),
        OrganizationProfile.objects.count(),
        AuditEvent.objects.count(),
    )
    r = client.post("/api/v1/socialorgs/organizations", _body(district, **change), content_type=JSON)
    assert r.status_code == 400, r.content
    err = r.json()
    assert field in err["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])
    if message:
        assert err["fields"][field] == message
    assert (
        SocialOrganization.objects.count(),
        OrganizationProfile.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_the_funded_project_flow_through_the_api_in_decimal_yuan(district, client):
    p = organization(district)
    client.force_login(district.user("community_worker"))
    r = client.post(
        "/api/v1/socialorgs/projects",
        {
            "organization_id": p.organization_id,
            "year": 2026,
            "title": "四点半课堂",
            "summary": "放学后托管",
            "category": "education",
            "beneficiaries": "双职工家庭儿童",
            "requested_yuan": "12000.10",
        },
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert Decimal(r.json()["requested_yuan"]) == Decimal("12000.10")
    for who, score in (("community_secretary", 88), ("subdistrict_staff", 91)):
        client.force_login(district.user(who))
        assert (
            client.post(
                f"/api/v1/socialorgs/projects/{pid}/reviews", {"score": score}, content_type=JSON
            ).status_code
            == 201
        )
    r = client.post(
        f"/api/v1/socialorgs/projects/{pid}/decision",
        {"approve": True, "granted_yuan": "10000.05"},
        content_type=JSON,
    )
    assert r.status_code == 200 and Decimal(r.json()["granted_yuan"]) == Decimal("10000.05")
    assert r.json()["resource_id"]
    r = client.post(
        f"/api/v1/socialorgs/projects/{pid}/decision", {"approve": False, "note": "x"}, content_type=JSON
    )
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    assert "已立项" in r.json()["message"]
    client.force_login(district.user("community_worker"))
    r = client.post(
        f"/api/v1/socialorgs/projects/{pid}/deliveries",
        {"title": "第一课", "person_times": 0},
        content_type=JSON,
    )
    assert r.status_code == 400 and r.json()["fields"]["person_times"] == "服务人次应至少为1"
    r = client.post(
        f"/api/v1/socialorgs/projects/{pid}/deliveries",
        {"title": "第一课", "person_times": 24},
        content_type=JSON,
    )
    assert r.status_code == 201
    client.force_login(district.user("subdistrict_staff"))
    r = client.post(
        f"/api/v1/socialorgs/projects/{pid}/close", {"report": "完成", "score": 70}, content_type=JSON
    )
    assert r.status_code == 200 and r.json()["grade"] == "B"
    ov = client.get("/api/v1/overview").json()["social_organizations"]
    assert ov == {
        "organizations": 1,
        "incubated": 0,
        "funded_projects": 1,
        "funds_yuan": 10000.05,
        "licensed_social_workers": 0,
    }
    assert FundedProject.objects.get(pk=pid).person_times == 24


def test_a_reviewer_who_applied_is_refused_in_the_one_error_shape(district, client):
    from gongzhi.socialorgs.services.projects import funded_project_apply
    from gongzhi.socialorgs.tests.factories import project_input

    p = organization(district)
    project = funded_project_apply(
        actor=district.user("community_secretary"), organization_id=p.organization_id, data=project_input()
    )
    client.force_login(district.user("community_secretary"))
    r = client.post(f"/api/v1/socialorgs/projects/{project.pk}/reviews", {"score": 99}, content_type=JSON)
    assert r.status_code == 403 and r.json()["code"] == "own_work"


def test_scope_of_projects_and_the_contest_api(district, client):
    from gongzhi.socialorgs.services.contests import (
        contest_entry_add,
        contest_judge_add,
        contest_open,
        contest_scoring_start,
    )

    p = organization(district)
    project = applied(district, p)
    client.force_login(district.user("grid_worker"))
    assert client.get(f"/api/v1/socialorgs/projects/{project.pk}").status_code == 404
    assert client.get("/api/v1/socialorgs/projects").json() == []
    ss = district.user("subdistrict_staff")
    contest = contest_open(
        actor=ss, subdistrict_code=district.subdistricts["A"].code, year=2026, title="大赛"
    )
    entry = contest_entry_add(
        actor=district.user("community_worker"),
        contest_id=contest.pk,
        organization_id=p.organization_id,
        title="参赛甲",
    )
    contest_judge_add(actor=ss, contest_id=contest.pk, username="district_admin")
    contest_scoring_start(actor=ss, contest_id=contest.pk)
    client.force_login(district.user("district_admin"))
    r = client.post(
        f"/api/v1/socialorgs/entries/{entry.pk}/score",
        {"scores": {"need": 30, "innovation": 20, "feasibility": 20, "effect": "19.5", "sustainability": 10}},
        content_type=JSON,
    )
    assert r.status_code == 201 and Decimal(r.json()["total"]) == Decimal("99.5")
    r = client.post(
        f"/api/v1/socialorgs/entries/{entry.pk}/score", {"scores": {"need": 30}}, content_type=JSON
    )
    assert r.status_code in (400, 409)
    body = client.get(f"/api/v1/socialorgs/contests/{contest.pk}").json()
    assert body["entries"][0]["sheets"] == 1
    client.force_login(district.user("grid_worker_g2"))
    assert client.get(f"/api/v1/socialorgs/contests/{contest.pk}").status_code == 404
