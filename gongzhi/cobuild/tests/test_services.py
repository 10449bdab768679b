"""Needs, resources and projects through the services: the workflow, suggestions, permissions, and bad
input refused in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.enums import NeedSource, NeedStatus, ProjectStatus, ProviderKind
from gongzhi.cobuild.models import Need, Project, ProjectNeed, Resource
from gongzhi.cobuild.selectors import (
    need_list_for_actor,
    need_suggestions,
    project_list_for_actor,
    public_projects,
)
from gongzhi.cobuild.services.needs import NeedInput, need_raise, need_withdraw
from gongzhi.cobuild.services.projects import (
    delivery_record,
    milestone_add,
    milestone_done,
    project_cancel,
    project_claim,
    project_complete,
    project_create,
    project_evaluate,
    project_sign,
)
from gongzhi.cobuild.services.resources import ResourceInput, resource_deactivate, resource_register
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.tickets.tests.helpers import report

pytestmark = pytest.mark.django_db


def sign(d, project):
    return project_sign(
        actor=d.user("community_secretary"),
        project_id=project.pk,
        terms="甲方提供场地，乙方每周三上午开展义诊。",
        community_signatory="王书记",
        claimant_signatory="李院长",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def test_resident_raises_a_micro_wish_in_their_households_grid(district):
    d = district
    need = need_raise(
        actor=d.user("resident"),
        data=NeedInput(title="想要一台助行器", category="goods", micro_wish=True, beneficiaries="独居老人"),
        source=NeedSource.RESIDENT,
    )
    assert (
        need.micro_wish and need.grid_id == d.grids["g1"].pk and need.community_id == d.communities["A1"].pk
    )
    assert need.lng is not None and need.status == NeedStatus.OPEN
    assert AuditEvent.objects.filter(event_type="cobuild.need_raised", target_id=str(need.pk)).count() == 1
    # the resident sees their own need; a grid worker of another grid does not
    assert list(need_list_for_actor(actor=d.user("resident"))) == [need]
    assert not need_list_for_actor(actor=d.user("grid_worker_g2")).filter(pk=need.pk).exists()


def test_bad_need_input_is_refused_in_chinese_and_nothing_written(district):
    d = district
    with pytest.raises(ValidationFailed) as exc:
        make_need(d, title="", category="nonsense", quantity=0)
    assert exc.value.fields["title"] == "请填写需求名称"
    assert exc.value.fields["category"] == "请选择需求类别"
    assert "数量" in exc.value.fields["quantity"]
    with pytest.raises(NotFound):  # a grid worker cannot raise a need in another grid
        need_raise(
            actor=d.user("grid_worker"),
            data=NeedInput(title="修理楼道灯", category="repair"),
            source=NeedSource.GRID_WORKER,
            grid_id=d.grids["g3"].pk,
        )
    assert not Need.objects.exists()


def test_ticket_source_needs_the_ticket_and_only_once(district):
    d = district
    with pytest.raises(ValidationFailed):
        need_raise(
            actor=d.user("community_worker"),
            data=NeedInput(title="求助", category="general"),
            source=NeedSource.TICKET,
            community_id=d.communities["A1"].pk,
        )
    # A real ticket the community worker may read (a need names one; any other id is refused alike).
    ticket = report(d, "resident", "家里老人行动不便，希望有人帮忙买菜")
    need = need_raise(
        actor=d.user("community_worker"),
        data=NeedInput(title="帮助孤寡老人买菜", category="elderly_care"),
        source=NeedSource.TICKET,
        community_id=d.communities["A1"].pk,
        source_ticket_id=ticket.pk,
    )
    assert need.source_ticket_id == ticket.pk
    with pytest.raises(ValidationFailed, match="已转为需求"):
        need_raise(
            actor=d.user("community_worker"),
            data=NeedInput(title="帮助孤寡老人买菜", category="elderly_care"),
            source=NeedSource.TICKET,
            community_id=d.communities["A1"].pk,
            source_ticket_id=ticket.pk,
        )
    assert Need.objects.count() == 1


def test_resource_contact_phone_is_encrypted_and_masked(district):
    d = district
    unit = make_unit(d)
    res = make_resource(d, unit, contact_name="李医生", contact_phone="13912345678")
    assert res.contact_phone_masked == "139****5678"
    assert "13912345678" not in res.contact_phone_encrypted and res.contact_phone_hash
    with pytest.raises(ValidationFailed) as exc:
        make_resource(d, unit, title="", categories=(), contact_phone="12")
    assert set(exc.value.fields) >= {"title", "categories", "contact_phone"}
    assert Resource.objects.count() == 1


def test_suggestions_rank_with_reasons_skip_exhausted_and_unfitting(district):
    d = district
    unit = make_unit(d)
    need = make_need(d)
    full = make_resource(d, unit, title="已满的义诊", capacity=1)
    other = make_need(d, title="另一位老人测血压")
    project_create(actor=d.user("community_worker"), need_ids=[other.pk], resource_ids=[full.pk])
    legal = make_resource(d, unit, title="法律咨询", categories=("legal",))
    good = make_resource(d, unit, title="家庭医生签约服务", capacity=3)
    general = make_resource(d, unit, title="党员综合服务", categories=("general",), capacity=5)
    out = need_suggestions(need)
    assert [s.resource.pk for s in out] == [good.pk, general.pk]
    assert out[0].reasons[0] == "类别对口：能提供“医疗健康”"
    assert out[0].remaining == 3 and out[0].reasons[-1] == "剩余可承接3项"
    assert legal.pk not in {s.resource.pk for s in out} and full.pk not in {s.resource.pk for s in out}


def test_project_workflow_committed_and_delivered_kept_apart(district):
    d = district
    unit = make_unit(d, liaison=d.user("unit_liaison"))
    need = make_need(d, quantity=4, quantity_unit="次")
    res = make_resource(d, unit, capacity=2)
    staff = d.user("community_worker")
    project = project_create(
        actor=staff, need_ids=[need.pk], resource_ids=[res.pk], title="银山社区义诊进家门"
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED and need.committed == 4 and need.delivered == 0
    project = project_claim(actor=d.user("unit_liaison"), project_id=project.pk)  # the resource's unit
    assert project.status == ProjectStatus.CLAIMED and project.claimant_unit_id == unit.pk
    project = sign(d, project)
    assert project.agreement_number == f"GJXY-{d.communities['A1'].code}-{project.year}-0001"
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS
    ms = milestone_add(actor=staff, project_id=project.pk, title="首次义诊", due_on=dt.date(2026, 3, 4))
    milestone_done(actor=staff, milestone_id=ms.pk)
    delivery_record(actor=staff, project_id=project.pk, need_id=need.pk, quantity=4)
    project = project_complete(actor=staff, project_id=project.pk, outcome="服务老人120人次")
    need.refresh_from_db()
    assert need.status == NeedStatus.FULFILLED and need.delivered == 4 and need.committed == 4
    assert public_projects(community_code=d.communities["A1"].code)[0]["id"] == project.pk
    ev = project_evaluate(actor=d.user("resident"), project_id=project.pk, rating=5, comment="很方便")
    assert ev.rating == 5
    with pytest.raises(Conflict, match="已评价"):
        project_evaluate(actor=d.user("resident"), project_id=project.pk, rating=4)
    # the liaison sees the project their unit claimed
    assert project_list_for_actor(actor=d.user("unit_liaison")).filter(pk=project.pk).exists()


def test_partial_delivery_sends_the_need_back_to_the_list(district):
    d = district
    unit = make_unit(d)
    need = make_need(d, quantity=10)
    res = make_resource(d, unit)
    staff = d.user("community_worker")
    project = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
    project_claim(actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    sign(d, project)
    delivery_record(actor=staff, project_id=project.pk, need_id=need.pk, quantity=6)
    project_complete(actor=staff, project_id=project.pk, outcome="完成6次")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.delivered == 6 and need.committed == 6


def test_claim_on_a_claimed_project_is_refused_and_nothing_written(district):
    d = district
    unit = make_unit(d)
    other = make_unit(d, name="济阳区实验中学")
    need = make_need(d)
    res = make_resource(d, unit)
    staff = d.user("community_worker")
    project = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
    project_claim(actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        project_claim(
            actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=other.pk
        )
    assert exc.value.message == "该项目已由“济阳区人民医院”认领，不能重复认领"
    project.refresh_from_db()
    assert project.claimant_unit_id == unit.pk and AuditEvent.objects.count() == before


def test_other_bad_moves_refused(district):
    d = district
    unit = make_unit(d)
    need = make_need(d)
    res = make_resource(d, unit, capacity=1)
    staff = d.user("community_worker")
    project = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
    with pytest.raises(Conflict, match="尚未认领"):
        sign(d, project)
    with pytest.raises(Conflict, match="不是待对接状态"):
        project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
    second = make_need(d, title="第二位老人")
    with pytest.raises(Conflict, match="资源容量不足"):
        project_create(actor=staff, need_ids=[second.pk], resource_ids=[res.pk])
    with pytest.raises(Forbidden):  # a liaison of no unit cannot claim for a unit
        project_claim(
            actor=d.user("unit_liaison"),
            project_id=project.pk,
            claimant_kind=ProviderKind.UNIT,
            claimant_id=unit.pk,
        )
    with pytest.raises(ValidationFailed, match="已进入共建项目"):
        need_withdraw(actor=staff, need_id=need.pk)
    project_cancel(actor=staff, project_id=project.pk, reason="单位调整")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.committed == 0
    with pytest.raises(Conflict):
        project_claim(
            actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk
        )
    assert Project.objects.count() == 1 and ProjectNeed.objects.count() == 1


def test_staff_of_another_community_cannot_touch_the_project(district):
    d = district
    unit = make_unit(d)
    need = make_need(d)
    res = make_resource(d, unit)
    project = project_create(actor=d.user("community_worker"), need_ids=[need.pk], resource_ids=[res.pk])
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role

    u = user_create(actor=None, username="b1", password="x" * 12, display_name="b1", validate_password=False)
    role_assign(actor=None, user=u, role=Role.COMMUNITY_WORKER, place_code=d.communities["B1"].code)
    with pytest.raises(NotFound):
        project_claim(actor=u, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    with pytest.raises(ApplicationError):
        project_create(actor=u, need_ids=[need.pk], resource_ids=[res.pk])


def test_team_resource_claims_and_links_a_volunteers_activity(district):
    from gongzhi.cobuild.models import ProjectActivity
    from gongzhi.cobuild.services.projects import project_activity_link
    from gongzhi.volunteers.services.teams import team_create
    from gongzhi.volunteers.tests.conftest import make_activity

    d = district
    staff = d.user("community_worker")
    team = team_create(
        actor=staff, community_id=d.communities["A1"].pk, name="银山社区红马甲志愿服务队", skills=["general"]
    )
    res = resource_register(
        actor=staff,
        community_id=d.communities["A1"].pk,
        provider_kind=ProviderKind.TEAM,
        provider_id=team.pk,
        data=ResourceInput(title="红马甲助老服务", kind="service", categories=["elderly_care"], capacity=2),
    )
    need = make_need(d, title="空巢老人结对探访", category="elderly_care")
    project = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
    project = project_claim(actor=staff, project_id=project.pk)
    assert project.claimant_team_id == team.pk and project.claimant_name == team.name
    activity = make_activity(d, team, title="探访空巢老人")
    project_activity_link(actor=staff, project_id=project.pk, activity_id=activity.pk)
    with pytest.raises(Conflict, match="已关联"):
        project_activity_link(actor=staff, project_id=project.pk, activity_id=activity.pk)
    assert ProjectActivity.objects.filter(project=project).count() == 1


def test_grid_worker_records_a_visit_need_in_their_grid_from_the_console(district, client):
    d = district
    client.force_login(d.user("grid_worker"))
    r = client.post(
        "/console/cobuild/needs/",
        {"title": "困难户冬季取暖", "category": "goods", "quantity": "1", "grid_id": d.grids["g1"].pk},
    )
    assert r.status_code == 302, r.content.decode()[:500]
    need = Need.objects.get()
    assert need.source == NeedSource.GRID_WORKER and need.grid_code == d.grids["g1"].code
    r = client.post(
        "/console/cobuild/needs/",
        {"title": "别的网格", "category": "goods", "quantity": "1", "grid_id": d.grids["g3"].pk},
    )
    assert r.status_code == 404 and Need.objects.count() == 1


def test_the_units_liaison_or_staff_stop_a_resource_others_cannot(district):
    """资源停用: the liaison of the offering unit or the place's staff; the auditor reads it but may not
    stop it (403), a resident does not see it (404); a stopped resource is no longer suggested or listed."""
    d = district
    unit = make_unit(d, liaison=d.user("unit_liaison"))
    res = make_resource(d, unit)
    other = make_resource(d, make_unit(d, name="济阳区中医院"), title="中医理疗")
    with pytest.raises(Forbidden) as exc:
        resource_deactivate(actor=d.user("auditor"), resource_id=res.pk)
    assert exc.value.message == "只有社区工作人员或提供方可以停用资源"
    with pytest.raises(NotFound):
        resource_deactivate(actor=d.user("resident"), resource_id=res.pk)
    assert Resource.objects.get(pk=res.pk).active

    stopped = resource_deactivate(actor=d.user("unit_liaison"), resource_id=res.pk)
    assert not stopped.active and not Resource.objects.get(pk=res.pk).active
    assert (
        AuditEvent.objects.filter(event_type="cobuild.resource_deactivated", target_id=str(res.pk)).count()
        == 1
    )
    assert [s.resource.pk for s in need_suggestions(make_need(d))] == [other.pk]
    with pytest.raises(NotFound):  # stopped: no longer in the list it is found in
        resource_deactivate(actor=d.user("community_worker"), resource_id=res.pk)
    assert not resource_deactivate(actor=d.user("community_worker"), resource_id=other.pk).active
