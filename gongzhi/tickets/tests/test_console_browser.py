"""The console's ticket pages in Debian's Chromium: the map pin and grid boundary, the live filter of the
inbox (htmx), a point picked on the new-ticket map, and no script error or CSP violation anywhere.

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/tickets/tests/test_console_browser.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.testing.browser import SHOTS, watch
from gongzhi.tickets.tests.helpers import report

pytestmark = pytest.mark.browser


@pytest.fixture
def grid_worker_page(browser, live_server, transactional_db, district) -> Iterator[tuple[object, list[str]]]:
    from django.test import Client

    client = Client()
    client.force_login(district.user("grid_worker"))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    errors = watch(page)
    page.base = live_server.url
    yield page, errors
    context.close()


def test_ticket_page_draws_the_grid_and_the_pin(grid_worker_page, district):
    page, errors = grid_worker_page
    t = report(district, "resident", "小区门口路灯不亮了", category_code="101018")
    page.goto(page.base + f"/console/tickets/{t.pk}/")
    page.wait_for_selector("#ticket-map-canvas path.leaflet-interactive")
    assert page.locator("#ticket-map-canvas path.leaflet-interactive").count() == 2  # boundary + pin
    assert page.locator(".leaflet-tile").count() == 0  # no tile server configured
    assert page.locator('[data-action="accept"]').is_visible()
    page.screenshot(path=str(SHOTS / "tickets-console-detail.png"), full_page=True)
    page.locator("#accept-category_code").select_option("101018")
    page.locator('[data-action="accept"]').click()
    page.wait_for_selector('[data-status="accepted"]')
    assert page.locator('[data-action="escalate"]').is_visible()
    assert errors == []


def test_inbox_filters_live_and_pages(grid_worker_page, district):
    from playwright.sync_api import expect

    page, errors = grid_worker_page
    lamp = report(district, "resident", "小区门口路灯不亮了")
    report(district, "resident", "楼上装修噪音很大")
    page.goto(page.base + "/console/tickets/")
    rows = page.locator("[data-testid=ticket-list] tbody tr")
    expect(rows).to_have_count(2)
    page.locator("#f-q").fill("路灯")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-ticket", str(lamp.pk))
    assert "q=" in page.url  # the filter is in the address, so reload and share keep it
    assert "q=%E8%B7%AF%E7%81%AF" in page.locator("#ticket-export").get_attribute("href")
    page.screenshot(path=str(SHOTS / "tickets-console-inbox.png"), full_page=True)
    assert errors == []


def test_new_ticket_point_picked_on_the_map(grid_worker_page, district):
    page, errors = grid_worker_page
    page.goto(page.base + "/console/tickets/new/")
    page.wait_for_selector("#ticket-map-canvas path.leaflet-interactive")
    page.locator("#ticket-map-canvas path.leaflet-interactive").first.click()
    lng = float(page.locator("#id_lng").input_value())
    lat = float(page.locator("#id_lat").input_value())
    assert 117.10 < lng < 117.11 and 36.98 < lat < 36.99  # inside grid g1
    page.locator("#id_description").fill("巡查发现井盖松动")
    page.screenshot(path=str(SHOTS / "tickets-console-new.png"), full_page=True)
    page.locator('[data-action="report"]').click()
    page.wait_for_selector('[data-testid="ticket-number"]')
    assert "巡查发现井盖松动" in page.locator('[data-testid="ticket-description"]').inner_text()
    assert errors == []


def test_new_ticket_takes_the_phones_position(browser, live_server, transactional_db, district):
    from django.test import Client
    from playwright.sync_api import expect

    client = Client()
    client.force_login(district.user("grid_worker"))
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 36.985, "longitude": 117.105, "accuracy": 12},
        permissions=["geolocation"],
    )
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    errors = watch(page)
    page.goto(live_server.url + "/console/tickets/new/")
    page.locator("#use-location").click()
    expect(page.locator("#id_lng")).to_have_value("117.105000")
    expect(page.locator("#id_lat")).to_have_value("36.985000")
    expect(page.locator("#use-location-status")).to_contain_text("已定位")
    page.screenshot(path=str(SHOTS / "tickets-console-new-phone.png"), full_page=True)
    context.close()
    assert errors == []
