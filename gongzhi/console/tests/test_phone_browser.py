"""A grid worker's day on a 390 px phone, in Debian's Chromium: the menu behind one button, the inbox as
cards, a ticket whose moves sit in a bar at the bottom of the screen, the confirmation in view after the
move. Screenshots go to $GONGZHI_SCREENSHOTS (CI keeps them as artefacts).

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/console/tests/test_phone_browser.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.testing import PASSWORD
from gongzhi.testing.browser import screenshot, watch

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, transactional_db) -> Iterator[tuple[object, list[str], str]]:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = watch(page)
    page.set_default_timeout(60_000)  # a shared CI machine: the first page of a live server may be slow
    yield page, errors, live_server.url
    context.close()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide in a {PHONE['width']} px screen"


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"]


def test_a_grid_workers_day_on_a_phone(phone, district):
    from gongzhi.tickets.tests.helpers import report

    page, errors, base = phone
    lamp = report(district, "resident", "小区门口路灯不亮了，晚上很黑", category_code="101018")
    report(district, "resident", "楼道里堆放杂物，堵住了消防通道")

    # Sign in on the phone.
    page.goto(base + "/console/login/")
    page.fill("#id_username", "grid_worker")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(base + "/console/")

    # The menu is one button: no wall of links above the content.
    nav = page.locator("nav.sidenav")
    assert not nav.is_visible()
    h1 = page.locator("main h1").bounding_box()
    assert h1 is not None and h1["y"] < 140, h1
    _no_sideways_scroll(page)
    screenshot(page, "console-phone-home")
    page.click("[data-testid=nav-toggle]")
    assert nav.is_visible()
    assert page.locator("[data-testid=nav-toggle]").get_attribute("aria-expanded") == "true"
    menu = nav.inner_text()
    assert "工作台" in menu and "单位考核" not in menu and "碰头配对" not in menu and "驻区单位" not in menu
    screenshot(page, "console-phone-menu", full_page=False)
    nav.locator('a[href="/console/tickets/"]').click()
    page.wait_for_url("**/console/tickets/")

    # The inbox: one card a ticket, nothing wider than the screen.
    cards = page.locator("[data-testid=ticket-list] tbody tr")
    assert cards.count() == 2
    assert page.locator("[data-testid=ticket-list] thead").bounding_box()["height"] <= 1  # headers hidden
    card = cards.filter(has_text="路灯").first
    box = card.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    assert card.locator("td[data-label='状态']").count() == 1  # each line says what it is
    _no_sideways_scroll(page)
    screenshot(page, "console-phone-inbox")

    # Open the ticket: its moves in the bar at the bottom of the screen.
    card.locator(f'a[href="/console/tickets/{lamp.pk}/"]').first.click()
    page.wait_for_url(f"**/console/tickets/{lamp.pk}/")
    bar = page.locator("[data-testid=action-bar]")
    assert bar.is_visible()
    bar_box = bar.bounding_box()
    assert bar_box is not None and abs(bar_box["y"] + bar_box["height"] - PHONE["height"]) <= 2
    _no_sideways_scroll(page)
    screenshot(page, "console-phone-ticket", full_page=False)

    # A thumb on 受理 opens that form; the move goes through; the confirmation is where the eye is.
    bar.locator("[data-bar-action=accept]").click()
    assert _in_view(page, "#act-accept")
    page.locator("#accept-category_code").select_option("101018")
    page.locator("#act-accept [data-action=accept]").click()
    page.wait_for_selector('[data-status="accepted"]')
    message = page.locator("[data-testid=messages]")
    assert "已办理：受理" in message.inner_text()
    assert _in_view(page, "[data-testid=messages]")
    screenshot(page, "console-phone-confirmation", full_page=False)
    # the next moves are in the bar now
    assert bar.locator("[data-bar-action=accept]").count() == 0 and bar.locator("a").count() >= 1

    # Back to the menu on a wide screen: the side menu is there without a button.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.is_visible() and not page.locator("[data-testid=nav-toggle]").is_visible()
    assert not bar.is_visible()
    assert errors == [], errors


def test_the_inbox_filters_fold_away_on_a_phone(phone, district):
    """< 600 px: the filters behind “筛选”, closed unless a filter is set; wide: always shown."""
    page, errors, base = phone
    page.goto(base + "/console/login/")
    page.fill("#id_username", "grid_worker")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(base + "/console/")
    page.goto(base + "/console/tickets/")
    fold = page.locator("[data-testid=filter-fold]")
    form = page.locator("form.ticket-filters")
    assert fold.evaluate("el => el.open") is False
    closed = form.bounding_box()
    assert closed is not None and closed["height"] <= 80, closed  # one line: “筛选”
    assert not page.locator("#f-q").is_visible()
    screenshot(page, "console-phone-inbox-filters-closed", full_page=False)
    fold.locator("summary").click()
    assert page.locator("#f-q").is_visible()
    opened = form.bounding_box()
    assert opened is not None and opened["height"] > 3 * closed["height"], opened
    screenshot(page, "console-phone-inbox-filters-open", full_page=False)

    # A filter set: the block comes open, so the person sees what narrows the list.
    page.goto(base + "/console/tickets/?q=%E8%B7%AF%E7%81%AF")
    assert fold.evaluate("el => el.open") is True and page.locator("#f-q").input_value() == "路灯"

    # A wide screen shows the filters without the summary.
    page.goto(base + "/console/tickets/")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert fold.evaluate("el => el.open") is True
    assert page.locator("#f-q").is_visible() and not fold.locator("summary").is_visible()
    assert errors == [], errors
