"""The points journey in Chromium: a resident signs in on H5 with a one-time code and reports a good deed
with a photo; the community secretary records the day's review meeting on the console and approves it;
the points show on the resident's H5 page; the resident redeems a prize and the stock drops.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/points
"""

from __future__ import annotations

import io

import pytest

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


def _jpeg(tmp_path) -> str:
    from PIL import Image

    path = tmp_path / "good-deed.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 200)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_report_review_points_redeem(pages, tmp_path):
    from gongzhi.core import ids
    from gongzhi.points.models import Claim, ClaimPhoto, Goods
    from gongzhi.points.tests.factories import make_goods, make_rule
    from gongzhi.testing.sms import SENT

    h5, console, base, h5_errors, console_errors = pages
    d = build_small_district()
    make_rule(d, name="帮扶邻里好人好事", low=5, high=8, evidence="photo")
    goods = make_goods(d, name="洗衣液", price=5, stock=3)
    # The resident signs in with the code sent to their phone.
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
    # Reports a good deed with a photo.
    h5.goto(base + "/h5/points/report/")
    h5.fill("input[name=points]", "6")
    h5.fill("input[name=description]", "帮独居老人搬运煤气罐")
    h5.set_input_files("input[name=photos]", _jpeg(tmp_path))
    h5.click("[data-testid=report-form] button[type=submit]")
    h5.wait_for_url("**/h5/points/")
    assert "待评议" in h5.inner_text("[data-testid=my-claims]")
    claim = Claim.objects.get()
    assert ClaimPhoto.objects.filter(claim=claim).count() == 1
    assert h5.inner_text("[data-testid=balance]") == "0"
    # The secretary holds today's review meeting and approves the claim.
    console.goto(base + "/console/login/")
    console.fill("#id_username", "community_secretary")
    console.fill("#id_password", PASSWORD)
    console.click("button[type=submit].btn-primary")
    console.wait_for_url("**/console/**")
    console.goto(base + "/console/points/claims/")
    console.fill("[data-testid=meeting-form] input[name=members_present]", "王书记、李委员、群众代表")
    console.click("[data-testid=meeting-form] button[type=submit]")
    console.wait_for_selector("[data-testid=meetings]")
    console.click(f"[data-testid=decide-{claim.pk}] button[type=submit]")
    console.wait_for_selector("text=评议结果：通过")
    console.screenshot(path=str(SHOTS / "points_review.png"), full_page=True)
    # The points show on H5, with the outcome.
    h5.goto(base + "/h5/points/")
    assert h5.inner_text("[data-testid=balance]") == "6"
    assert "通过" in h5.inner_text("[data-testid=my-claims]")
    # The resident redeems a prize; the stock drops.
    h5.goto(base + "/h5/points/shop/")
    h5.locator(f"[data-testid=goods-{goods.pk}] button").click()
    h5.wait_for_selector("[data-testid=receipt]")
    assert "兑换成功" in h5.inner_text("[data-testid=receipt]")
    assert Goods.objects.get(pk=goods.pk).stock == 2
    h5.goto(base + "/h5/points/shop/")
    assert h5.inner_text(f"[data-testid=left-{goods.pk}]") == "2"
    assert h5.inner_text("[data-testid=balance]") == "1"
    h5.screenshot(path=str(SHOTS / "points_shop.png"), full_page=True)
    assert h5_errors == [] and console_errors == []
