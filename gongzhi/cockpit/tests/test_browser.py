"""The district admin drills down the cockpit: district → subdistrict → community → grid, by the ranking's
links and by a bar of the chart; the big screen at 1920×1080. Debian's Chromium through Playwright; no
script error, no CSP violation. Screenshots to the test's tmp dir and to $GONGZHI_SCREENSHOTS.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/cockpit
"""

from __future__ import annotations

import shutil

import pytest

from gongzhi.testing.browser import SHOTS, watch

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


def _shot(page, tmp_path, name: str) -> None:
    path = tmp_path / f"gongzhi-cockpit-{name}.png"
    page.screenshot(path=str(path), full_page=name != "screen")
    if SHOTS.is_dir() and SHOTS.resolve() != tmp_path.resolve():
        shutil.copy(path, SHOTS / path.name)


def test_the_district_admin_drills_down_and_opens_the_big_screen(
    browser, live_server, transactional_db, district, tmp_path
):
    from gongzhi.cockpit.services import rollup_rebuild

    d = district
    rollup_rebuild(actor=None)
    context = _context(browser, live_server, d, "district_admin", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = watch(page)
    page.set_default_timeout(60_000)  # a loaded 2-core machine: the first page of a live server is slow
    page.goto(live_server.url + "/console/cockpit/")
    page.wait_for_selector("#cockpit-trend svg")
    assert d.district.name in page.inner_text("[data-testid=cockpit-title]")
    _shot(page, tmp_path, "1-district")

    # the subdistrict by the ranking table's link
    page.wait_for_selector("#cockpit-ranking svg")
    page.locator("[data-testid=children] a", has_text=d.subdistricts["A"].name).click()
    page.wait_for_url(f"**/console/cockpit/?place={d.subdistricts['A'].code}")
    assert d.subdistricts["A"].name in page.inner_text("[data-testid=cockpit-title]")
    assert d.district.name in page.inner_text("[data-testid=cockpit-trail]")
    _shot(page, tmp_path, "2-subdistrict")

    page.locator("[data-testid=children] a", has_text=d.communities["A1"].name).click()
    page.wait_for_url(f"**/console/cockpit/?place={d.communities['A1'].code}")
    assert d.communities["A1"].name in page.inner_text("[data-testid=cockpit-title]")
    rows = page.locator("[data-testid=children] tbody tr")
    assert rows.count() == 2  # its two grids
    persons = rows.filter(has_text=d.grids["g1"].name).locator("td").first.inner_text()
    assert int(persons) == len(d.persons["g1"])
    _shot(page, tmp_path, "3-community")

    # the grid by clicking its name on the chart's axis (a bar opens it the same way)
    page.locator("#cockpit-ranking text", has_text=d.grids["g1"].name).click()
    page.wait_for_url(f"**/console/cockpit/?place={d.grids['g1'].code}")
    assert d.grids["g1"].name in page.inner_text("[data-testid=cockpit-title]")
    assert page.locator("[data-testid=children]").count() == 0  # a grid has nothing below
    assert page.inner_text("[data-figure=persons]").strip() == str(len(d.persons["g1"]))
    _shot(page, tmp_path, "4-grid")

    # back up by the breadcrumb
    page.locator("[data-testid=cockpit-trail] a", has_text=d.subdistricts["A"].name).click()
    page.wait_for_url(f"**/console/cockpit/?place={d.subdistricts['A'].code}")
    assert not errors, errors

    screen_ctx = _context(browser, live_server, d, "district_admin", viewport={"width": 1920, "height": 1080})
    screen = screen_ctx.new_page()
    screen_errors = watch(screen)
    screen.set_default_timeout(60_000)
    screen.goto(live_server.url + f"/console/cockpit/screen/?place={d.subdistricts['A'].code}")
    screen.wait_for_selector("#screen-ranking svg")
    size = screen.evaluate(
        "() => { const r = document.querySelector('.screen').getBoundingClientRect();"
        " return [r.width, r.height, document.documentElement.scrollHeight]; }"
    )
    assert size[0] == 1920 and size[1] == 1080 and size[2] <= 1080, size
    title_px = screen.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert title_px >= 48  # readable from across the room
    _shot(screen, tmp_path, "screen")
    assert not screen_errors, screen_errors
    context.close()
    screen_ctx.close()
