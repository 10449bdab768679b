"""The residents' map in Debian's Chromium, on a phone (390 px) and a desktop (1440 px): the resident puts
the pin where the problem is (the phone's position, then a drag), sees the grid it lies in and the open
report nearby, says 这也是我的问题 instead of filing a second report, finds the map on their ticket page,
and opens the community's public reports page — with no script error, no CSP violation, no tile server.
Screenshots go to ``GONGZHI_SCREENSHOTS`` (``gongzhi-resmap-<width>-<step>.png``).

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/tickets/tests/test_browser_residents_map.py
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from gongzhi.testing.browser import screenshot, watch

pytestmark = pytest.mark.browser

HERE = {"longitude": 117.105, "latitude": 36.985}  # inside grid g1 of the small district
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


@pytest.fixture(params=sorted(SIZES))
def page(request, browser, live_server, transactional_db, settings, tmp_path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    size = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(
        locale="zh-CN",
        viewport=size,
        is_mobile=phone,
        has_touch=phone,
        geolocation=HERE,
        permissions=["geolocation"],
    )
    p = context.new_page()
    p.errors = watch(p)
    p.base = live_server.url
    p.width = size["width"]
    yield p
    context.close()


def shot(page: Any, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"gongzhi-resmap-{page.width}-{name}")


def sign_in(page: Any, phone: str) -> None:
    from gongzhi.testing.sms import SENT

    SENT.pop(phone, None)
    page.goto(page.base + "/h5/login/?next=/h5/")
    page.fill("#id_phone", phone)
    page.click("button[type=submit].button-primary")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", SENT[phone])
    page.click("button[type=submit].button-primary")
    page.wait_for_url(page.base + "/h5/")


def test_pin_nearby_me_too_and_public_page(page, district):
    from gongzhi.core import ids
    from gongzhi.people.services import resident_account_for_phone
    from gongzhi.tickets import services as svc
    from gongzhi.tickets.enums import TicketStatus
    from gongzhi.tickets.models import Ticket

    neighbour = resident_account_for_phone(phone_hash=district.persons["g1"][2].phone_hash)
    first = svc.ticket_report(
        actor=neighbour,
        data=svc.TicketInput(
            description="小区南门路灯不亮，晚上很黑",
            lng=HERE["longitude"] + 0.0003,
            lat=HERE["latitude"],
            category_code="101018",
        ),
    )
    sign_in(page, ids.decrypt(district.persons["g1"][0].phone_encrypted))
    page.click("[data-testid=tile-report]")
    page.wait_for_url(page.base + "/h5/tickets/new/")
    page.wait_for_selector("#resident-map path", state="attached")  # the grids, drawn with no tiles
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator(".grid-label", has_text=district.grids["g1"].name).count() == 1

    # the phone's position puts the pin; the grid and the report nearby appear
    page.click("[data-testid=locate]")
    page.wait_for_selector("[data-testid=located-grid] >> text=" + district.grids["g1"].name)
    page.wait_for_selector("[data-testid=nearby-item]")
    assert "小区南门路灯不亮" in page.inner_text("[data-testid=nearby-list]")
    assert float(page.input_value("#id_lng")) == pytest.approx(HERE["longitude"])
    shot(page, "01-pin-and-nearby")

    # dragging the pin moves the location
    box = page.locator(".leaflet-marker-icon").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 25, y + 5, steps=5)
    page.mouse.up()
    page.wait_for_function(
        "v => Math.abs(parseFloat(document.getElementById('id_lng').value) - v) > 1e-5", arg=HERE["longitude"]
    )
    page.wait_for_selector("[data-testid=nearby-item]")

    # 这也是我的问题: no second report, a merged ticket that follows the first
    page.click("[data-testid=me-too]")
    page.wait_for_url(re.compile(r".*/h5/tickets/\d+/$"))
    page.wait_for_selector("text=已加入")
    mine = Ticket.objects.exclude(pk=first.pk).get()
    assert (mine.status, mine.duplicate_of_id) == (TicketStatus.MERGED, first.pk)
    page.wait_for_selector("#resident-map path", state="attached")  # the map on the ticket page
    shot(page, "02-me-too-ticket")

    # the community's public page: map and list, no personal data
    page.click("[data-testid=public-link]")
    page.wait_for_selector("[data-testid=public-item]")
    html = page.content()
    assert "路灯" in html and "1人也反映了" in html
    for p in district.persons["g1"]:
        assert p.name not in html and p.phone_masked not in html
    assert page.locator("#resident-map path").count() >= 2  # grids and a pin
    shot(page, "03-public-page")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.width  # nothing wider than the screen
    assert page.errors == []
