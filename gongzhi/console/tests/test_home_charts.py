"""The console home's chart is the role's own (issue 17, item 10), and its figures are the selectors':

- district and subdistrict: reported and closed per month this year, and the level below ranked by
  on-time rate (the rows of ``indicators_by_child``);
- community and grid: the open tickets by age, the overdue ones apart (counted here from the tickets);
- department: its received tickets per month (counted here from the tickets table) with the on-time rate;
- the grid and community staff also get the overdue care visits per grid (the care panel's own figures).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.testing import build_small_district
from gongzhi.testing.worlds import shared_world
from gongzhi.tickets import indicators as ind
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import HANDLING, OPEN, Level
from gongzhi.tickets.figures import AGE_BANDS
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import report
from gongzhi.tickets.tests.test_indicators import build_varied


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Any]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("home-charts-media")):
        d = build_small_district()
        build_varied(d)
        now = timezone.now()
        # Open tickets of g1 of every age; the 10-day-old one dispatched with a deadline long past.
        for hours in (2, 50, 24 * 10, 24 * 40):
            t = report(d, "resident", f"楼道灯坏了，已经{hours}小时", now=now - timedelta(hours=hours))
            if hours == 24 * 10:
                svc.ticket_accept(actor=d.user("grid_worker"), ticket_id=t.pk, now=t.created_at)
                svc.ticket_dispatch(
                    actor=d.user("grid_worker"),
                    ticket_id=t.pk,
                    level=Level.GRID,
                    limit_amount=2,
                    limit_unit="hours",
                    now=t.created_at + timedelta(minutes=5),
                )
        yield d


def _chart(client, world, key: str) -> tuple[str, dict[str, Any]]:
    client.force_login(world.user(key))
    r = client.get("/console/")
    assert r.status_code == 200
    html = r.content.decode()
    found = re.search(r'<script id="ticket-month-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None, key
    return html, json.loads(found[1])


def _months_equal_the_indicators(chart: dict[str, Any], level: str, code: str) -> None:
    year = timezone.localdate().year
    assert [m["month"] for m in chart["months"]] == [f"{year}-{m:02d}" for m in range(1, 13)]
    for point in chart["months"]:
        month = ind.indicators_sum(level, code, *ind.month(year, int(point["month"][5:])))
        assert (point["reported"], point["closed"]) == (month.counts["reported"], month.counts["closed"])
        assert point["on_time_rate"] == month.on_time_rate.as_dict()


def _ranking_equals_the_children(chart: dict[str, Any], level: str, code: str, by: str) -> None:
    start, end = ind.this_year()
    rows = ind.indicators_by_child(actor=None, level=level, code=code, start=start, end=end, by=by)
    assert [(x["code"], x["rank"], x["numerator"], x["denominator"]) for x in chart["ranking"]["rows"]] == [
        (i.code, i.rank, i.on_time_rate.numerator, i.on_time_rate.denominator) for i in rows
    ]
    assert len(rows) >= 2


@pytest.mark.django_db
def test_district_and_subdistrict_see_months_and_the_level_below_ranked(world, client):
    html, chart = _chart(client, world, "district_admin")
    assert chart["kind"] == "places" and 'id="ticket-rank-chart"' in html
    _months_equal_the_indicators(chart, Level.DISTRICT, "370115")
    _ranking_equals_the_children(chart, Level.DISTRICT, "370115", Level.SUBDISTRICT)

    html, chart = _chart(client, world, "subdistrict_staff")
    code = world.subdistricts["A"].code
    assert chart["kind"] == "places"
    _months_equal_the_indicators(chart, Level.SUBDISTRICT, code)
    _ranking_equals_the_children(chart, Level.SUBDISTRICT, code, Level.COMMUNITY)


def _ages_from_the_tickets(**place: str) -> list[tuple[int, int]]:
    now = timezone.now()
    out = [[0, 0] for _ in AGE_BANDS]
    for t in Ticket.objects.filter(**place, status__in=sorted(OPEN)):
        days = (now - t.created_at) / timedelta(days=1)
        i = next(
            n for n, (low, high, _l) in enumerate(AGE_BANDS) if low <= days and (high is None or days < high)
        )
        out[i][0] += 1
        out[i][1] += int(t.status in HANDLING and t.deadline is not None and t.deadline < now)
    return [(n, late) for n, late in out]


@pytest.mark.django_db
def test_grid_and_community_see_their_open_tickets_by_age(world, client):
    for key, place in (
        ("grid_worker", {"grid_code": world.grids["g1"].code}),
        ("community_worker", {"community_code": world.communities["A1"].code}),
    ):
        html, chart = _chart(client, world, key)
        assert chart["kind"] == "open" and 'id="ticket-age-chart"' in html, key
        got = [(a["open"] + a["overdue"], a["overdue"]) for a in chart["ages"]]
        want = _ages_from_the_tickets(**place)
        assert got == want, key
        assert sum(n for n, _late in want) >= 4 and sum(late for _n, late in want) >= 1
        assert "ranking" not in chart


@pytest.mark.django_db
def test_a_department_sees_what_it_received_per_month_with_the_on_time_rate(world, client):
    html, chart = _chart(client, world, "department_handler")
    dep = world.department.pk
    assert chart["kind"] == "department" and chart["reported_label"] == "接收"
    _months_equal_the_indicators(chart, Level.DEPARTMENT, str(dep))
    # received per report month, counted from the tickets table
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    for point in chart["months"]:
        m = int(point["month"][5:])
        since = datetime(year, m, 1, tzinfo=tz)
        until = datetime(year + (m == 12), m % 12 + 1, 1, tzinfo=tz)
        assert (
            point["reported"]
            == Ticket.objects.filter(department_id=dep, created_at__gte=since, created_at__lt=until).count()
        )
    assert sum(p["reported"] for p in chart["months"]) >= 1
    assert 'id="ticket-month-chart"' in html and "ticket-rank-chart" not in html


@pytest.mark.django_db
def test_the_care_chart_is_the_care_panels_figures(world, client, monkeypatch):
    from gongzhi.care.selectors import OverdueCounts
    from gongzhi.console import views

    counts = OverdueCounts(mine=1, by_grid=[("银山社区第1网格", 3), ("银山社区第2网格", 1)], total=4)
    monkeypatch.setattr(views, "home_overdue_for_actor", lambda actor: counts)
    html, _grid_chart = _chart(client, world, "grid_worker")
    found = re.search(r'<script id="care-overdue-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    assert [(r["name"], r["n"]) for r in json.loads(found[1])["rows"]] == counts.by_grid
    # the district admin's home keeps its ranking; the care chart is for those who make the visits
    html, _chart_admin = _chart(client, world, "district_admin")
    assert "care-overdue-data" not in html
    assert views.care_chart(OverdueCounts(), None) is None


def test_the_age_bands_cover_every_age_once():
    assert AGE_BANDS[0][0] == 0 and AGE_BANDS[-1][1] is None
    for (_l1, high, _a), (low, _h2, _b) in itertools.pairwise(AGE_BANDS):
        assert high == low
