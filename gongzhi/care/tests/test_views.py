"""The console pages render for the population roles of the place, with the figures and the empty states;
the home page shows the worker's overdue people; the overview carries the ``care`` key from the records."""

from __future__ import annotations

import pytest

from gongzhi.care.tests.factories import days_ago, enter, visit

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_grid_worker(district, client):
    d = district
    p = d.persons["g1"][0]
    enter(d, p, on=days_ago(60), frequency="monthly")
    v = visit(d, d.persons["g1"][1], difficulties="想要助餐服务")
    client.force_login(d.user("grid_worker"))
    for url, expected in (
        ("/console/care/", p.name),
        ("/console/care/overdue/", p.name),
        (f"/console/care/persons/{p.pk}/", "纳入重点人群"),
        (f"/console/care/visits/new/{p.pk}/", "保存走访"),
        (f"/console/care/visits/{v.pk}/", "想要助餐服务"),
        ("/console/care/visits/", "想要助餐服务"),
        ("/console/care/care-visits/", "登记慰问"),
        ("/console/", "我包联的应访未访"),
    ):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert expected in r.content.decode(), url
    home = client.get("/console/").content.decode()
    assert 'data-figure="care-overdue-mine"><a href="/console/care/overdue/?mine=1">1<' in home


def test_empty_states_say_what_to_do(district, client):
    client.force_login(district.user("community_worker"))
    assert "打开人员页即可纳入" in client.get("/console/care/").content.decode()
    assert "没有应访未访的对象" in client.get("/console/care/overdue/").content.decode()
    assert "请先在“重点人群”中纳入" in client.get("/console/care/care-visits/").content.decode()


def test_visit_form_refusal_shows_the_message_and_writes_nothing(district, client):
    from gongzhi.care.models import Visit

    d = district
    p = d.persons["g1"][0]
    client.force_login(d.user("grid_worker"))
    r = client.post(f"/console/care/visits/new/{p.pk}/", {"visited_on": "2999-01-01", "visitors": ""})
    assert r.status_code == 400 and "走访日期" in r.content.decode()
    assert Visit.objects.count() == 0


def test_overview_care_key_counts_the_records(district, client):
    d = district
    a, b = d.persons["g1"][0], d.persons["g2"][0]
    enter(d, a, on=days_ago(60), frequency="monthly")
    enter(d, a, "low_income", on=days_ago(2), frequency="monthly")
    enter(d, b, on=days_ago(3), frequency="weekly", actor="community_worker", carer=None)
    visit(d, b, actor="community_worker")
    care = client.get("/api/v1/overview").json()["care"]
    assert care == {"people_in_care_groups": 2, "visits_this_month": 1, "visits_overdue": 1}
