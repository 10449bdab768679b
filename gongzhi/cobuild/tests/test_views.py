"""Console and H5 pages render, write through the services, and show refusals in Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.cobuild.enums import ProjectStatus
from gongzhi.cobuild.models import MatchingPlan, Need, Project
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit

pytestmark = pytest.mark.django_db


def test_needs_page_filters_and_registers(district, client):
    d = district
    make_need(d, title="独居老人测血压")
    make_need(d, title="孩子课后辅导", category="education")
    client.force_login(d.user("community_worker"))
    r = client.get(reverse("cobuild:needs") + "?category=education")
    assert r.status_code == 200
    text = r.content.decode()
    assert "孩子课后辅导" in text and "独居老人测血压" not in text
    r = client.post(reverse("cobuild:needs"), {"title": "", "category": "repair", "quantity": "1"})
    assert r.status_code == 400 and "请填写需求名称" in r.content.decode()
    r = client.post(
        reverse("cobuild:needs"), {"title": "楼道扶手维修", "category": "repair", "quantity": "2"}
    )
    assert r.status_code == 302 and Need.objects.filter(title="楼道扶手维修").exists()


def test_need_page_suggests_and_makes_a_project_then_claim_sign_pdf(district, client):
    d = district
    unit = make_unit(d)
    need = make_need(d)
    res = make_resource(d, unit)
    client.force_login(d.user("community_secretary"))
    r = client.get(reverse("cobuild:need_detail", args=[need.pk]))
    assert "类别对口" in r.content.decode() and res.title in r.content.decode()
    r = client.post(reverse("cobuild:project_create"), {"need_id": need.pk, "resource_id": res.pk})
    project = Project.objects.get()
    assert r.status_code == 302
    client.post(reverse("cobuild:project_claim", args=[project.pk]), {"claimant": ""})
    r = client.post(
        reverse("cobuild:project_claim", args=[project.pk]), {"claimant": f"unit:{unit.pk}"}, follow=True
    )
    assert "不能重复认领" in r.content.decode()
    r = client.post(
        reverse("cobuild:project_sign", args=[project.pk]),
        {
            "terms": "每周三义诊",
            "community_signatory": "王书记",
            "claimant_signatory": "李院长",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.SIGNED
    pdf = client.get(reverse("cobuild:project_agreement", args=[project.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("cobuild:projects")).status_code == 200
    assert client.get(reverse("cobuild:resources")).status_code == 200


def test_plan_page_generate_adjust_confirm(district, client):
    d = district
    unit = make_unit(d)
    make_need(d)
    make_resource(d, unit)
    client.force_login(d.user("community_secretary"))
    r = client.get(reverse("cobuild:plans"))
    assert r.status_code == 200 and d.communities["A1"].name in r.content.decode()
    r = client.post(reverse("cobuild:plans"), {"place_code": d.communities["A1"].code})
    plan = MatchingPlan.objects.get()
    assert r.status_code == 302 and not Project.objects.exists()
    r = client.get(reverse("cobuild:plan_detail", args=[plan.pk]))
    assert "确认方案并生成项目" in r.content.decode()
    client.post(reverse("cobuild:plan_apply", args=[plan.pk]))
    assert Project.objects.count() == 1


def test_h5_resident_raises_a_micro_wish_and_anyone_sees_the_public_list(district, client):
    d = district
    client.force_login(d.user("resident"))
    r = client.get(reverse("h5:home"))
    assert reverse("cobuild_h5:need_raise") in r.content.decode()
    r = client.post(reverse("cobuild_h5:need_raise"), {"title": "", "category": "goods"})
    assert r.status_code == 400 and "请填写需求名称" in r.content.decode()
    r = client.post(
        reverse("cobuild_h5:need_raise"), {"title": "想要一台助行器", "category": "goods", "micro_wish": "1"}
    )
    assert r.status_code == 302 and Need.objects.get().micro_wish
    client.logout()
    r = client.get(reverse("cobuild_h5:public_projects", args=[d.communities["A1"].code]))
    assert r.status_code == 200 and "暂无已签约" in r.content.decode()
    assert client.get(reverse("cobuild_h5:public_projects", args=["999999999999"])).status_code == 404
