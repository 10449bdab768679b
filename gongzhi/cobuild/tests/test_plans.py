"""The yearly matching meeting: a draft plan, people's adjustments, and the audited confirmation."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import NeedStatus, PlanStatus, ProjectStatus
from gongzhi.cobuild.models import MatchingPlanRow, Need, Project
from gongzhi.cobuild.services.plans import (
    matching_plan_apply,
    matching_plan_discard,
    matching_plan_generate,
    matching_plan_row_update,
)
from gongzhi.cobuild.services.projects import project_create
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.core.errors import Conflict, Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db

SAT = matching.mask_of([(5, 0)])


def competing(d):
    """Need 1 fits both resources (the hospital best); need 2 only the hospital."""
    unit = make_unit(d)
    n1 = make_need(d, title="老人测血压")
    n2 = make_need(d, title="周六上午康复指导", schedule=SAT)
    hospital = make_resource(d, unit, title="医院义诊", capacity=1)
    clinic = make_resource(
        d, unit, title="社区卫生站", capacity=1, schedule=matching.WEEKDAY_DAYTIME, community="A2"
    )
    return n1, n2, hospital, clinic


def test_plan_is_a_draft_that_changes_nothing_until_confirmed(district):
    d = district
    n1, n2, hospital, clinic = competing(d)
    make_need(d, title="需要资金修缮活动室", category="funds")  # nothing fits
    plan = matching_plan_generate(actor=d.user("community_worker"), place_code=d.communities["A1"].code)
    assert plan.status == PlanStatus.DRAFT and plan.needs_considered == 3
    rows = {r.need_id: r.resource_id for r in plan.rows.all()}
    assert rows == {n1.pk: clinic.pk, n2.pk: hospital.pk}  # both needs served, not greedy's one
    assert plan.total_fit > plan.greedy_total_fit
    assert not Project.objects.exists()
    assert set(Need.objects.values_list("status", flat=True)) == {NeedStatus.OPEN}
    ids = matching_plan_apply(actor=d.user("community_secretary"), plan_id=plan.pk)
    assert len(ids) == 2
    assert set(Project.objects.values_list("status", flat=True)) == {ProjectStatus.PROPOSED}
    assert Need.objects.filter(status=NeedStatus.MATCHED).count() == 2
    assert AuditEvent.objects.filter(event_type="cobuild.plan_applied").count() == 1
    with pytest.raises(Conflict, match="不能再调整"):
        matching_plan_apply(actor=d.user("community_secretary"), plan_id=plan.pk)


def test_people_adjust_rows_within_fit_and_capacity(district):
    d = district
    n1, n2, hospital, _clinic = competing(d)
    unit = make_unit(d, name="济阳区法律援助中心")
    legal = make_resource(d, unit, title="法律咨询", categories=("legal",))
    plan = matching_plan_generate(actor=d.user("community_worker"), place_code=d.communities["A1"].code)
    row1 = plan.rows.get(need=n1)
    with pytest.raises(ValidationFailed, match="不能满足"):
        matching_plan_row_update(actor=d.user("community_worker"), row_id=row1.pk, resource_id=legal.pk)
    with pytest.raises(Conflict, match="已无剩余容量"):  # the hospital is taken by need 2 in this plan
        matching_plan_row_update(actor=d.user("community_worker"), row_id=row1.pk, resource_id=hospital.pk)
    row2 = plan.rows.get(need=n2)
    matching_plan_row_update(actor=d.user("community_worker"), row_id=row2.pk, included=False)
    row1 = matching_plan_row_update(actor=d.user("community_worker"), row_id=row1.pk, resource_id=hospital.pk)
    assert row1.resource_id == hospital.pk and row1.adjusted and row1.fit == 100.0
    plan.refresh_from_db()
    assert plan.total_fit == 100.0
    matching_plan_apply(actor=d.user("community_worker"), plan_id=plan.pk)
    assert list(Project.objects.values_list("resource_links__resource_id", flat=True)) == [hospital.pk]
    assert Need.objects.get(pk=n2.pk).status == NeedStatus.OPEN


def test_stale_plan_is_refused_with_nothing_written(district):
    d = district
    n1, _n2, _hospital, clinic = competing(d)
    plan = matching_plan_generate(actor=d.user("community_worker"), place_code=d.communities["A1"].code)
    # meanwhile the clinic is given to another need by hand
    other = make_need(d, title="另一位老人")
    project_create(actor=d.user("community_worker"), need_ids=[other.pk], resource_ids=[clinic.pk])
    before = (Project.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Conflict) as exc:
        matching_plan_apply(actor=d.user("community_worker"), plan_id=plan.pk)
    assert exc.value.message.startswith("方案已过时") and "社区卫生站" in exc.value.message
    assert (Project.objects.count(), AuditEvent.objects.count()) == before
    assert Need.objects.get(pk=n1.pk).status == NeedStatus.OPEN
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_managers_plan_and_discard(district):
    d = district
    competing(d)
    with pytest.raises(Forbidden):
        matching_plan_generate(actor=d.user("grid_worker"), place_code=d.communities["A1"].code)
    plan = matching_plan_generate(actor=d.user("subdistrict_staff"), place_code=d.subdistricts["A"].code)
    assert plan.level == "subdistrict" and MatchingPlanRow.objects.filter(plan=plan).count() == 2
    matching_plan_discard(actor=d.user("subdistrict_staff"), plan_id=plan.pk)
    with pytest.raises(Conflict):
        matching_plan_apply(actor=d.user("subdistrict_staff"), plan_id=plan.pk)


@pytest.mark.parametrize("year", [99999, 1899, 2101, -1])
def test_a_plan_or_project_year_outside_1900_to_2100_is_refused(district, client, year):
    """The yearly plan and a project name a calendar year (the agreement numbers carry it): 99999 was
    accepted (issue 18); the service refuses it, and the API before it, with nothing written."""
    import json

    d = district
    code = d.communities["A1"].code
    with pytest.raises(ValidationFailed) as exc:
        matching_plan_generate(actor=d.user("community_worker"), place_code=code, year=year)
    assert exc.value.fields == {"year": "年份超出范围（1900—2100年）"}
    need = make_need(d, title="需要志愿者陪护")
    with pytest.raises(ValidationFailed) as exc:
        project_create(
            actor=d.user("community_worker"), need_ids=[need.pk], resource_ids=[1], title="陪护", year=year
        )
    assert exc.value.fields == {"year": "年份超出范围（1900—2100年）"}
    client.force_login(d.user("community_worker"))
    response = client.post(
        "/api/v1/cobuild/plans",
        json.dumps({"place_code": code, "year": year}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"year": "年份超出范围（1900—2100年）"}
    assert not MatchingPlanRow.objects.exists() and not Project.objects.exists()
