"""In Debian's Chromium: an in-service party member signs in on a 390 px phone, sees their 报到证 with the
unit's address, claims a service post with a pledge and records 2 hours; a community worker (another
account, in the console) confirms; the member sees the hours of the year; the unit's liaison sees the record
on the unit page. Every control the member touches is at least 44 px tall and no page scrolls sideways.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/party/tests/test_browser_inservice.py
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gongzhi.party.tests.test_h5_mine import UNIT_ADDRESS, in_service
from gongzhi.testing import PASSWORD, build_small_district
from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def pages(browser, live_server, transactional_db) -> Iterator[tuple[Any, Any, Any, str, list[list[str]]]]:
    member = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    liaison = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    m, li, staff = member.new_page(), liaison.new_page(), desk.new_page()
    errors = [watch(m), watch(li), watch(staff)]
    yield m, li, staff, live_server.url, errors
    for context in (member, liaison, desk):
        context.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")


def assert_phone_sized(page: Any, selector: str) -> None:
    """Each control matched is at least 44 px tall, and the page does not scroll sideways."""
    boxes = [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]
    assert boxes, selector
    small = [b for b in boxes if b is None or b["height"] < 44]
    assert not small, f"{selector}: {small}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_member_claims_records_community_confirms_liaison_sees(pages):
    from gongzhi.party.models import ServiceRecord

    m, li, staff, base, errors = pages
    world = in_service(build_small_district())

    # 1. The member signs in on the phone and lands on the resident home page.
    sign_in(m, base, "party_member")
    m.wait_for_url(base + "/h5/")
    m.click("[data-testid=tile-party-me]")
    m.wait_for_url("**/h5/party/me/")
    assert m.inner_text("[data-testid=card-unit-address]") == UNIT_ADDRESS
    assert world.reg.card_number in m.inner_text("[data-testid=card-number]")
    assert "义诊、健康讲座" in m.inner_text("[data-testid=card-services]")
    assert m.inner_text("[data-testid=hours-confirmed]") == "0"
    m.screenshot(path=str(SHOTS / "gongzhi-party-h5-card.png"), full_page=True)

    # 2. The items of the community it serves in: claim one with a pledge.
    m.click("[data-testid=tile-items]")
    m.wait_for_url("**/h5/party/items/")
    item = m.locator("[data-testid=item]", has_text="独居老人助老服务岗")
    assert_phone_sized(m, "[data-testid=claim-form] textarea, [data-testid=claim-submit]")
    item.locator("textarea[name=pledge]").fill("每月上门陪伴两次")
    item.locator("[data-testid=claim-submit]").click()
    m.wait_for_url("**/h5/party/service/")
    assert "已认领“独居老人助老服务岗”" in m.inner_text("main")
    assert "每月上门陪伴两次" in m.inner_text("[data-testid=my-claims]")

    # 3. Record 2 hours against the claim.
    assert_phone_sized(
        m, "[data-testid=record-form] input:not([type=hidden]), [data-testid=record-form] select"
    )
    m.select_option("#id_claim", index=1)
    m.fill("#id_hours", "2")
    m.fill("#id_content", "上门打扫卫生、测血压")
    m.fill("#id_beneficiaries", "3号楼独居老人")
    m.click("[data-testid=record-submit]")
    m.wait_for_selector("[data-testid=record] >> text=待确认")
    m.screenshot(path=str(SHOTS / "gongzhi-party-h5-service.png"), full_page=True)
    record = ServiceRecord.objects.get()
    assert record.status == "pending" and str(record.hours) == "2.0"

    # 4. The community worker (another account) confirms it in the console.
    sign_in(staff, base, "community_worker")
    staff.wait_for_url(base + "/console/")
    staff.goto(base + "/console/party/serving/records/")
    row = staff.locator("[data-testid=records] tbody tr", has_text="上门打扫卫生")
    row.locator("button", has_text="确认").click()
    staff.wait_for_selector("text=服务记录已确认")
    record.refresh_from_db()
    assert record.status == "confirmed"

    # 5. The member sees the hours of the year.
    m.goto(base + "/h5/party/me/")
    assert m.inner_text("[data-testid=hours-confirmed]") == "2"
    m.goto(base + "/h5/party/service/")
    assert "已确认" in m.inner_text("[data-testid=record-status]")

    # 6. The unit's liaison sees the record on the unit page.
    sign_in(li, base, "unit_liaison")
    li.wait_for_url(base + "/h5/")
    li.click("[data-testid=tile-unit]")
    li.wait_for_url("**/h5/party/unit/")
    rec = li.inner_text("[data-testid=unit-records]")
    assert "钱在职" in rec and "2 小时" in rec and "已确认" in rec
    assert li.inner_text("[data-testid=unit-hours]") == "2"
    assert "钱在职" in li.inner_text("[data-testid=unit-members]")
    assert li.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    li.screenshot(path=str(SHOTS / "gongzhi-party-h5-unit.png"), full_page=True)
    assert errors == [[], [], []], errors
