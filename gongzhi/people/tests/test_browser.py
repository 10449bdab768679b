"""The 实有人口 pages in Debian's Chromium: live search, audited reveal, dry run then import.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/people
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator[tuple[object, str, list[str]]]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors = watch(pg)
    yield pg, live_server.url, errors
    context.close()


def sign_in(pg, base: str, username: str) -> None:
    from gongzhi.testing import PASSWORD

    pg.goto(base + "/console/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", PASSWORD)
    pg.click("button[type=submit].btn-primary")
    pg.wait_for_url(base + "/console/")


def test_search_reveal_and_import(page, district, tmp_path):
    from django.urls import reverse

    from gongzhi.audit.models import AuditEvent
    from gongzhi.core import ids
    from gongzhi.people.models import Person
    from gongzhi.people.tests.helpers import person_row, xlsx_bytes

    pg, base, errors = page
    sign_in(pg, base, "grid_worker")
    target = district.persons["g1"][2]
    pg.goto(base + reverse("people:search"))
    assert pg.get_attribute("#id_q", "placeholder") == "姓名 / 拼音首字母 / 手机后4位 / 身份证号"

    # Typing is enough: the results swap in without a page load, and the URL follows.
    pg.fill("#id_q", target.name)
    pg.wait_for_function(
        "n => document.querySelectorAll('#person-results tbody tr').length === 1", arg=target.name
    )
    assert pg.locator("#person-results").inner_text().count(target.name) == 1
    assert f"q={target.name}" in pg.url or "q=%E6" in pg.url
    assert "export.xlsx?q=" in (pg.get_attribute("#people-export", "href") or "")
    pg.screenshot(path=str(SHOTS / "gongzhi-people-search.png"), full_page=True)

    # Detail → reveal with a reason → the full number replaces the masked one, the timeline follows.
    pg.click(f"#person-results >> text={target.name}")
    pg.wait_for_url(f"**{reverse('people:detail', args=[target.pk])}")
    assert target.id_number_masked in pg.locator("#reveal-id_number").inner_text()
    pg.fill("#reason-id_number", "入户核实")
    pg.click("#reveal-id_number >> text=查看完整")
    full = ids.decrypt(target.id_number_encrypted)
    pg.wait_for_selector(f"[data-testid=revealed-id_number] >> text={full}")
    pg.wait_for_selector("#person-timeline >> text=查看完整个人信息")
    assert (
        AuditEvent.objects.filter(event_type="people.person_revealed", target_id=str(target.pk)).count() == 1
    )
    pg.screenshot(path=str(SHOTS / "gongzhi-people-detail.png"), full_page=True)

    # Import: dry run first, then import the same chosen file without choosing it again.
    g1 = district.grids["g1"].code
    file = tmp_path / "实有人口.xlsx"
    file.write_bytes(xlsx_bytes([person_row(g1, "501", "浏览器导入", 3001, phone="13812345678")]))
    pg.goto(base + reverse("people:import"))
    pg.set_input_files("#id_file", str(file))
    pg.click("button[value=check]")
    pg.wait_for_selector("[data-status=checked]")
    assert not Person.objects.filter(name="浏览器导入").exists()
    pg.click("button[value=apply]")
    pg.wait_for_selector("[data-status=applied]")
    assert pg.locator("[data-testid=import-created]").inner_text() == "1"
    assert Person.objects.filter(name="浏览器导入").exists()
    pg.screenshot(path=str(SHOTS / "gongzhi-people-import.png"), full_page=True)

    # A wrong row: the error table, with the row number as Excel shows it.
    bad = tmp_path / "错误.xlsx"
    bad.write_bytes(
        xlsx_bytes([person_row(g1, "502", "甲", 3002), person_row(g1, "503", "乙", 3003, phone="1")])
    )
    pg.set_input_files("#id_file", str(bad))
    pg.click("button[value=apply]")
    pg.wait_for_selector("[data-status=rejected]")
    table = pg.locator("[data-testid=import-errors]").inner_text()
    assert "3" in table and "联系电话" in table
    pg.screenshot(path=str(SHOTS / "gongzhi-people-import-errors.png"), full_page=True)
    assert errors == [], errors  # no script errors, no CSP violations


def test_register_a_household_add_a_member_and_correct_a_person(page, district):
    """By hand, no Excel: 登记住户 from the search page, 登记新成员 on the household, 编辑 on a person."""
    from django.urls import reverse

    from gongzhi.people.models import Person
    from gongzhi.testing import id_number_for

    pg, base, errors = page
    sign_in(pg, base, "grid_worker")
    pg.goto(base + reverse("people:search"))
    pg.click("[data-testid=household-new]")
    pg.wait_for_url(f"**{reverse('people:household_new')}")
    pg.fill("#id_estate", "浏览器小区")
    pg.fill("#id_building", "7")
    pg.fill("#id_entrance", "1")
    pg.fill("#id_door", "202")
    pg.fill("#id_name", "浏览器户主")
    pg.fill("#id_id_number", id_number_for(901, birth="19930303")[:17] + "0")  # a wrong check digit
    pg.check("text=退役军人")
    pg.click("[data-testid=household-form] button[type=submit]")
    pg.wait_for_selector("[data-testid=error-id_number] >> text=身份证号码校验位错误")
    assert not Person.objects.filter(name="浏览器户主").exists()
    assert pg.is_checked("text=退役军人")  # what was entered is kept for the correction
    pg.screenshot(path=str(SHOTS / "gongzhi-people-household-new-error.png"), full_page=True)

    pg.fill("#id_id_number", id_number_for(901, birth="19930303"))
    pg.click("[data-testid=household-form] button[type=submit]")
    pg.wait_for_selector("[data-testid=household-members] >> text=浏览器户主")
    head = Person.objects.get(name="浏览器户主")
    assert head.household is not None and head.household.address == "浏览器小区7号楼1单元202室"
    assert head.tags == ["veteran"]

    pg.click("[data-testid=member-new]")
    pg.fill("#id_name", "浏览器成员")
    pg.select_option("#id_relation", "spouse")
    pg.fill("#id_phone", "13700001111")
    pg.click("[data-testid=member-form] button[type=submit]")
    pg.wait_for_selector("[data-testid=household-members] >> text=浏览器成员")
    assert "137****1111" in pg.locator("[data-testid=household-members]").inner_text()
    pg.screenshot(path=str(SHOTS / "gongzhi-people-household.png"), full_page=True)

    pg.click("[data-testid=household-members] >> text=浏览器成员")
    pg.click("[data-testid=person-edit]")
    assert pg.get_attribute("#id_phone", "placeholder") == "137****1111"
    assert pg.input_value("#id_phone") == ""
    pg.screenshot(path=str(SHOTS / "gongzhi-people-edit.png"), full_page=True)
    pg.fill("#id_name", "浏览器改名")
    pg.click("[data-testid=person-edit-form] button[type=submit]")
    pg.wait_for_selector("h1 >> text=浏览器改名")
    pg.wait_for_selector("#person-timeline >> text=修改人员信息")
    member = Person.objects.get(name="浏览器改名")
    assert member.phone_masked == "137****1111"  # the blank phone was kept
    assert errors == [], errors  # no script errors, no CSP violations
