"""Issue 17's department user and the pictures of item 10 in Debian's Chromium: the department handler's
home draws what it received per month with the on-time rate, its inbox opens on its own tickets, its
indicators page draws the 12-month trend and the departments ranked; the district admin's indicators page
draws the trend and the subdistricts ranked — ECharts as SVG under the CSP, no script error. A
screenshot at each step when GONGZHI_SCREENSHOTS is set.

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/tickets/tests/test_browser_charts.py
"""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import screenshot, watch
from gongzhi.tickets.tests.test_browser_intake import _context

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


def _drawn(page, holder: str) -> int:
    """How many bars and lines ECharts drew in the holder (its SVG paths)."""
    page.wait_for_selector(f"#{holder} svg")
    return page.locator(f"#{holder} svg path").count()


def test_a_department_user_and_the_indicator_charts(browser, live_server, transactional_db, district):
    from datetime import timedelta

    from django.utils import timezone

    from gongzhi.tickets.tests.helpers import report
    from gongzhi.tickets.tests.test_department_figures import _to_department

    now = timezone.now()
    mine = [_to_department(district, f"人行道井盖破损第{n}处", at=now - timedelta(days=n)) for n in (1, 3)]
    other = report(district, "resident", "楼道里堆放杂物")  # not the department's

    context = _context(browser, live_server, district, "department_handler", viewport=WIDE)
    page = context.new_page()
    errors = watch(page)
    page.set_default_timeout(60_000)
    base = live_server.url

    page.goto(base + "/console/")
    assert _drawn(page, "ticket-month-chart") > 2
    assert "接收" in page.locator("#ticket-month-chart").inner_text()
    screenshot(page, "department-home")

    page.goto(base + "/console/tickets/")
    listed = page.locator("[data-testid=ticket-list]").inner_text()
    assert all(t.number in listed for t in mine), listed
    assert other.number not in listed
    screenshot(page, "department-inbox")

    page.goto(base + "/console/tickets/indicators/")
    assert _drawn(page, "trend-chart") > 2
    assert _drawn(page, "ranking-chart") >= 1
    assert "城管局" in page.locator("[data-testid=peer-rows]").inner_text()
    assert page.locator("[data-testid=indicator-explain]").count() == 1
    screenshot(page, "department-indicators")
    assert errors == [], errors
    context.close()

    context = _context(browser, live_server, district, "district_admin", viewport=WIDE)
    page = context.new_page()
    errors = watch(page)
    page.set_default_timeout(60_000)
    page.goto(base + "/console/tickets/indicators/")
    assert _drawn(page, "trend-chart") > 2
    assert _drawn(page, "ranking-chart") >= 2  # a bar per subdistrict
    ranking = page.locator("#ranking-chart").inner_text()
    assert "济阳街道" in ranking and "济北街道" in ranking
    explain = page.locator("[data-testid=indicator-explain]")
    assert not explain.locator("dd").first.is_visible()  # closed until asked
    explain.locator("summary").click()
    assert "应办结" in explain.inner_text()
    screenshot(page, "district-indicators")
    page.goto(base + "/console/")
    assert _drawn(page, "ticket-month-chart") > 2 and _drawn(page, "ticket-rank-chart") >= 1
    screenshot(page, "district-home")
    assert errors == [], errors
    context.close()
