"""Category editing by the district admin: services (two levels, fixed codes, validation, audit,
permission), the API and the console page."""

from __future__ import annotations

import json

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Category
from gongzhi.tickets.services.categories import category_create, category_update
from gongzhi.tickets.tests.helpers import report

QUESTIONS = [
    {
        "code": "floor",
        "label": "楼层",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [{"key": "1", "name": "一层"}, {"key": "2", "name": "二层"}],
    },
    {"code": "note", "label": "补充说明", "datatype": "text"},
]


def test_admin_adds_a_small_class_and_edits_it(district):
    admin = district.user("district_admin")
    c = category_create(
        actor=admin,
        code="301099",
        values={
            "parent_code": "301",
            "name": "电动车楼道充电",
            "keywords": "电动车，充电、飞线",
            "default_level": "community",
            "department_code": "cgj",
            "limit_amount": 2,
            "limit_unit": "working_days",
            "questions": QUESTIONS,
        },
    )
    assert c.parent is not None and c.parent.code == "301" and c.kind == c.parent.kind
    assert (
        c.keywords == "电动车 充电 飞线"
        and c.questions[1]["values"] == []
        and c.questions[1]["required"] is False
    )
    assert c.public and c.active
    updated = category_update(
        actor=admin,
        code="301099",
        values={"name": "电动车违规充电", "limit_amount": "8", "limit_unit": "working_hours"},
    )
    assert (updated.name, updated.limit_amount, updated.limit_unit) == ("电动车违规充电", 8, "working_hours")
    audits = AuditEvent.objects.filter(event_type="tickets.category_saved", target_id=str(c.pk)).order_by(
        "id"
    )
    assert [a.data["created"] for a in audits] == [True, False]
    assert audits[1].data["changes"]["name"] == ["电动车楼道充电", "电动车违规充电"]
    # Saving again with nothing changed writes no audit row.
    category_update(actor=admin, code="301099", values={"name": "电动车违规充电"})
    assert audits.count() == 2
    # The new class is used at once, with its questions checked on report: a connected system (which
    # reads the service definition) must answer a required one; a resident's phone report is not refused.
    with pytest.raises(ValidationFailed):
        report(district, None, "楼道里有人给电动车充电", category_code="301099", channel="api")
    with pytest.raises(ValidationFailed):
        report(district, "resident", "楼道充电", category_code="301099", attributes={"floor": "二楼"})
    ticket = report(
        district,
        None,
        "楼道里有人给电动车充电",
        category_code="301099",
        channel="api",
        attributes={"floor": "2"},
    )
    assert ticket.category_id == c.pk
    assert report(district, "resident", "楼道里有人充电", category_code="301099").category_id == c.pk


def test_a_major_class(district):
    admin = district.user("district_admin")
    major = category_create(actor=admin, code="399", values={"name": "疫情防控", "kind": "community"})
    assert major.parent is None
    with pytest.raises(ValidationFailed) as exc:
        category_create(actor=admin, code="398", values={"name": "缺类别"})
    assert "kind" in exc.value.fields


