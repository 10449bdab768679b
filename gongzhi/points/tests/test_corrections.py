"""Corrections from the console and the API: a rule is revised by publishing a new version (the old one
ends the day before), a wrong posting is corrected by a reversing posting (冲正); bad input is answered in
Chinese with nothing written, a second reversal is refused, and staff of other places get a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.points.models import Account, PointRule, Posting
from gongzhi.points.tests.factories import award, make_goods, make_rule

pytestmark = pytest.mark.django_db


def _revision(rule: PointRule, **kw: object) -> dict[str, object]:
    data = {
        "name": rule.name,
        "direction": rule.direction,
        "category": rule.category,
        "points_min": rule.points_min,
        "points_max": 20,
        "unit": rule.unit,
        "evidence": rule.evidence,
        "yearly_cap": 0,
        "valid_from": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "source": rule.source,
    }
    data.update(kw)
    return data


def test_the_console_publishes_a_new_version_and_ends_the_old_one(district, client):
    rule = make_rule(district)
    client.force_login(district.user("community_worker"))
    page = client.get(f"/console/points/rules/{rule.pk}/").content.decode()
    assert "发布新版本" in page and rule.name in page
    r = client.post(f"/console/points/rules/{rule.pk}/", _revision(rule, name="门前三包（新）"))
    assert r.status_code == 302
    new = PointRule.objects.get(code=rule.code, version=2)
    rule.refresh_from_db()
    assert new.name == "门前三包（新）" and new.points_max == 20
    assert rule.valid_to == new.valid_from - dt.timedelta(days=1)
    assert AuditEvent.objects.filter(event_type="points.rule_revised", target_id=str(new.pk)).exists()
    # an old version cannot be revised again; the page says so and offers no form
    old_page = client.get(f"/console/points/rules/{rule.pk}/").content.decode()
    assert "只能修订最新版本" in old_page and "rule-revise-form" not in old_page
    r = client.post(f"/console/points/rules/{rule.pk}/", _revision(rule))
    assert r.status_code == 400 and PointRule.objects.filter(code=rule.code).count() == 2


def test_a_revision_from_an_earlier_date_is_refused_in_chinese_and_writes_nothing(district, client):
    rule = make_rule(district)
    client.force_login(district.user("community_worker"))
    earlier = (rule.valid_from - dt.timedelta(days=1)).isoformat()
    r = client.post(f"/console/points/rules/{rule.pk}/", _revision(rule, valid_from=earlier))
    assert r.status_code == 400 and "新版本的生效日期应晚于现行版本" in r.content.decode()
    r = client.post(f"/console/points/rules/{rule.pk}/", _revision(rule, points_min=9, points_max=3))
    assert r.status_code == 400 and "最高分值不能小于最低分值" in r.content.decode()
    rule.refresh_from_db()
    assert rule.valid_to is None and PointRule.objects.filter(code=rule.code).count() == 1


def test_the_api_revises_and_staff_of_other_places_get_404(district, client):
    rule = make_rule(district)
    client.force_login(district.user("grid_worker"))  # reads the rules, does not manage them: not found
    r = client.post(
        f"/api/v1/points/rules/{rule.pk}/revise", _revision(rule), content_type="application/json"
    )
    assert r.status_code == 404
    client.force_login(district.user("department_handler"))
    r = client.post(
        f"/api/v1/points/rules/{rule.pk}/revise", _revision(rule), content_type="application/json"
    )
    assert r.status_code == 404
    assert client.get(f"/console/points/rules/{rule.pk}/").status_code == 404
    client.force_login(district.user("community_secretary"))
    r = client.post(
        f"/api/v1/points/rules/{rule.pk}/revise", _revision(rule), content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["version"] == 2


def _household_account(household) -> Account:
    return Account.objects.get(household=household)


def test_a_reversal_from_the_journal_gives_the_points_back_once(district, client):
    hh = district.households["g1"][0]
    award(district, hh, 6)
    posting = Posting.objects.get(kind="award")
    client.force_login(district.user("community_secretary"))
    page = client.get(f"/console/points/postings/?community_code={hh.community_code}").content.decode()
    assert f"第{posting.seq}号分录的冲正原因" in page and "+6" in page
    # no reason: refused, nothing written
    r = client.post(f"/console/points/postings/{posting.pk}/reverse/", {"reason": " "}, follow=True)
    assert "请填写冲正原因" in r.content.decode() and Posting.objects.count() == 1
    r = client.post(f"/console/points/postings/{posting.pk}/reverse/", {"reason": "重复申报"}, follow=True)
    assert f"已冲正第{posting.seq}号分录" in r.content.decode()
    reversal = Posting.objects.get(reverses=posting)
    assert reversal.kind == "reversal" and "重复申报" in reversal.memo
    assert sorted(reversal.legs.values_list("amount", flat=True)) == sorted(
        -n for n in posting.legs.values_list("amount", flat=True)
    )
    assert _household_account(hh).balance == 0
    assert (
        "已冲正"
        in client.get(f"/console/points/postings/?community_code={hh.community_code}").content.decode()
    )
    # a second reversal of the same posting, and a reversal of the reversal: refused, nothing written
    r = client.post(f"/console/points/postings/{posting.pk}/reverse/", {"reason": "再冲一次"}, follow=True)
    assert "不能再次冲正" in r.content.decode()
    r = client.post(
        f"/api/v1/points/postings/{reversal.pk}/reverse",
        {"reason": "冲正的冲正"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert Posting.objects.count() == 2


def test_a_reversal_of_points_already_spent_is_refused(district, client):
    hh = district.households["g1"][0]
    award(district, hh, 6)
    posting = Posting.objects.get(kind="award")
    goods = make_goods(district, price=5)
    client.force_login(district.user("resident"))
    assert (
        client.post(
            "/api/v1/points/redemptions", {"goods_id": goods.pk}, content_type="application/json"
        ).status_code
        == 201
    )
    client.force_login(district.user("community_secretary"))
    r = client.post(
        f"/api/v1/points/postings/{posting.pk}/reverse", {"reason": "误记"}, content_type="application/json"
    )
    assert r.status_code == 409 and "余额不足以冲正" in r.json()["message"]
    assert _household_account(hh).balance == 1 and not Posting.objects.filter(reverses=posting).exists()


def test_the_journal_api_is_scoped_and_the_reversal_answers_its_legs(district, client):
    hh = district.households["g1"][0]
    award(district, hh, 4)
    posting = Posting.objects.get(kind="award")
    client.force_login(district.user("department_handler"))
    assert client.get("/api/v1/points/postings").json() == []
    r = client.post(
        f"/api/v1/points/postings/{posting.pk}/reverse", {"reason": "误记"}, content_type="application/json"
    )
    assert r.status_code == 404
    client.force_login(district.user("community_worker"))
    rows = client.get(f"/api/v1/points/postings?community_code={hh.community_code}").json()
    assert [p["seq"] for p in rows] == [posting.seq] and sum(leg["amount"] for leg in rows[0]["legs"]) == 0
    r = client.post(
        f"/api/v1/points/postings/{posting.pk}/reverse", {"reason": "误记"}, content_type="application/json"
    )
    assert r.status_code == 201
    body = r.json()
    assert body["kind"] == "reversal" and body["reverses_id"] == posting.pk
    assert {leg["amount"] for leg in body["legs"]} == {4, -4}
    long = {"reason": "长" * 151}
    r = client.post(f"/api/v1/points/postings/{posting.pk}/reverse", long, content_type="application/json")
    assert r.status_code == 400
