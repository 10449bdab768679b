"""The grid map in Debian's Chromium: grids drawn from the API, a click shows the team, no CSP violation.

Run alone with: .venv/bin/pytest -m browser -p no:xdist gongzhi/places
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in_page(browser, live_server, transactional_db, district) -> Iterator[tuple[object, list[str]]]:
    from django.test import Client

    from gongzhi.places.services import grid_team_member_add

    grid_team_member_add(
        actor=None, grid=district.grids["g1"], role="grid_head", name="王网格长", phone="13912345678"
    )
    client = Client()
    client.force_login(district.user("community_worker"))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    errors = watch(page)
    page.base = live_server.url
    yield page, errors
    context.close()


def test_map_draws_grids_and_shows_the_team_on_click(signed_in_page, district):
    page, errors = signed_in_page
    page.goto(page.base + "/console/places/map/")
    page.wait_for_selector("#grid-map path.leaflet-interactive")
    assert page.locator("#grid-map path.leaflet-interactive").count() == 2  # g1 and g2, not other communities
    assert page.locator("#grid-map-status").inner_text() == "共2个网格"
    assert page.locator(".leaflet-tile").count() == 0  # no tile server configured
    assert page.locator('[data-count-for="residential"]').inner_text() == "（2）"

    page.goto(page.base + f"/console/places/map/?grid={district.grids['g1'].code}")
    page.wait_for_selector("#grid-panel h2")
    panel = page.locator("#grid-panel")
    assert panel.locator("h2").inner_text() == "银山社区第1网格"
    text = panel.inner_text()
    assert "网格长：王网格长（139****5678）" in text
    assert "3户" in text and "6人" in text

    page.locator(f"#grid-map path.grid-{district.grids['g2'].code}").click()
    from playwright.sync_api import expect

    expect(panel.locator("h2")).to_have_text("银山社区第2网格")  # no wait_for_function: CSP forbids eval
    page.screenshot(path=str(SHOTS / "places-map.png"))
    assert errors == []


def test_grid_team_is_managed_from_the_grid_page(signed_in_page, district):
    """Add, a refused second grid head, edit, remove with its confirmation: htmx swaps the team panel,
    and nothing trips the CSP."""
    from playwright.sync_api import expect

    page, errors = signed_in_page
    g1 = district.grids["g1"]
    page.goto(page.base + f"/console/places/grids/{g1.code}/")
    panel = page.locator("#grid-team")
    expect(panel.locator('[data-testid="team-warning-worker"]')).to_be_visible()

    form = page.locator('[data-testid="team-add-form"]')
    form.locator('select[name="role"]').select_option("grid_worker")
    form.locator('input[name="name"]').fill("李网格员")
    form.locator('input[name="phone"]').fill("13812345678")
    form.locator('button[type="submit"]').click()
    expect(panel.locator('[data-testid="team-notice"]')).to_have_text(
        "已将李网格员加入网格队伍（专职网格员）"
    )
    expect(panel.locator('[data-testid="team-warning-worker"]')).to_have_count(0)
    expect(panel.locator('[data-testid="team-count-workers"]')).to_have_text("1")
    assert "138****5678" in panel.inner_text() and "13812345678" not in page.content()

    form = page.locator('[data-testid="team-add-form"]')
    form.locator('select[name="role"]').select_option("grid_head")
    form.locator('input[name="name"]').fill("第二个网格长")
    form.locator('button[type="submit"]').click()
    expect(panel.locator('[data-testid="team-add-error"]')).to_contain_text("已有网格长")
    expect(page.locator('[data-testid="team-add-form"] input[name="name"]')).to_have_value("第二个网格长")

    row = panel.locator('[data-testid="team-member"]', has_text="李网格员")
    row.locator("summary", has_text="编辑").click()
    row.locator('input[name="phone"]').fill("12345")
    row.locator('[data-testid="team-edit-form"] button[type="submit"]').click()
    row = panel.locator('[data-testid="team-member"]', has_text="李网格员")
    expect(row.locator('[data-testid="team-edit-phone-error"]')).to_contain_text("不是有效的中国大陆号码")
    page.screenshot(path=str(SHOTS / "places-team-edit.png"), full_page=True)

    row.locator("button", has_text="移出").click()
    confirm = panel.locator('[data-testid="team-remove-confirm"]')
    expect(confirm).to_contain_text("确定将李网格员移出网格队伍吗？")
    confirm.locator("a", has_text="取消").click()
    expect(confirm).to_have_count(0)
    row = panel.locator('[data-testid="team-member"]', has_text="李网格员")
    row.locator("button", has_text="移出").click()
    panel.locator('[data-testid="team-remove-confirm"] button', has_text="确认移出").click()
    expect(panel.locator('[data-testid="team-notice"]')).to_have_text("已将李网格员移出网格队伍")
    expect(panel.locator('[data-testid="team-member"]', has_text="李网格员")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "places-team.png"), full_page=True)
    assert errors == []
