"""A grid worker on the phone records a visit with a photo and raises a need from it; the community sees
the need in the three lists. Debian's Chromium through Playwright; no script error, no CSP violation.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/care
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser
G1_POINT = (117.105, 36.985)


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


def _photo() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (36.0, 59.0, 6.0), "E", (117.0, 6.0, 18.0)
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (90, 140, 60)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_visit_on_the_phone_raises_a_need_the_community_sees(
    browser, live_server, transactional_db, district, settings, tmp_path
):
    from gongzhi.care.models import Visit, VisitPhoto
    from gongzhi.care.tests.factories import days_ago, enter
    from gongzhi.cobuild.models import Need

    settings.MEDIA_ROOT = str(tmp_path)
    d = district
    person = d.persons["g1"][0]
    enter(d, person, on=days_ago(40), frequency="monthly")
    phone = _context(
        browser, live_server, d, "grid_worker",
        viewport={"width": 390, "height": 844}, is_mobile=True,
        geolocation={"longitude": G1_POINT[0], "latitude": G1_POINT[1]}, permissions=["geolocation"],
    )  # fmt: skip
    page = phone.new_page()
    errors = watch(page)
    page.set_default_timeout(60_000)  # a loaded 2-core machine: the first page of a live server is slow
    page.goto(live_server.url + "/console/care/overdue/?mine=1")
    page.locator("[data-testid=overdue] tr", has_text=person.name).get_by_role(
        "link", name="登记走访"
    ).click()
    page.wait_for_selector("[data-testid=visit-form]")
    page.fill("#v_living", "独居，五楼无电梯")
    page.fill("#v_difficulties", "卫生间没有扶手，洗澡时容易滑倒")
    page.select_option("#v_follow_up", "need")
    page.fill("#v_need_title", "卫生间安装扶手")
    page.select_option("#v_need_category", "elderly_care")
    page.set_input_files(
        "input[name=photos]", {"name": "IMG_2001.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_selector("[data-testid=follow-up]")
    assert "卫生间安装扶手" in page.inner_text("[data-testid=follow-up]")
    assert page.locator("[data-testid=visit-photos] img").count() == 1
    page.screenshot(path=str(SHOTS / "care-visit-phone.png"), full_page=True)
    visit = Visit.objects.get()
    assert visit.lng is not None and abs(visit.lng - G1_POINT[0]) < 1e-5
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    assert visit.need_id is not None
    need = Need.objects.get(pk=visit.need_id)
    assert errors == []
    phone.close()

    office = _context(browser, live_server, d, "community_worker", viewport={"width": 1280, "height": 900})
    page = office.new_page()
    errors = watch(page)
    page.set_default_timeout(60_000)
    page.goto(live_server.url + "/console/cobuild/needs/")
    row = page.locator("[data-testid=needs] tr", has_text="卫生间安装扶手")
    assert row.count() == 1 and "网格员走访" in row.inner_text()
    row.get_by_role("link", name="卫生间安装扶手").click()
    page.wait_for_url(f"**/console/cobuild/needs/{need.pk}/")
    assert errors == []
    office.close()
