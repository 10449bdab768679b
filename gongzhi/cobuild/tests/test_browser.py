"""The yearly matching meeting in Chromium: a secretary sees a need's suggestions, generates the plan,
leaves a pair out, puts it back, and confirms; the projects appear in the project list.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/cobuild
"""

from __future__ import annotations

import pytest

from gongzhi.testing import PASSWORD, build_small_district
from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    errors = watch(p)
    yield p, live_server.url, errors
    context.close()


def test_plan_generate_adjust_confirm(page):
    from gongzhi.cobuild.models import MatchingPlan, Project
    from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit

    p, base, errors = page
    d = build_small_district()
    unit = make_unit(d)
    need = make_need(d, title="独居老人测血压")
    make_need(d, title="孩子课后辅导", category="education")
    make_resource(d, unit, title="医院义诊", capacity=2)
    make_resource(d, unit, title="课业辅导", categories=("education",))
    p.goto(base + "/console/login/")
    p.fill("#id_username", "community_secretary")
    p.fill("#id_password", PASSWORD)
    p.click("button[type=submit].btn-primary")
    p.wait_for_url("**/console/**")
    p.goto(base + f"/console/cobuild/needs/{need.pk}/")
    assert "类别对口" in p.inner_text("[data-testid=suggestions]")
    p.goto(base + "/console/cobuild/plans/")
    p.click("[data-testid=plan-form] button[type=submit]")
    p.wait_for_selector("[data-testid=plan-rows]")
    assert p.locator("[data-testid=plan-rows] tbody tr").count() == 2
    assert not Project.objects.exists()  # a draft changes nothing
    p.locator("[data-testid=plan-rows] tbody tr").first.locator("button", has_text="移出").click()
    p.wait_for_selector("text=已调整")
    p.locator("[data-testid=plan-rows] tbody tr", has_text="否").locator("button", has_text="纳入").click()
    p.wait_for_selector("text=已调整")
    p.screenshot(path=str(SHOTS / "cobuild_plan.png"), full_page=True)
    p.click("[data-testid=plan-apply] button")
    p.wait_for_selector("[data-testid=projects]")
    assert "生成 2 个待认领的共建项目" in p.inner_text("body")
    assert Project.objects.count() == 2
    assert MatchingPlan.objects.get().status == "applied"
    assert errors == []
