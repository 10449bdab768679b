"""Journeys through the real pages in Debian's Chromium (``make test-browser``).

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/console
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser


class Page:
    """A browser page that records script errors and CSP violations so a test can insist on none."""

    def __init__(self, browser, base_url: str, **context_args) -> None:
        self.context = browser.new_context(locale="zh-CN", **context_args)
        self.page = self.context.new_page()
        self.base = base_url
        self.errors = watch(self.page)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def staff_page(browser, live_server, transactional_db) -> Iterator[Page]:
    page = Page(browser, live_server.url, viewport={"width": 1280, "height": 900})
    yield page
    page.close()


@pytest.fixture
def phone_page(browser, live_server, transactional_db) -> Iterator[Page]:
    page = Page(
        browser, live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield page
    page.close()


def sign_in(p: Page, username: str, password: str) -> None:
    p.goto("/console/login/")
    p.page.fill("#id_username", username)
    p.page.fill("#id_password", password)
    p.page.click("button[type=submit].btn-primary")


def db_figures() -> dict[str, int]:
    from django.db.models import Count

    from gongzhi.people.models import Person
    from gongzhi.places.models import Community, Grid, Household

    by_kind = dict(Grid.objects.values_list("kind").annotate(n=Count("id")))
    return {
        "district-communities": Community.objects.count(),
        "district-grids": Grid.objects.count(),
        "district-grids-residential": by_kind.get("residential", 0),
        "district-grids-reserved": by_kind.get("reserved", 0),
        "district-grids-dedicated": by_kind.get("dedicated", 0),
        "district-households": Household.objects.count(),
        "district-persons": Person.objects.count(),
    }


def test_staff_signs_in_sees_figures_and_finds_a_person(staff_page, district):
    from django.db import transaction

    from gongzhi.people.services import PersonInput, person_create
    from gongzhi.testing import PASSWORD, id_number_for

    with transaction.atomic():
        person_create(
            actor=None,
            household_id=district.households["g1"][1].pk,
            data=PersonInput(
                name="张伟", id_number=id_number_for(900), phone="13955556666", relation="child"
            ),
        )
    p = staff_page
    p.goto("/console/")
    assert "/console/login/" in p.page.url  # not signed in yet
    sign_in(p, "district_admin", PASSWORD)
    p.page.wait_for_url(p.base + "/console/")
    assert p.page.title().startswith("工作台")
    assert p.page.locator(".user-roles").inner_text() == "区级管理员"

    expected = db_figures()
    for name, value in expected.items():
        assert int(p.page.locator(f'[data-figure="{name}"]').inner_text()) == value, name
    assert int(p.page.locator('[data-figure="district-persons"]').inner_text()) == 25
    assert (
        int(p.page.locator('[data-figure="mine-households"]').inner_text()) == expected["district-households"]
    )

    # ECharts drew the per-community chart from the json_script data (SVG renderer).
    p.page.wait_for_selector("#grid-kind-chart svg")
    chart_text = p.page.locator("#grid-kind-chart").inner_text()
    assert (
        "银山社区" in chart_text
        or p.page.locator("#grid-kind-chart svg text", has_text="银山社区").count() > 0
    )
    p.page.screenshot(path=str(SHOTS / "gongzhi-home.png"), full_page=True)
    p.page.set_viewport_size({"width": 390, "height": 844})
    p.page.screenshot(path=str(SHOTS / "gongzhi-home-narrow.png"), full_page=True)
    p.page.set_viewport_size({"width": 1280, "height": 900})

    # 实有人口 → search by pinyin initials.
    from django.urls import reverse

    search_url = reverse("people:search")
    assert p.page.locator("nav.sidenav").inner_text().count("实有人口") == 1
    p.page.click(f'nav.sidenav a[href="{search_url}"]')
    p.page.wait_for_url(f"**{search_url}**")
    p.page.fill("input[name=q]", "zw")
    p.page.press("input[name=q]", "Enter")
    p.page.wait_for_selector("text=张伟")
    body = p.page.locator("main").inner_text()
    assert "张伟" in body
    assert "13955556666" not in body and "139****6666" in body
    assert "测试g100" not in body  # initials "zw" match only 张伟
    p.page.screenshot(path=str(SHOTS / "gongzhi-people.png"), full_page=True)

    # The audit log lists the registration.
    p.page.click("nav.sidenav >> text=审计日志")
    p.page.wait_for_url("**/console/audit/")
    assert p.page.locator(".timeline-item", has_text="张伟").first.is_visible()
    p.page.screenshot(path=str(SHOTS / "gongzhi-audit.png"))

    # Sign out with the POST button.
    p.page.click("header.topbar >> text=退出")
    p.page.wait_for_url("**/console/login/")
    assert p.errors == [], p.errors  # no script errors, no CSP violations


def test_wrong_password_shows_chinese_error(staff_page, district):
    p = staff_page
    sign_in(p, "district_admin", "not-the-password")
    error = p.page.locator("[data-testid=login-error]")
    error.wait_for()
    assert error.inner_text() == "用户名或密码错误"
    assert "/console/login/" in p.page.url
    p.page.screenshot(path=str(SHOTS / "gongzhi-login-error.png"))
    assert p.errors == [], p.errors


def test_resident_signs_in_on_h5_and_sees_only_own_household(phone_page, district):
    from gongzhi.core import ids
    from gongzhi.testing.sms import SENT

    own = district.persons["g1"][:2]
    phone = ids.decrypt(own[0].phone_encrypted)
    SENT.pop(phone, None)
    p = phone_page
    p.goto("/h5/")
    p.page.wait_for_url("**/h5/login/")
    p.page.fill("#id_phone", phone)
    p.page.click("text=获取验证码")
    p.page.locator("[data-testid=h5-info]").wait_for()
    assert "139****0001" in p.page.locator("[data-testid=h5-info]").inner_text()
    code = SENT[phone]
    p.page.fill("#id_code", code)
    p.page.click("button.button-primary")
    p.page.wait_for_url("**/h5/")  # the first sign-in lands on the home page; 我的家庭 is one tap away
    p.page.click("text=我的家庭")
    p.page.wait_for_url("**/h5/family/")
    members = p.page.locator("[data-testid=member]")
    assert members.count() == 2
    text = p.page.locator("main").inner_text()
    for person in own:
        assert person.name in text and person.phone_masked in text and person.id_number_masked in text
    for other in district.persons["g1"][2:] + district.persons["g2"]:
        assert other.name not in text
    assert phone not in text
    p.page.screenshot(path=str(SHOTS / "gongzhi-h5-family.png"), full_page=True)
    p.page.click("header.bar >> text=退出")
    p.page.wait_for_url("**/h5/login/")
    assert p.errors == [], p.errors


def test_resident_is_sent_from_console_to_h5(staff_page, district):
    from gongzhi.testing import PASSWORD

    p = staff_page
    sign_in(p, "resident", PASSWORD)
    p.page.wait_for_url("**/h5/")
    assert "我的家庭" in p.page.locator("main").inner_text()
    p.goto("/console/")
    p.page.wait_for_url("**/h5/")
