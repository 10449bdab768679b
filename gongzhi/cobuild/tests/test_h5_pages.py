"""The resident's cobuilding pages on the phone: a success page after raising a need (the form does not
reappear), the public project list rating only delivered projects with no preset score, and the rule in the
service: a project is rated only after it is delivered (completed), with a Chinese 409 before."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.enums import ProviderKind
from gongzhi.cobuild.models import Evaluation, Need
from gongzhi.cobuild.services.projects import (
    project_claim,
    project_complete,
    project_create,
    project_evaluate,
)
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.cobuild.tests.test_services import sign
from gongzhi.core.errors import Conflict


def _signed_project(d):
    staff = d.user("community_worker")
    unit = make_unit(d)
    project = project_create(
        actor=staff, need_ids=[make_need(d).pk], resource_ids=[make_resource(d, unit).pk], title="义诊进家门"
    )
    project_claim(actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    return sign(d, project)


def _resident(d) -> Client:
    client = Client()
    client.force_login(d.user("resident"))
    return client


def test_a_signed_project_is_not_rated_until_it_is_delivered(district):
    d = district
    project = _signed_project(d)
    with pytest.raises(Conflict) as exc:
        project_evaluate(actor=d.user("resident"), project_id=project.pk, rating=5)
    assert exc.value.message == "项目尚未完成交付，交付后才能评价" and exc.value.status == 409
    assert not Evaluation.objects.exists()
    assert not AuditEvent.objects.filter(event_type="cobuild.project_evaluated").exists()

    project_complete(actor=d.user("community_worker"), project_id=project.pk, outcome="服务老人30人次")
    ev = project_evaluate(actor=d.user("resident"), project_id=project.pk, rating=4)
    assert ev.rating == 4


def test_the_api_refuses_a_rating_before_delivery_in_chinese(district):
    d = district
    project = _signed_project(d)
    client = _resident(d)
    r = client.post(
        f"/api/v1/cobuild/projects/{project.pk}/evaluations", {"rating": 5}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["message"] == "项目尚未完成交付，交付后才能评价"
    assert not Evaluation.objects.exists()


def test_the_public_page_offers_no_preset_rating_and_only_for_delivered_projects(district):
    d = district
    project = _signed_project(d)
    url = reverse("cobuild_h5:public_projects", args=[d.communities["A1"].code])
    client = _resident(d)
    html = client.get(url).content.decode()
    assert "完成交付后可以评价" in html and "rating-form" not in html

    # a post anyway (an old page): refused on the server, the message shown, nothing written
    r = client.post(reverse("cobuild_h5:evaluate", args=[project.pk]), {"rating": "5"}, follow=True)
    assert "项目尚未完成交付，交付后才能评价" in r.content.decode() and not Evaluation.objects.exists()

    project_complete(actor=d.user("community_worker"), project_id=project.pk, outcome="服务老人30人次")
    html = client.get(url).content.decode()
    assert 'data-testid="rating-form"' in html
    assert 'type="radio" name="rating"' in html and "checked" not in html and "selected" not in html
    # no choice made: the service's reason, nothing written
    r = client.post(reverse("cobuild_h5:evaluate", args=[project.pk]), {"comment": "很好"}, follow=True)
    assert "请选择1到5星的评分" in r.content.decode() and not Evaluation.objects.exists()
    client.post(reverse("cobuild_h5:evaluate", args=[project.pk]), {"rating": "5"})
    assert Evaluation.objects.get().rating == 5


def test_a_raised_need_ends_on_a_success_page(district):
    d = district
    client = _resident(d)
    r = client.post(
        reverse("cobuild_h5:need_raise"), {"title": "想要一台助行器", "category": "goods", "micro_wish": "1"}
    )
    need = Need.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("cobuild_h5:need_done", args=[need.pk])
    html = client.get(r["Location"]).content.decode()
    assert "已提交，社区将尽快对接" in html and "想要一台助行器" in html and "need-form" not in html
    # only whoever raised it sees its success page
    other = Client()
    other.force_login(d.user("grid_worker"))
    assert other.get(r["Location"]).status_code == 404


def test_the_need_form_is_styled_for_the_phone(district):
    html = _resident(district).get(reverse("cobuild_h5:need_raise")).content.decode()
    assert 'class="form"' in html and 'class="check"' in html and "btn btn-primary" not in html
    r = _resident(district).post(reverse("cobuild_h5:need_raise"), {"title": "", "category": "goods"})
    assert r.status_code == 400 and 'data-testid="error-title"' in r.content.decode()
