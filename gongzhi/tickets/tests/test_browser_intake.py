"""The patrol phone page in Debian's Chromium: start, check in with the phone's (granted) location, report
a ticket found on the way, end — the location comes from static/tickets/patrol.js, no CSP violation.

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/tickets
"""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import SHOTS, watch
from gongzhi.tickets.models import Category
from gongzhi.tickets.tests.helpers import G1_POINT

pytestmark = pytest.mark.browser


def _context(browser, live_server, district, user: str, **options):
    from django.test import Client

    client = Client()
    client.force_login(district.user(user))
    context = browser.new_context(locale="zh-CN", **options)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return context


def test_patrol_with_the_phones_location(browser, live_server, transactional_db, district):
    from gongzhi.tickets.enums import PatrolStatus
    from gongzhi.tickets.models import Patrol, PatrolCheckIn, Ticket

    context = _context(
        browser,
        live_server,
        district,
        "grid_worker",
        viewport={"width": 390, "height": 844},
        geolocation={"longitude": G1_POINT[0], "latitude": G1_POINT[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors = watch(page)
    page.goto(live_server.url + "/console/tickets/patrol/")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_selector('[data-testid="patrol-active"]')
    page.get_by_role("button", name="定位打卡").click()
    page.wait_for_selector("text=打卡成功")
    checkin = PatrolCheckIn.objects.get()
    assert abs(checkin.lng - G1_POINT[0]) < 1e-6 and checkin.grid_code == district.grids["g1"].code
    page.fill("#rp_desc", "巡查发现绿化带内堆放建筑垃圾")
    page.get_by_role("button", name="上报工单").click()
    page.wait_for_selector("text=已上报工单")
    ticket = Ticket.objects.get()
    assert ticket.patrol_id == Patrol.objects.get().pk and ticket.lat is not None
    page.screenshot(path=str(SHOTS / "tickets-patrol-phone.png"), full_page=True)
    page.get_by_role("button", name="结束巡查").click()
    page.wait_for_selector("text=巡查已结束")
    assert Patrol.objects.get().status == PatrolStatus.ENDED
    assert errors == []
    context.close()


def test_patrol_without_location_permission_shows_the_manual_fields(
    browser, live_server, transactional_db, district
):
    from gongzhi.tickets.models import PatrolCheckIn

    context = _context(browser, live_server, district, "grid_worker", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = watch(page)
    page.goto(live_server.url + "/console/tickets/patrol/")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_selector('[data-testid="patrol-active"]')
    form = page.locator('[data-testid="patrol-checkin"]')
    form.get_by_role("button", name="定位打卡").click()
    page.wait_for_selector("#ci_lng", state="visible")
    assert "手动填写" in form.locator("[data-locate-status]").inner_text()
    page.fill("#ci_lng", str(G1_POINT[0]))
    page.fill("#ci_lat", str(G1_POINT[1]))
    form.get_by_role("button", name="定位打卡").click()
    page.wait_for_selector("text=打卡成功")
    assert PatrolCheckIn.objects.count() == 1
    assert errors == []
    context.close()


def test_category_editor_and_hotline_page_render(browser, live_server, transactional_db, district):
    from gongzhi.tickets.services.categories import category_create

    # transactional_db empties the tables between tests, the default taxonomy of migration 0002 included.
    if not Category.objects.filter(code="101018").exists():
        category_create(actor=None, code="101", values={"name": "公用设施", "kind": "component"})
        category_create(actor=None, code="101018", values={"name": "路灯", "parent_code": "101"})
    context = _context(
        browser, live_server, district, "district_admin", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors = watch(page)
    page.goto(live_server.url + "/console/tickets/categories/edit/")
    row = page.locator('tr[data-code="101018"]')
    row.locator('input[name="name"]').fill("路灯照明")
    row.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=已保存分类 101018")
    assert Category.objects.get(code="101018").name == "路灯照明"
    page.screenshot(path=str(SHOTS / "tickets-categories-edit.png"))
    page.goto(live_server.url + "/console/tickets/hotline/")
    assert page.get_by_role("link", name="12345热线导入").count() == 1  # the nav section
    page.screenshot(path=str(SHOTS / "tickets-hotline.png"))
    assert errors == []
    context.close()
