"""Patrols: start / check in / end (permission, one active patrol, bad coordinates), tickets found on the
way, daily coverage and the monthly summary on hand-made data, and the summary's query count."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.audit.models import AuditEvent
from gongzhi.core.coords import from_wgs84
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.scope import scope_of
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, PatrolStatus, TicketStatus
from gongzhi.tickets.models import Patrol, PatrolCheckIn, Ticket
from gongzhi.tickets.selectors.patrols import patrol_coverage, patrol_month_summary
from gongzhi.tickets.services.patrols import patrol_check_in, patrol_end, patrol_start
from gongzhi.tickets.tests.helpers import G1_POINT, G2_POINT

SH = ZoneInfo("Asia/Shanghai")


def _t(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SH)


def test_start_check_in_end(district):
    worker = district.user("grid_worker")
    g1 = district.grids["g1"]
    patrol = patrol_start(actor=worker, grid_code=g1.code, now=_t(20))
    assert (patrol.status, patrol.day, patrol.grid_code, patrol.community_code) == (
        PatrolStatus.ACTIVE,
        date(2026, 11, 20),
        g1.code,
        g1.community_code,
    )
    inside = patrol_check_in(
        actor=worker, patrol_id=patrol.pk, lng=G1_POINT[0], lat=G1_POINT[1], now=_t(20, 10)
    )
    assert inside.grid_code == g1.code
    # A phone map SDK gives GCJ-02: stored as WGS-84, located in g2 (outside the patrolled grid).
    lng, lat = from_wgs84(*G2_POINT, "gcj02")
    outside = patrol_check_in(
        actor=worker, patrol_id=patrol.pk, lng=lng, lat=lat, coord_system="gcj02", note="越界巡查"
    )
    assert abs(outside.lng - G2_POINT[0]) < 1e-6 and outside.grid_code == district.grids["g2"].code
    far = patrol_check_in(actor=worker, patrol_id=patrol.pk, lng="117.5", lat="37.5")
    assert far.grid_code == ""
    ended = patrol_end(actor=worker, patrol_id=patrol.pk, note="巡查正常", now=_t(20, 11))
    assert ended.status == PatrolStatus.ENDED and ended.ended_at == _t(20, 11)
    events = list(
        AuditEvent.objects.filter(target_type="tickets.patrol", target_id=str(patrol.pk)).values_list(
            "event_type", flat=True
        )
    )
    assert events.count("tickets.patrol_started") == 1 and events.count("tickets.patrol_checked_in") == 3
    assert events.count("tickets.patrol_ended") == 1
    with pytest.raises(Conflict):
        patrol_check_in(actor=worker, patrol_id=patrol.pk, lng=G1_POINT[0], lat=G1_POINT[1])
    with pytest.raises(Conflict):
        patrol_end(actor=worker, patrol_id=patrol.pk)


def test_one_active_patrol_per_worker(district):
    head = district.user("grid_head")
    patrol_start(actor=head, grid_code=district.grids["g1"].code)
    with pytest.raises(Conflict) as exc:
        patrol_start(actor=head, grid_code=district.grids["g1"].code)
    assert "尚未结束" in exc.value.message
    assert Patrol.objects.filter(worker=head).count() == 1


@pytest.mark.parametrize("user", ["community_worker", "resident", "district_admin", "department_handler"])
def test_only_grid_workers_and_heads_start(district, user):
    with pytest.raises(Forbidden):
        patrol_start(actor=district.user(user), grid_code=district.grids["g1"].code)


def test_worker_patrols_only_their_grid(district):
    with pytest.raises(NotFound):
        patrol_start(actor=district.user("grid_worker"), grid_code=district.grids["g2"].code)
    with pytest.raises(NotFound):
        patrol_start(actor=district.user("grid_worker"), grid_code="370115001001999")
    assert Patrol.objects.count() == 0


def test_someone_elses_patrol_is_not_found(district):
    patrol = patrol_start(actor=district.user("grid_worker"), grid_code=district.grids["g1"].code)
    with pytest.raises(NotFound):
        patrol_check_in(
            actor=district.user("grid_head"), patrol_id=patrol.pk, lng=G1_POINT[0], lat=G1_POINT[1]
        )
    with pytest.raises(NotFound):
        patrol_end(actor=district.user("grid_worker_g2"), patrol_id=patrol.pk)


@pytest.mark.parametrize(
    ("lng", "lat", "system", "message"),
    [
        ("abc", 36.98, "wgs84", "经度"),
        (None, 36.98, "wgs84", "未获取到位置"),
        (36.985, 117.105, "wgs84", "写反"),
        (2.35, 48.85, "wgs84", "中国境内"),
        (117.105, 36.985, "utm", "坐标系"),
        (float("nan"), 36.98, "wgs84", ""),
    ],
)
def test_bad_coordinates_are_chinese_field_errors_and_write_nothing(district, lng, lat, system, message):
    worker = district.user("grid_worker")
    patrol = patrol_start(actor=worker, grid_code=district.grids["g1"].code)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        patrol_check_in(actor=worker, patrol_id=patrol.pk, lng=lng, lat=lat, coord_system=system)
    assert "location" in exc.value.fields and message in exc.value.fields["location"]
    assert PatrolCheckIn.objects.count() == 0 and AuditEvent.objects.count() == before


def test_ticket_found_on_the_way_links_to_the_patrol(district):
    worker = district.user("grid_worker")
    patrol = patrol_start(actor=worker, grid_code=district.grids["g1"].code)
    ticket = svc.ticket_report(
        actor=worker,
        data=svc.TicketInput(
            description="路边井盖缺失",
            channel=Channel.PATROL,
            patrol_id=patrol.pk,
            lng=G1_POINT[0],
            lat=G1_POINT[1],
        ),
    )
    assert ticket.patrol_id == patrol.pk and ticket.channel == Channel.PATROL


def _patrol(
    district, user: str, grid: str, day: int, checkins: int, tickets: tuple[str | None, ...] = (), month=11
):
    """A patrol of ``day`` with ``checkins`` check-ins and tickets of the given categories, through the services."""
    worker = district.user(user)
    patrol = patrol_start(actor=worker, grid_code=district.grids[grid].code, now=_t(day, 8, month))
    point = G1_POINT if grid == "g1" else G2_POINT
    for i in range(checkins):
        patrol_check_in(
            actor=worker, patrol_id=patrol.pk, lng=point[0], lat=point[1], now=_t(day, 9 + i, month)
        )
    made = []
    for code in tickets:
        made.append(
            svc.ticket_report(
                actor=worker,
                data=svc.TicketInput(
                    description="巡查发现的问题",
                    channel=Channel.PATROL,
                    patrol_id=patrol.pk,
                    category_code=code or "",
                    lng=point[0],
                    lat=point[1],
                ),
                now=_t(day, 10, month),
            )
        )
    patrol_end(actor=worker, patrol_id=patrol.pk, now=_t(day, 12, month))
    return made


def test_daily_coverage(district):
    _patrol(district, "grid_worker", "g1", 20, checkins=2)
    _patrol(district, "grid_worker", "g1", 20, checkins=1)  # a second patrol the same day
    _patrol(district, "grid_worker_g2", "g2", 20, checkins=0)  # started but never checked in
    _patrol(district, "grid_worker_g2", "g2", 21, checkins=1)  # another day
    cov = patrol_coverage(actor=district.user("community_worker"), day=date(2026, 11, 20))
    by = {g.code: g for g in cov.grids}
    assert cov.total == 2 and cov.covered == 1 and cov.percent == 50.0  # A1 has g1 and g2
    g1, g2 = by[district.grids["g1"].code], by[district.grids["g2"].code]
    assert (g1.covered, g1.patrols, g1.checkins) == (True, 2, 3)
    assert (g2.covered, g2.patrols, g2.checkins) == (False, 1, 0)
    district_cov = patrol_coverage(actor=district.user("district_admin"), day=date(2026, 11, 20))
    assert (district_cov.total, district_cov.covered, district_cov.percent) == (4, 1, 25.0)
    sub_b = patrol_coverage(
        actor=district.user("district_admin"), day=date(2026, 11, 20), place=district.subdistricts["B"].code
    )
    assert (sub_b.total, sub_b.covered) == (1, 0)
    mine = patrol_coverage(actor=district.user("grid_worker_g2"), day=date(2026, 11, 21))
    assert [(g.code, g.covered) for g in mine.grids] == [(district.grids["g2"].code, True)]
    with pytest.raises(Forbidden):
        patrol_coverage(actor=district.user("resident"), day=date(2026, 11, 20))
    with pytest.raises(ValidationFailed):
        patrol_coverage(actor=district.user("district_admin"), day=date(2026, 11, 20), place="12")


def test_monthly_summary(district):
    made = _patrol(district, "grid_worker", "g1", 3, checkins=2, tickets=("101018", "101018", None))
    _patrol(district, "grid_worker", "g1", 3, checkins=1)  # same day again: one patrol day
    _patrol(district, "grid_worker", "g1", 4, checkins=1, tickets=("301005",))
    _patrol(
        district, "grid_worker_g2", "g2", 5, checkins=0, tickets=("101018",)
    )  # no check-in: no patrol day
    _patrol(district, "grid_worker", "g1", 1, checkins=1, tickets=("101018",), month=12)  # next month
    # One ticket of the month closed (through the loop would take many steps; the figure reads the status).
    Ticket.objects.filter(pk=made[0].pk).update(status=TicketStatus.CLOSED)
    summary = patrol_month_summary(actor=district.user("community_secretary"), month="2026-11")
    assert summary.days == 30
    by = {r.code: r for r in summary.grids}
    g1, g2 = by[district.grids["g1"].code], by[district.grids["g2"].code]
    assert (g1.patrol_days, g1.patrols, g1.checkins, g1.tickets, g1.closed) == (2, 3, 4, 4, 1)
    assert g1.categories[0] == ("路灯", 2) and dict(g1.categories) == {"路灯": 2, "楼道杂物": 1, "未分类": 1}
    assert (g2.patrol_days, g2.patrols, g2.checkins, g2.tickets) == (0, 1, 0, 1)
    [a1] = summary.communities
    assert (a1.grids, a1.grids_patrolled, a1.patrol_days, a1.checkins, a1.tickets, a1.closed) == (
        2,
        1,
        2,
        4,
        5,
        1,
    )
    assert a1.by_category["路灯"] == 3
    whole = patrol_month_summary(actor=district.user("district_admin"), month="2026-11")
    assert len(whole.grids) == 4 and len(whole.communities) == 3
    with pytest.raises(ValidationFailed) as exc:
        patrol_month_summary(actor=district.user("district_admin"), month="2026-13")
    assert "month" in exc.value.fields


def test_summary_query_count_does_not_grow_with_grids(district):
    from gongzhi.places.services import grid_create
    from gongzhi.testing import square

    _patrol(district, "grid_worker", "g1", 3, checkins=1, tickets=("101018",))
    admin = district.user("district_admin")
    scope_of(admin)  # the scope is computed once per user object; not part of what is counted
    with CaptureQueriesContext(connection) as few:
        patrol_month_summary(actor=admin, month="2026-11")
        patrol_coverage(actor=admin, day=date(2026, 11, 3))
    community = district.communities["B1"]
    for n in range(2, 12):
        grid_create(
            actor=None,
            community=community,
            code=f"{community.code}{n:03d}",
            name=f"新网格{n}",
            kind="residential",
            boundary=square(117.2 + n * 0.02, 36.98),
        )
    with CaptureQueriesContext(connection) as many:
        summary = patrol_month_summary(actor=admin, month="2026-11")
        patrol_coverage(actor=admin, day=date(2026, 11, 3))
    assert len(summary.grids) == 14
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_patrol_api(district, client):
    import json

    client.force_login(district.user("grid_worker"))
    g1 = district.grids["g1"].code

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json")

    resp = post("/api/v1/tickets/patrols", {"grid_code": g1})
    assert resp.status_code == 201, resp.content
    pid = resp.json()["id"]
    assert post("/api/v1/tickets/patrols", {"grid_code": g1}).status_code == 409
    resp = post(f"/api/v1/tickets/patrols/{pid}/check-in", {"lng": G1_POINT[0], "lat": G1_POINT[1]})
    assert resp.status_code == 201 and resp.json()["grid_code"] == g1
    bad = post(f"/api/v1/tickets/patrols/{pid}/check-in", {"lng": 48.85, "lat": 2.35})
    assert bad.status_code == 400 and "location" in bad.json()["fields"]
    resp = post(
        "/api/v1/tickets",
        {
            "description": "巡查发现垃圾堆放",
            "channel": "patrol",
            "patrol_id": pid,
            "lng": G1_POINT[0],
            "lat": G1_POINT[1],
        },
    )
    assert resp.status_code == 201
    detail = client.get(f"/api/v1/tickets/patrols/{pid}").json()
    assert (detail["checkins"], detail["tickets"], len(detail["checkin_list"])) == (1, 1, 1)
    assert post(f"/api/v1/tickets/patrols/{pid}/end", {"note": "完成"}).json()["status"] == "ended"
    assert client.get("/api/v1/tickets/patrols").json()[0]["id"] == pid
    today = datetime.now(SH).date()
    cov = client.get(f"/api/v1/tickets/patrols/coverage?day={today}").json()
    assert (cov["total"], cov["covered"], cov["percent"]) == (1, 1, 100.0)
    summary = client.get(f"/api/v1/tickets/patrols/summary?month={today:%Y-%m}").json()
    assert summary["grids"][0]["tickets"] == 1 and summary["communities"][0]["patrol_days"] == 1
    assert client.get("/api/v1/tickets/patrols/summary?month=11-2026").status_code == 400
    client.force_login(district.user("grid_worker_g2"))
    assert client.get(f"/api/v1/tickets/patrols/{pid}").status_code == 404
    assert post(f"/api/v1/tickets/patrols/{pid}/end", {}).status_code == 404
    client.force_login(district.user("resident"))
    assert client.get("/api/v1/tickets/patrols/coverage").status_code == 403


def test_patrol_api_refuses_a_patrol_id_that_is_no_number(district, client):
    """A non-numeric id is the usual 400 in the one error shape, not a 405 from the tickets router's
    /tickets/{ticket_id}/{action} catching the path."""
    client.force_login(district.user("grid_worker"))
    for method, url in (("get", "/api/v1/tickets/patrols/x1"), ("post", "/api/v1/tickets/patrols/x1/end")):
        resp = getattr(client, method)(url, content_type="application/json")
        assert resp.status_code == 400, (url, resp.content)
        assert resp.json()["fields"] == {"patrol_id": "应为整数"}


def test_patrol_pages(district, client):
    client.force_login(district.user("grid_worker"))
    page = client.get("/console/tickets/patrol/").content.decode()
    assert 'data-testid="patrol-start"' in page and "<script>" not in page and "tickets/patrol.js" in page
    client.post("/console/tickets/patrol/start/", {"grid_code": district.grids["g1"].code})
    patrol = Patrol.objects.get()
    page = client.get("/console/tickets/patrol/").content.decode()
    assert f'data-patrol="{patrol.pk}"' in page
    resp = client.post(f"/console/tickets/patrol/{patrol.pk}/check-in/", {"lng": "", "lat": ""}, follow=True)
    assert "未获取到位置" in resp.content.decode() and PatrolCheckIn.objects.count() == 0
    client.post(f"/console/tickets/patrol/{patrol.pk}/check-in/", {"lng": G1_POINT[0], "lat": G1_POINT[1]})
    assert PatrolCheckIn.objects.count() == 1
    resp = client.post(
        f"/console/tickets/patrol/{patrol.pk}/report/",
        {"description": "绿化带垃圾", "category_code": ""},
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.patrol_id == patrol.pk and ticket.grid_code == district.grids["g1"].code
    assert ticket.number in resp.content.decode()
    client.post(f"/console/tickets/patrol/{patrol.pk}/end/", {"note": "完成"})
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.ENDED
    today = datetime.now(SH).date()
    client.force_login(district.user("community_worker"))
    cov = client.get(f"/console/tickets/patrols/coverage/?day={today}").content.decode()
    assert 'data-testid="coverage-percent">50.0%' in cov
    summary = client.get(f"/console/tickets/patrols/summary/?month={today:%Y-%m}").content.decode()
    assert 'data-testid="summary-grids"' in summary and "未分类 1" in summary
    assert "月份格式" in client.get("/console/tickets/patrols/summary/?month=abc").content.decode()
    assert client.get("/console/tickets/patrol/").status_code == 404  # not a grid worker
    client.force_login(district.user("department_handler"))
    assert client.get("/console/tickets/patrols/coverage/").status_code == 404
