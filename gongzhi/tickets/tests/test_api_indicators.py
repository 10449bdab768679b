"""/api/v1/tickets/indicators and the tickets block of /api/v1/overview."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Level
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import report
from gongzhi.tickets.tests.test_indicators import build_varied

URL = "/api/v1/tickets/indicators"
NOV = {"start": "2026-11-01", "end": "2026-11-30"}


def test_indicators_api_total_children_and_errors(district, client):
    build_varied(district)
    assert client.get(URL, {"level": "district", "code": "370115", **NOV}).status_code == 401
    client.force_login(district.user("district_admin"))
    r = client.get(
        URL, {"level": "district", "code": "370115", "by": "community", "sort": "closure_rate", **NOV}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    total = body["total"]
    assert (total["reported"], total["closed"]) == (7, 4)
    assert total["closure_rate"] == {"value": 0.8, "numerator": 4, "denominator": 5}
    assert total["on_time_rate"] == {"value": 0.5, "numerator": 2, "denominator": 4}
    assert total["avg_handling_hours"] == round(596400 / 4 / 3600, 2)
    assert {c["name"] for c in body["children"]} == {"银山社区", "城里社区", "安大社区"}
    assert sum(c["reported"] for c in body["children"]) == 7
    quiet = next(c for c in body["children"] if c["name"] == "安大社区")
    assert quiet["satisfaction_rate"] == {"value": None, "numerator": 0, "denominator": 0}
    assert quiet["rank"] is None

    bad = client.get(URL, {"level": "planet", "code": "1"})
    assert bad.status_code == 400 and "level" in bad.json()["fields"]
    assert client.get(URL, {"level": "district", "code": "370115", "start": "2026-13-01"}).status_code == 400
    assert client.get(URL, {"level": "district", "code": "370115", "by": "district"}).status_code == 400

    client.force_login(district.user("grid_worker"))
    mine = client.get(URL, NOV)  # no place given: the actor's own (their grid)
    assert mine.status_code == 200 and mine.json()["total"]["level"] == Level.GRID
    assert mine.json()["total"]["reported"] == 5
    denied = client.get(URL, {"level": "district", "code": "370115", **NOV})
    assert denied.status_code == 404 and denied.json()["code"] == "not_found"


def test_overview_tickets_this_year(district, client):
    now = timezone.now()
    gw = district.user("grid_worker")
    a = report(district, "resident", "路灯不亮", now=now - timedelta(minutes=5))
    svc.ticket_accept(actor=gw, ticket_id=a.pk, now=now - timedelta(minutes=4))
    svc.ticket_dispatch(
        actor=gw,
        ticket_id=a.pk,
        level=Level.GRID,
        limit_amount=2,
        limit_unit="working_days",
        now=now - timedelta(minutes=4),
    )
    svc.ticket_handle(actor=gw, ticket_id=a.pk, result="修好了", now=now - timedelta(minutes=3))
    cw = district.user("community_worker")  # who handled it neither verifies nor calls back
    svc.ticket_verify(actor=cw, ticket_id=a.pk, passed=True, now=now - timedelta(minutes=2))
    svc.ticket_callback(actor=cw, ticket_id=a.pk, satisfaction="satisfied", now=now - timedelta(minutes=1))
    report(district, "resident", "井盖丢了", now=now - timedelta(seconds=30))
    body = client.get("/api/v1/overview").json()["tickets"]
    assert body["this_year_by_status"] == {"called_back": 1, "reported": 1}
    assert body["this_year_total"] == Ticket.objects.count() == 2
    assert body["on_time_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert body["satisfaction_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert body["closure_rate"] == {"value": 0.0, "numerator": 0, "denominator": 2}
