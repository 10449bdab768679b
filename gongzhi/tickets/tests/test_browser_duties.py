"""Browser journeys of issue 17's items 4 and 12 in Debian's Chromium: a callback with an audited reveal
of the reporter's number on a phone, the API docs page drawn under the CSP from this site's files, and
随手拍's messages that go once the field is fixed — with no script error nor CSP violation.

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/tickets/tests/test_browser_duties.py
"""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import SHOTS, screenshot, watch
from gongzhi.tickets.tests.test_browser_intake import _context

pytestmark = pytest.mark.browser


def test_a_callback_with_an_audited_reveal_on_a_phone(browser, live_server, transactional_db, district):
    from gongzhi.audit.models import AuditEvent
    from gongzhi.tickets.tests.test_duties import CALLER_PHONE, _verified

    t = _verified(district)
    context = _context(
        browser, live_server, district, "community_worker", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    errors = watch(page)
    page.goto(f"{live_server.url}/console/tickets/{t.pk}/")
    block = page.locator('[data-testid="callback-phone"]')
    assert CALLER_PHONE not in block.inner_text()
    screenshot(page, "tickets-callback-masked-phone")
    block.locator('[data-action="reveal-phone"]').click()
    call = page.locator('[data-testid="call-reporter"]')
    call.wait_for()
    assert call.get_attribute("href") == f"tel:{CALLER_PHONE}"
    screenshot(page, "tickets-callback-reveal-phone")
    row = AuditEvent.objects.get(event_type="tickets.reporter_phone_revealed")
    assert row.data["reason"] == "回访"
    page.locator('[data-action-form="callback"] input[value="satisfied"]').check()
    page.locator('[data-action="callback"]').click()
    page.wait_for_selector("text=已办理：回访")
    screenshot(page, "tickets-callback-done-phone")
    assert errors == []
    context.close()


def test_the_api_docs_are_drawn_from_this_site(browser, live_server, transactional_db, district):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = watch(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 10
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    assert outside == [] and errors == []
    context.close()


def test_report_messages_go_once_the_field_is_fixed(browser, live_server, transactional_db, district):
    context = _context(browser, live_server, district, "resident", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = watch(page)
    page.goto(live_server.url + "/h5/tickets/new/")
    page.locator('[data-testid="report-submit"]').click()
    page.wait_for_selector('[data-testid="error-description"]')
    assert page.locator('[data-testid="photo-count"]').inner_text().strip() == ""
    assert page.locator("#id_description").get_attribute("aria-invalid") == "true"
    page.fill("#id_description", "小区门口路灯不亮")
    assert page.locator('[data-testid="error-description"]').count() == 0
    assert page.locator("#id_description").get_attribute("aria-invalid") is None
    assert page.locator('[data-testid="report-error"]').is_hidden()
    assert errors == []
    context.close()
