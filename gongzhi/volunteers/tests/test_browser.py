"""In Debian's Chromium: a resident signs in on the H5 site with a one-time code, signs up for an
activity, opens the activity's QR check-in URL, checks in and out; the organiser confirms the hours in
the console; the resident sees their hours and star level.

The clock of the volunteer services is moved (``clock.OFFSET``) so that two hours pass between check-in
and check-out without waiting two hours. Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/volunteers
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.testing.browser import SHOTS, watch
from gongzhi.volunteers.tests.conftest import make_activity, move_clock

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server, transactional_db) -> Iterator[tuple[object, object, str, list[list[str]]]]:
    mobile = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg, staff = mobile.new_page(), desk.new_page()
    errors = [watch(pg), watch(staff)]  # each list fills as its page runs
    yield pg, staff, live_server.url, errors
    mobile.close()
    desk.close()


def test_resident_signs_up_checks_in_and_out_and_sees_hours(phone, district, team):
    from gongzhi.testing import PASSWORD
    from gongzhi.testing.sms import SENT
    from gongzhi.volunteers.models import ServiceHours

    pg, staff, base, errors = phone
    session = make_activity(district, team, capacity=10, title="周三义诊").sessions.get()
    person = district.persons["g1"][0]
    number = f"1391234{1:04d}"  # the first person's phone in the test district

    # 1. Sign in on /h5/ with a one-time code (the test sender keeps the code instead of sending it).
    pg.goto(base + reverse("h5:login"))
    pg.fill("#id_phone", number)
    pg.click("button[type=submit].button-primary")
    pg.wait_for_selector("#id_code")
    pg.fill("#id_code", SENT[number])
    pg.click("button[type=submit].button-primary")
    pg.wait_for_url(base + reverse("h5:home"))

    # 2. The activity list → sign up.
    pg.click("text=志愿服务活动")
    pg.wait_for_url(f"**{reverse('volunteers_h5:activities')}")
    assert "周三义诊" in pg.inner_text("[data-testid=session]")
    pg.click("[data-testid=signup]")
    pg.wait_for_selector("[data-testid=my-status] >> text=已报名")
    pg.screenshot(path=str(SHOTS / "gongzhi-volunteers-h5-signup.png"), full_page=True)

    # 3. The QR code's URL, at the start of the session: check in.
    move_clock(session.starts_at - timezone.now())
    pg.goto(base + reverse("volunteers_h5:scan", args=[session.qr_token]))
    pg.click("[data-testid=scan] >> text=签到")
    pg.wait_for_selector("[data-testid=result] >> text=签到成功")
    pg.screenshot(path=str(SHOTS / "gongzhi-volunteers-h5-checked-in.png"), full_page=True)

    # 4. Two hours later the same code checks out.
    move_clock(session.starts_at - timezone.now() + dt.timedelta(hours=2))
    pg.goto(base + reverse("volunteers_h5:scan", args=[session.qr_token]))
    pg.click("[data-testid=scan] >> text=签退")
    pg.wait_for_selector("[data-testid=result] >> text=签退成功")
    assert pg.inner_text("[data-testid=hours]") == "2"
    pg.screenshot(path=str(SHOTS / "gongzhi-volunteers-h5-checked-out.png"), full_page=True)

    # 5. The organiser (community worker) confirms in the console.
    staff.goto(base + "/console/login/")
    staff.fill("#id_username", "community_worker")
    staff.fill("#id_password", PASSWORD)
    staff.click("button[type=submit].btn-primary")
    staff.wait_for_url(base + "/console/")
    staff.goto(base + reverse("volunteers:session_detail", args=[session.pk]))
    assert person.name in staff.inner_text("[data-testid=attendances]")
    staff.click("[data-testid=confirm-all]")
    staff.wait_for_selector("[data-testid=attendances] >> text=已确认")
    staff.screenshot(path=str(SHOTS / "gongzhi-volunteers-console-session.png"), full_page=True)
    assert ServiceHours.objects.get().status == "confirmed"

    # 6. The resident sees the hours and the star level.
    pg.goto(base + reverse("volunteers_h5:mine"))
    assert pg.inner_text("[data-testid=total-hours]") == "2"
    assert pg.inner_text("[data-testid=star]") == "未评星"
    assert "再服务 98 小时可达一星志愿者" in pg.inner_text("[data-testid=next-star]")
    pg.screenshot(path=str(SHOTS / "gongzhi-volunteers-h5-mine.png"), full_page=True)
    assert errors == [[], []], errors