@pytest.mark.parametrize(
    ("code", "values", "field"),
    [
        ("101018", {"name": "重复", "parent_code": "101"}, "code"),
        ("10-1", {"name": "坏代码", "parent_code": "101"}, "code"),
        ("101999", {"name": "三级", "parent_code": "101018"}, "parent_code"),
        ("101999", {"name": "无父", "parent_code": "999"}, "parent_code"),
        ("101999", {"name": "", "parent_code": "101"}, "name"),
        ("101999", {"name": "路灯", "parent_code": "101"}, "name"),
        ("101999", {"name": "新", "parent_code": "101", "default_level": "nation"}, "default_level"),
        ("101999", {"name": "新", "parent_code": "101", "limit_unit": "weeks"}, "limit_unit"),
        ("101999", {"name": "新", "parent_code": "101", "limit_amount": 0}, "limit_amount"),
        ("101999", {"name": "新", "parent_code": "101", "limit_amount": 400}, "limit_amount"),
        ("101999", {"name": "新", "parent_code": "101", "department_code": "nope"}, "department_code"),
        ("101999", {"name": "新", "parent_code": "101", "kind": "event"}, "kind"),
        ("101999", {"name": "新", "parent_code": "101", "questions": "not json"}, "questions"),
        (
            "101999",
            {"name": "新", "parent_code": "101", "questions": [{"code": "1x", "label": "a"}]},
            "questions",
        ),
        (
            "101999",
            {
                "name": "新",
                "parent_code": "101",
                "questions": [{"code": "a", "label": "a", "datatype": "file"}],
            },
            "questions",
        ),
        (
            "101999",
            {
                "name": "新",
                "parent_code": "101",
                "questions": [{"code": "a", "label": "a", "datatype": "singlevaluelist"}],
            },
            "questions",
        ),
        (
            "101999",
            {
                "name": "新",
                "parent_code": "101",
                "questions": [
                    {"code": "a", "label": "a", "datatype": "string", "values": [{"key": "1", "name": "x"}]}
                ],
            },
            "questions",
        ),
        (
            "101999",
            {
                "name": "新",
                "parent_code": "101",
                "questions": [{"code": "a", "label": "A"}, {"code": "a", "label": "B"}],
            },
            "questions",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_written(district, code, values, field):
    before = (
        Category.objects.count(),
        AuditEvent.objects.filter(event_type="tickets.category_saved").count(),
    )
    with pytest.raises(ValidationFailed) as exc:
        category_create(actor=district.user("district_admin"), code=code, values=values)
    assert field in exc.value.fields, exc.value.fields
    after = (Category.objects.count(), AuditEvent.objects.filter(event_type="tickets.category_saved").count())
    assert after == before


def test_codes_are_fixed_and_the_tree_stays_two_levels(district):
    admin = district.user("district_admin")
    with pytest.raises(ValidationFailed) as exc:
        category_update(actor=admin, code="101018", values={"code": "101019"})
    assert "code" in exc.value.fields
    with pytest.raises(ValidationFailed):  # a major with small classes cannot become a small class
        category_update(actor=admin, code="102", values={"parent_code": "101"})
    with pytest.raises(ValidationFailed):
        category_update(actor=admin, code="101018", values={"parent_code": "101018"})
    with pytest.raises(ValidationFailed):
        category_update(actor=admin, code="101018", values={"secret": 1})
    with pytest.raises(NotFound):
        category_update(actor=admin, code="000000", values={"name": "x"})
    moved = category_update(actor=admin, code="101018", values={"parent_code": "103"})
    assert moved.parent is not None and moved.parent.code == "103"


def test_deactivated_category_is_refused_on_report(district):
    # Used once first, so the per-process category cache holds it when it is switched off.
    svc.ticket_report(
        actor=district.user("resident"), data=svc.TicketInput(description="路灯不亮", category_code="101018")
    )
    category_update(actor=district.user("district_admin"), code="101018", values={"active": False})
    with pytest.raises(ValidationFailed):
        svc.ticket_report(
            actor=district.user("resident"), data=svc.TicketInput(description="路灯", category_code="101018")
        )


@pytest.mark.parametrize(
    "user", ["subdistrict_staff", "community_secretary", "grid_worker", "auditor", "resident"]
)
def test_only_district_admins(district, user):
    with pytest.raises(Forbidden):
        category_update(actor=district.user(user), code="101018", values={"name": "x"})
    with pytest.raises(Forbidden):
        category_create(actor=district.user(user), code="101999", values={"name": "x", "parent_code": "101"})


def test_api(district, client):
    client.force_login(district.user("district_admin"))
    listing = client.get("/api/v1/tickets/category-admin").json()
    assert any(c["code"] == "101018" and c["parent_code"] == "101" for c in listing)
    resp = client.post(
        "/api/v1/tickets/category-admin",
        json.dumps({"code": "101098", "parent_code": "101", "name": "充电桩", "questions": QUESTIONS}),
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["questions"][0]["values"][1] == {"key": "2", "name": "二层"}
    resp = client.patch(
        "/api/v1/tickets/category-admin/101098",
        json.dumps({"public": False}),
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["public"] is False
    bad = client.patch(
        "/api/v1/tickets/category-admin/101098",
        json.dumps({"limit_amount": "x"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["fields"] == {"limit_amount": "处置时限应为整数"}
    assert (
        client.patch("/api/v1/tickets/category-admin/nope", "{}", content_type="application/json").status_code
        == 404
    )
    public = client.get("/api/v1/tickets/categories").json()
    assert any(k["code"] == "101098" for m in public for k in m["children"])  # the read shows it at once
    client.force_login(district.user("community_worker"))
    assert client.get("/api/v1/tickets/category-admin").status_code == 403
    assert (
        client.patch(
            "/api/v1/tickets/category-admin/101018",
            json.dumps({"name": "x"}),
            content_type="application/json",
        ).status_code
        == 403
    )


def test_console_page(district, client):
    client.force_login(district.user("district_admin"))
    page = client.get("/console/tickets/categories/edit/").content.decode()
    assert 'data-testid="category-form-101018"' in page and 'data-testid="category-add-101"' in page
    resp = client.post(
        "/console/tickets/categories/edit/101018/",
        {
            "name": "路灯照明",
            "keywords": "路灯 不亮",
            "default_level": "department",
            "department_code": "cgj",
            "limit_amount": "2",
            "limit_unit": "working_days",
            "order": "5",
            "active": "on",
            "description": "",
            "close_conditions": "恢复照明",
            "questions": "",
        },
        follow=True,
    )
    c = Category.objects.get(code="101018")
    assert (c.name, c.limit_amount, c.public, c.active, c.close_conditions) == (
        "路灯照明",
        2,
        False,
        True,
        "恢复照明",
    )
    assert "已保存分类" in resp.content.decode()
    resp = client.post("/console/tickets/categories/edit/101018/", {"name": "", "active": "on"}, follow=True)
    assert "请填写名称" in resp.content.decode() and Category.objects.get(code="101018").name == "路灯照明"
    client.post(
        "/console/tickets/categories/edit/new/", {"code": "101097", "name": "新小类", "parent_code": "101"}
    )
    added = Category.objects.select_related("parent").get(code="101097")
    assert added.parent is not None and added.parent.code == "101"
    client.force_login(district.user("subdistrict_staff"))
    assert client.get("/console/tickets/categories/edit/").status_code == 404
    assert client.post("/console/tickets/categories/edit/101018/", {"name": "x"}).status_code == 404


def test_the_category_cache_follows_a_change_made_outside_the_services(district, settings):
    """Another process's change (seen here as a raw UPDATE, which sends no signal) is picked up when the
    cache period ends; within it the cached category answers without a query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.tickets.models import Category
    from gongzhi.tickets.services.intake import category_by_code

    settings.CATEGORY_CACHE_SECONDS = 3600
    assert category_by_code("101018") is not None
    with CaptureQueriesContext(connection) as ctx:
        assert category_by_code("101018") is not None
    assert len(ctx.captured_queries) == 0
    Category.objects.filter(code="101018").update(active=False)
    assert category_by_code("101018") is not None  # still within the period
    settings.CATEGORY_CACHE_SECONDS = 0
    with pytest.raises(ValidationFailed):
        category_by_code("101018")
