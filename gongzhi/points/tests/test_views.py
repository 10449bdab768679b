"""Pages, the API and the figures of points: the console and H5 pages render for whom they serve, the
public board masks names from its named fields, the overview's ``points`` counts the records, the API
answers bad input in Chinese in the one error shape with nothing written."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.points.models import Claim, Redemption
from gongzhi.points.selectors import PUBLIC_BOARD_FIELDS
from gongzhi.points.tests.factories import award, make_goods, make_rule

pytestmark = pytest.mark.django_db


def test_the_console_pages_render_for_the_community(district, client):
    award(district, district.households["g1"][0], 4)
    goods = make_goods(district)
    client.force_login(district.user("community_worker"))
    for url in [
        "/console/points/rules/",
        "/console/points/claims/?status=all",
        "/console/points/accounts/?verify=1",
        "/console/points/goods/",
        f"/console/points/goods/{goods.pk}/",
        "/console/points/counter/",
        "/console/points/redemptions/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
    assert "哈希链校验通过" in client.get("/console/points/accounts/?verify=1").content.decode()


def test_the_public_board_shows_masked_names_only(district, client):
    hh = district.households["g1"][0]
    award(district, hh, 9)
    head = district.persons["g1"][0]
    body = client.get(f"/api/v1/points/board/{hh.community_code}").json()
    assert [set(r) for r in body] == [set(PUBLIC_BOARD_FIELDS)]
    assert body[0]["points"] == 9 and body[0]["name"].startswith(head.name[0])
    assert body[0]["name"] != head.name and len(body[0]["name"]) == 2
    page = client.get(f"/h5/points/board/{hh.community_code}/").content.decode()
    assert head.name not in page and body[0]["name"] in page
    assert client.get("/h5/points/board/999999999999/").status_code == 404


def test_the_overview_counts_points_from_the_records(district, client):
    hh = district.households["g1"][0]
    award(district, hh, 10)
    goods = make_goods(district, price=3)
    client.force_login(district.user("resident"))
    r = client.post(
        "/api/v1/points/redemptions", {"goods_id": goods.pk, "quantity": 2}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    body = client.get("/api/v1/overview").json()["points"]
    assert set(body) == {
        "rules",
        "households_with_points",
        "points_awarded_this_year",
        "points_redeemed_this_year",
        "shop_items",
    }
    assert body["points_awarded_this_year"] == 10 and body["points_redeemed_this_year"] == 6
    assert body["households_with_points"] == 1 and body["shop_items"] == 1 and body["rules"] == 1


def test_the_api_refuses_bad_input_in_chinese_and_writes_nothing(district, client):
    rule = make_rule(district)
    goods = make_goods(district, price=50, stock=1)
    client.force_login(district.user("resident"))
    r = client.post(
        "/api/v1/points/claims",
        {"rule_id": rule.pk, "points": -5, "description": "清扫", "occurred_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert r.status_code == 400 and "负数" in r.json()["message"]
    r = client.post("/api/v1/points/redemptions", {"goods_id": goods.pk}, content_type="application/json")
    assert r.status_code == 409 and "积分余额不足" in r.json()["message"]
    assert Claim.objects.count() == 0 and Redemption.objects.count() == 0


def test_the_resident_sees_their_statement_and_reports_on_h5(district, client):
    make_rule(district)
    award(district, district.households["g1"][0], 5)
    client.force_login(district.user("resident"))
    page = client.get("/h5/points/").content.decode()
    assert 'data-testid="balance">5<' in page
    r = client.post(
        "/h5/points/report/",
        {"rule_id": "999999", "points": "3", "description": "清扫", "occurred_on": str(timezone.localdate())},
    )
    assert r.status_code == 400 and "积分规则不存在" in r.content.decode()
