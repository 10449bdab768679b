"""Issue 17, item 10: the indicators page draws a 12-month trend and a ranking of the level below, and the
figures of the charts are the tables' own: every month of the trend equals the indicators of that whole
month, every bar of the ranking the row of ``indicators_by_child`` (or, for a department, of the
district's departments). The page explains every indicator itself instead of pointing to a file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from gongzhi.testing import build_small_district
from gongzhi.testing.worlds import shared_world
from gongzhi.tickets import figures
from gongzhi.tickets import indicators as ind
from gongzhi.tickets.enums import Level
from gongzhi.tickets.tests.test_indicators import build_varied

PAGE = "/console/tickets/indicators/"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Any]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("charts-media")):
        d = build_small_district()
        build_varied(d)
        yield d


def _json(html: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None, element_id
    return json.loads(found[1])


def _assert_trend_equals_the_months(trend: dict[str, Any], level: str, code: str, end: date) -> None:
    assert len(trend["months"]) == 12
    assert trend["months"][-1]["month"] == f"{end:%Y-%m}"
    busy = 0
    for point in trend["months"]:
        y, m = (int(p) for p in point["month"].split("-"))
        month = ind.indicators_sum(level, code, *ind.month(y, m))
        assert point["reported"] == month.counts["reported"], point
        assert point["closed"] == month.counts["closed"], point
        assert point["on_time_rate"] == month.on_time_rate.as_dict(), point
        busy += month.counts["reported"]
    assert busy > 0  # the world's tickets are in the window: the comparison compared something


@pytest.mark.django_db
def test_the_district_trend_and_ranking_are_the_tables_figures(world, client):
    client.force_login(world.user("district_admin"))
    q = {"place": "district:370115", "start": "2026-01-01", "end": "2026-11-30", "by": "subdistrict"}
    r = client.get(PAGE, {**q, "sort": "closure_rate"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "docs/tickets-indicators.md" not in html and 'data-testid="indicator-explain"' in html
    assert "<details" in html and "按时办结 ÷ 应办结" in html
    assert "tickets/indicators_charts.js" in html and "<script>" not in html.replace("<script src=", "")
    _assert_trend_equals_the_months(_json(html, "trend-data"), Level.DISTRICT, "370115", date(2026, 11, 1))

    ranking = _json(html, "ranking-data")
    rows = ind.indicators_by_child(
        actor=None,
        level=Level.DISTRICT,
        code="370115",
        start=date(2026, 1, 1),
        end=date(2026, 11, 30),
        by=Level.SUBDISTRICT,
        sort="closure_rate",
    )
    assert ranking["rate"] == "closure_rate"
    assert [(x["code"], x["rank"]) for x in ranking["rows"]] == [(i.code, i.rank) for i in rows]
    assert [(x["numerator"], x["denominator"]) for x in ranking["rows"]] == [
        (i.closure_rate.numerator, i.closure_rate.denominator) for i in rows
    ]
    assert sum(x["denominator"] for x in ranking["rows"]) > 0
    # the table beside the chart: each subdistrict's closure rate as the chart has it
    for x in ranking["rows"]:
        row = re.search(rf'<tr data-code="{x["code"]}">(.*?)</tr>', html, re.S)
        assert row is not None and f"{x['numerator']}/{x['denominator']}" in row[1]

    # A sort that is no rate ranks the chart by the on-time rate, the way the table would.
    r = client.get(PAGE, {**q, "sort": "reported"})
    ranking = _json(r.content.decode(), "ranking-data")
    by_on_time = ind.rank(
        ind.indicators_by_child(
            actor=None,
            level=Level.DISTRICT,
            code="370115",
            start=date(2026, 1, 1),
            end=date(2026, 11, 30),
            by=Level.SUBDISTRICT,
        ),
        "on_time_rate",
    )
    assert ranking["rate"] == "on_time_rate"
    assert [(x["code"], x["rank"], x["numerator"]) for x in ranking["rows"]] == [
        (i.code, i.rank, i.on_time_rate.numerator) for i in by_on_time
    ]


@pytest.mark.django_db
def test_a_grid_has_a_trend_and_no_ranking(world, client):
    client.force_login(world.user("grid_worker"))
    r = client.get(PAGE, {"start": "2026-11-01", "end": "2026-11-30"})
    html = r.content.decode()
    assert r.status_code == 200
    _assert_trend_equals_the_months(
        _json(html, "trend-data"), Level.GRID, world.grids["g1"].code, date(2026, 11, 1)
    )
    assert 'id="ranking-data"' not in html


@pytest.mark.django_db
def test_a_department_sees_its_trend_and_the_departments_ranked(world, client):
    dep = str(world.department.pk)
    client.force_login(world.user("department_handler"))
    r = client.get(PAGE, {"start": "2026-01-01", "end": "2026-11-30"})
    html = r.content.decode()
    assert r.status_code == 200
    trend = _json(html, "trend-data")
    assert trend["reported_label"] == "接收"
    _assert_trend_equals_the_months(trend, Level.DEPARTMENT, dep, date(2026, 11, 1))
    ranking = _json(html, "ranking-data")
    peers = ind.indicators_by_child(
        actor=None,
        level=Level.DISTRICT,
        code="370115",
        start=date(2026, 1, 1),
        end=date(2026, 11, 30),
        by=Level.DEPARTMENT,
    )
    assert [(x["code"], x["numerator"], x["denominator"]) for x in ranking["rows"]] == [
        (i.code, i.on_time_rate.numerator, i.on_time_rate.denominator) for i in peers
    ]
    assert 'data-testid="peer-rows"' in html and f'data-code="{dep}" class="is-self"' in html


@pytest.mark.django_db
def test_the_monthly_read_equals_the_sum_of_each_month(world):
    """ind.monthly (one grouped query) against indicators_sum month by month, every counter, at every
    level the trend is drawn for."""
    places = [
        (Level.DISTRICT, "370115"),
        (Level.SUBDISTRICT, world.subdistricts["A"].code),
        (Level.COMMUNITY, world.communities["A1"].code),
        (Level.GRID, world.grids["g1"].code),
        (Level.DEPARTMENT, str(world.department.pk)),
    ]
    for level, code in places:
        months = ind.monthly(level, code, date(2025, 12, 1), date(2026, 12, 1))
        assert len(months) == 13
        for got in months:
            want = ind.indicators_sum(level, code, got.start, got.end)
            assert got.counts == want.counts, (level, got.start)
    assert figures.trend_chart(Level.GRID, world.grids["g1"].code, date(2026, 1, 31))["months"][0][
        "month"
    ] == ("2025-02")
