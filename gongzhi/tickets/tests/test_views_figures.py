"""The console's ticket figures: the home panel and the indicators page."""

from __future__ import annotations

import json
import re

from gongzhi.tickets.tests.test_indicators import build_varied

PAGE = "/console/tickets/indicators/"


def test_home_shows_this_years_ticket_figures_for_the_users_scope(district, client):
    build_varied(district)
    client.force_login(district.user("district_admin"))
    r = client.get("/console/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="ticket-figures"' in html
    assert "tickets/home_chart.js" in html and "<script>" not in html.replace("<script src=", "")
    found = re.search(r'<script id="ticket-month-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found[1])
    assert len(data["months"]) == 12
    # The build is in Oct/Nov 2026; the home shows the current year (the figures come from the rollup).
    from django.utils import timezone

    if timezone.localdate().year == 2026:
        assert data["months"][10]["reported"] == 7 and data["months"][9]["reported"] == 1
        assert 'data-figure="tickets-total">8<' in html


def test_indicators_page_ranks_children_and_keeps_scope(district, client):
    build_varied(district)
    client.force_login(district.user("district_admin"))
    r = client.get(
        PAGE, {"place": "district:370115", "start": "2026-11-01", "end": "2026-11-30", "by": "community"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-figure="closure-rate">80.0%<' in html
    assert 'data-figure="on-time-rate">50.0%<' in html
    assert "4/5" in html and "银山社区" in html and "安大社区" in html
    r = client.get(
        PAGE, {"place": "district:370115", "start": "2026-11-01", "end": "2026-11-30", "by": "department"}
    )
    assert district.department.name in r.content.decode()
    bad = client.get(PAGE, {"place": "district:370115", "start": "2026-11-31"})
    assert bad.status_code == 200 and 'data-testid="error-start"' in bad.content.decode()

    client.force_login(district.user("grid_worker"))
    mine = client.get(PAGE, {"start": "2026-11-01", "end": "2026-11-30"})
    assert mine.status_code == 200 and 'data-figure="reported">5<' in mine.content.decode()
    assert client.get(PAGE, {"place": "district:370115"}).status_code == 404
    assert client.get(PAGE, {"place": f"grid:{district.grids['g2'].code}"}).status_code == 404


def test_indicators_page_needs_login(client):
    r = client.get(PAGE)
    assert r.status_code in (302, 403)
