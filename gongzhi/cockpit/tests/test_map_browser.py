"""The one-map in Debian's Chromium, as the district admin: layers switched on and off (their shapes appear
in and leave the DOM, the URL hash keeps them), a click on a grid drills down to the subdistrict, then the
community; the breadcrumb leads back up. Screenshots to $GONGZHI_SCREENSHOTS (or /tmp).

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/cockpit/tests/test_map_browser.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(browser, live_server, transactional_db, district) -> Iterator[tuple[object, list[str]]]:
    from django.test import Client

    from gongzhi.cockpit.tests.map_world import build_map_world

    build_map_world(district)
    client = Client()
    client.force_login(district.user("district_admin"))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 960})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    errors = watch(page)
    page.base = live_server.url
    yield page, errors
    context.close()


def test_layers_toggle_and_grids_drill_down(admin_page, district):
    from playwright.sync_api import expect

    page, errors = admin_page
    page.goto(page.base + "/console/cockpit/map/", timeout=90_000)  # the first page of a cold server
    shapes = page.locator("#onemap path.onemap-grid")
    expect(shapes).to_have_count(4)  # every grid of the district
    assert page.locator(".leaflet-tile").count() == 0  # no tile server: the grids are the base
    # tickets are on by default: clustered at the district's zoom, the overdue ones counted beside the box
    expect(page.locator('[data-count-for="tickets"]')).to_contain_text("超期2")
    assert page.locator("#onemap .onemap-cluster").count() >= 1
    assert "layers=grids,tickets" in page.url

    # switch on venues, devices, units, warnings, the heat and the care counts: their shapes appear
    expected = {
        "venues": ("path.onemap-venue", 3),
        "devices": ("path.onemap-device", 3),
        "units": ("path.onemap-unit", 4),
        "warnings": ("path.onemap-warning", 3),
        "ticket_heat": ("path.onemap-ticket_heat", 4),
        "care": ("path.onemap-care", 3),
    }
    for layer, (selector, count) in expected.items():
        page.locator(f'[data-testid="layer-{layer}"]').check()
        expect(page.locator(f"#onemap {selector}")).to_have_count(count)
    expect(page.locator("#onemap path.onemap-venue-circle")).to_have_count(3)
    expect(page.locator("#onemap path.onemap-pairing")).to_have_count(3)
    expect(page.locator("#onemap path.onemap-device-faulty")).to_have_count(1)
    assert "venues" in page.url and "care" in page.url
    page.screenshot(path=str(SHOTS / "onemap-district-all-layers.png"))

    # and off again: gone from the DOM
    for layer in ("ticket_heat", "care", "devices"):
        page.locator(f'[data-testid="layer-{layer}"]').uncheck()
    expect(page.locator("#onemap path.onemap-ticket_heat")).to_have_count(0)
    expect(page.locator("#onemap path.onemap-care")).to_have_count(0)
    expect(page.locator("#onemap path.onemap-device")).to_have_count(0)
    page.locator('[data-testid="layer-tickets"]').uncheck()
    expect(page.locator("#onemap .onemap-cluster")).to_have_count(0)

    # a click on grid g1 drills to its subdistrict, then its community; the layers chosen go along
    g1 = district.grids["g1"].code
    corner = {"x": 6, "y": 6}  # near the square's corner: the markers sit around its centre
    page.locator(f"#onemap path.grid-{g1}").click(position=corner)
    page.wait_for_url(f"**place={district.subdistricts['A'].code}**")
    expect(page.locator("#onemap path.onemap-grid")).to_have_count(3)  # g1, g2 and g3 of subdistrict A
    expect(page.locator("#onemap path.onemap-venue")).to_have_count(2)
    page.locator(f"#onemap path.grid-{g1}").click(position=corner)
    page.wait_for_url(f"**place={district.communities['A1'].code}**")
    expect(page.locator("#onemap path.onemap-grid")).to_have_count(2)
    expect(page.locator("#onemap path.onemap-unit")).to_have_count(3)  # A1's units only
    page.locator('[data-testid="layer-tickets"]').check()
    expect(page.locator('[data-count-for="tickets"]')).to_contain_text("超期1")  # g1's overdue ticket
    page.screenshot(path=str(SHOTS / "onemap-community.png"))
    # up the breadcrumb to the district
    page.locator(f'.onemap-crumbs a[data-place="{district.district.code}"]').click()
    page.wait_for_url(f"**place={district.district.code}**")
    expect(page.locator("#onemap path.onemap-grid")).to_have_count(4)
    assert errors == []
