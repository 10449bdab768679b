"""The co-governance journey in Chromium: a resident proposes a topic on the phone; the secretary puts it
on the agenda and opens the consultation; the resident gives an opinion; a meeting is held with QR
attendance (the resident is a member and scans) and attendance by hand, votes and minutes; the resolution
is publicised and carried out; the resident sees the progress and rates the published result.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/councils
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.testing import PASSWORD, build_small_district
from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def pages(browser, live_server, transactional_db):
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    h5, console = phone.new_page(), desk.new_page()
    errors = watch(h5)
    console_errors = watch(console)
    yield h5, console, live_server.url, errors, console_errors
    phone.close()
    desk.close()


def _act(console, action: str) -> None:
    console.click(f"form:has(input[name=action][value={action}]) button[type=submit]")
    console.wait_for_load_state()


def test_propose_consult_meet_publish_rate(pages):
    from gongzhi.core import ids
    from gongzhi.councils.models import Resolution, Topic
    from gongzhi.councils.services import MemberInput, council_member_add
    from gongzhi.councils.tests.factories import make_council
    from gongzhi.testing.sms import SENT

    h5, console, base, h5_errors, console_errors = pages
    d = build_small_district()
    council = make_council(d, members=3)
    # The resident signs in with a code and proposes a topic.
    phone = ids.decrypt(d.persons["g1"][0].phone_encrypted)
    SENT.pop(phone, None)
    h5.goto(base + "/h5/")
    h5.wait_for_url("**/h5/login/")
    h5.fill("#id_phone", phone)
    h5.click("text=获取验证码")
    h5.locator("[data-testid=h5-info]").wait_for()
    h5.fill("#id_code", SENT[phone])
    h5.click("button.button-primary")
    h5.wait_for_url("**/h5/**")
    h5.goto(base + "/h5/councils/")
    h5.fill("[data-testid=propose-form] input[name=title]", "小区加装电动车充电桩")
    h5.fill("[data-testid=propose-form] textarea[name=description]", "楼道里充电太危险")
    h5.click("[data-testid=propose-form] button[type=submit]")
    h5.wait_for_url("**/h5/councils/")
    assert "待审议" in h5.inner_text("[data-testid=my-topics]")
    topic = Topic.objects.get(title="小区加装电动车充电桩")
    resident = topic.proposed_by
    assert resident is not None
    member = council_member_add(
        actor=d.user("community_secretary"),
        council_id=council.pk,
        data=MemberInput(name="居民代表甲", category="resident_rep", user_id=resident.pk),
    )
    # The secretary accepts it onto the agenda and opens the consultation.
    console.goto(base + "/console/login/")
    console.fill("#id_username", "community_secretary")
    console.fill("#id_password", PASSWORD)
    console.click("button[type=submit].btn-primary")
    console.wait_for_url("**/console/**")
    console.goto(base + f"/console/councils/topics/{topic.pk}/")
    _act(console, "accept")
    assert console.inner_text("[data-testid=topic-status]") == "已列入议程"
    closes = timezone.localdate() + dt.timedelta(days=5)
    console.fill("form:has(input[value=consult]) input[name=closes_on]", closes.isoformat())
    _act(console, "consult")
    assert console.inner_text("[data-testid=topic-status]") == "调研协商中"
    # The resident gives an opinion on the phone (once).
    h5.goto(base + f"/h5/councils/topics/{topic.pk}/")
    h5.check("input[name=stance][value=support]")
    h5.fill("textarea[name=body]", "支持，尽快安装")
    h5.click("[data-testid=opinion-form] button[type=submit]")
    h5.locator("[data-testid=given]").wait_for()
    # A meeting: the secretary calls it with the topic on the agenda.
    console.goto(base + f"/console/councils/{council.pk}/")
    now = timezone.localtime()
    console.fill("[data-testid=meeting-form] input[name=starts_at]", now.strftime("%Y-%m-%dT%H:%M"))
    console.fill(
        "[data-testid=meeting-form] input[name=ends_at]",
        (now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    console.check(f"[data-testid=meeting-form] input[name=topic_ids][value='{topic.pk}']")
    console.click("[data-testid=meeting-form] button[type=submit]")
    console.wait_for_url("**/console/councils/meetings/**")
    scan_url = console.inner_text("[data-testid=scan-url]")
    # The resident, a member, scans the QR code.
    from urllib.parse import urlsplit

    h5.goto(base + urlsplit(scan_url).path)
    h5.click("text=确认签到")
    h5.locator("[data-testid=done]").wait_for()
    # The others are recorded by hand.
    console.reload()
    while console.locator("form:has(input[value=attend]) button").count():
        console.locator("form:has(input[value=attend]) button").first.click()
        console.wait_for_load_state()
    assert "扫码签到" in console.inner_text("[data-testid=attendance]")
    # The vote: three for, one abstains; the resolution is written.
    selects = console.locator("[data-testid=vote-form] select[name=choice]")
    for i in range(selects.count()):
        selects.nth(i).select_option("abstain" if i == 0 else "for")
    console.fill("[data-testid=vote-form] textarea[name=content]", "在3号楼和5号楼之间建设集中充电棚")
    console.fill("[data-testid=vote-form] input[name=owner_name]", "物业服务企业")
    console.click("[data-testid=vote-form] button[type=submit]")
    console.wait_for_selector("[data-testid=decision]:has-text('通过')")
    console.fill("[data-testid=minutes-form] textarea[name=minutes]", "议题经表决通过，建设集中充电棚。")
    console.click("[data-testid=minutes-form] button[type=submit]")
    console.wait_for_selector("[data-testid=minutes-pdf]")
    console.screenshot(path=str(SHOTS / "councils_meeting.png"), full_page=True)
    assert Resolution.objects.filter(topic=topic).exists()
    assert member.attendance.get().method == "qr"
    # Publicised and carried out.
    console.goto(base + f"/console/councils/topics/{topic.pk}/")
    _act(console, "notice")
    _act(console, "implement")
    console.fill("form:has(input[value=progress]) input[name=progress]", "50")
    _act(console, "progress")
    h5.goto(base + f"/h5/councils/topics/{topic.pk}/")
    assert h5.inner_text("[data-testid=progress]") == "50%"
    console.fill("form:has(input[value=complete]) input[name=result]", "充电棚已建成投用")
    _act(console, "complete")
    _act(console, "publish")
    assert console.inner_text("[data-testid=topic-status]") == "结果已公开"
    # The resident sees the result and rates it, once.
    h5.goto(base + f"/h5/councils/topics/{topic.pk}/")
    assert h5.inner_text("[data-testid=progress]") == "100%"
    h5.select_option("[data-testid=rating-form] select[name=score]", "5")
    h5.click("[data-testid=rating-form] button[type=submit]")
    h5.locator("[data-testid=rated]").wait_for()
    h5.screenshot(path=str(SHOTS / "councils_rated.png"), full_page=True)
    assert Resolution.objects.get(topic=topic).rating_count == 1
    # The public page shows it with progress and the rating.
    h5.goto(base + f"/h5/councils/public/{council.pk}/")
    assert "建设集中充电棚" in h5.inner_text("[data-testid=public-topic]")
    assert h5_errors == [] and console_errors == []
