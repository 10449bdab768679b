"""Only one may win in 共建, with real threads at a barrier (gongzhi.testing.concurrency), besides the
project claim race of test_concurrency.py: one open need goes into one project, a resource is not
promised beyond its capacity, and a resident evaluates a project once."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.enums import ProviderKind
from gongzhi.cobuild.models import Evaluation, Project, ProjectNeed
from gongzhi.cobuild.services.projects import (
    project_claim,
    project_complete,
    project_create,
    project_evaluate,
)
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.cobuild.tests.test_services import sign
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_open_need_into_two_projects_at_once(district):
    staff = district.user("community_worker")
    need = make_need(district)
    unit = make_unit(district)
    r1 = make_resource(district, unit, capacity=2)
    r2 = make_resource(district, unit, title="健康讲座", capacity=2)
    results = race(
        lambda: project_create(actor=staff, need_ids=[need.pk], resource_ids=[r1.pk]),
        lambda: project_create(actor=staff, need_ids=[need.pk], resource_ids=[r2.pk]),
    )
    one_winner(results, message="不是待对接状态")
    assert Project.objects.count() == 1
    assert ProjectNeed.objects.filter(need=need).count() == 1
    assert AuditEvent.objects.filter(event_type="cobuild.project_created").count() == 1


def test_the_last_capacity_of_a_resource_goes_to_one_project(district):
    staff = district.user("community_worker")
    n1, n2 = make_need(district), make_need(district, title="助老理发")
    res = make_resource(district, make_unit(district), capacity=1)
    results = race(
        lambda: project_create(actor=staff, need_ids=[n1.pk], resource_ids=[res.pk]),
        lambda: project_create(actor=staff, need_ids=[n2.pk], resource_ids=[res.pk]),
    )
    one_winner(results, message="资源容量不足")
    assert Project.objects.count() == 1


def test_a_resident_evaluating_twice_at_once_counts_once(district):
    staff = district.user("community_worker")
    unit = make_unit(district)
    project = project_create(
        actor=staff, need_ids=[make_need(district).pk], resource_ids=[make_resource(district, unit).pk]
    )
    project_claim(actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    sign(district, project)
    project_complete(actor=staff, project_id=project.pk, outcome="服务老人30人次")  # rated once delivered
    resident = district.user("resident")
    results = race(
        lambda: project_evaluate(actor=resident, project_id=project.pk, rating=5),
        lambda: project_evaluate(actor=resident, project_id=project.pk, rating=4),
    )
    one_winner(results, message="您已评价过该项目")
    assert Evaluation.objects.filter(project=project).count() == 1
    assert AuditEvent.objects.filter(event_type="cobuild.project_evaluated").count() == 1


def _signable(district, title: str):
    staff = district.user("community_worker")
    unit = make_unit(district, name=f"{title}单位")
    project = project_create(
        actor=staff,
        need_ids=[make_need(district, title=title).pk],
        resource_ids=[make_resource(district, unit, title=f"{title}服务").pk],
    )
    project_claim(actor=staff, project_id=project.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    return project


def test_two_projects_of_a_community_signed_at_once_get_two_agreement_numbers(district):
    p1, p2 = _signable(district, "独居老人测血压"), _signable(district, "助老理发")
    results = race(lambda: sign(district, p1), lambda: sign(district, p2))
    assert not any(isinstance(r, Exception) for r in results), results
    numbers = sorted(Project.objects.values_list("agreement_number", flat=True))
    prefix = f"GJXY-{p1.community_code}-{p1.year}-"
    assert numbers == [f"{prefix}0001", f"{prefix}0002"]
    assert AuditEvent.objects.filter(event_type="cobuild.project_signed").count() == 2


def test_two_plans_with_the_same_needs_applied_at_once_make_one_set_of_projects(district):
    from gongzhi.cobuild.enums import PlanStatus
    from gongzhi.cobuild.models import MatchingPlan
    from gongzhi.cobuild.services.plans import matching_plan_apply, matching_plan_generate

    unit = make_unit(district)
    needs = [make_need(district, title=f"需求{i}") for i in range(3)]
    make_resource(district, unit, title="义诊服务", capacity=3)
    staff, a1 = district.user("community_worker"), district.communities["A1"].code
    plans = [matching_plan_generate(actor=staff, place_code=a1) for _ in range(2)]
    assert all(p.rows.count() == 3 for p in plans)
    results = race(
        lambda: matching_plan_apply(actor=district.user("community_worker"), plan_id=plans[0].pk),
        lambda: matching_plan_apply(actor=district.user("community_secretary"), plan_id=plans[1].pk),
    )
    winner, _ = one_winner(results, message="方案已过时")
    assert Project.objects.count() == 3 and sorted(Project.objects.values_list("pk", flat=True)) == sorted(
        winner
    )
    assert ProjectNeed.objects.filter(need__in=needs).count() == 3
    assert sorted(MatchingPlan.objects.values_list("status", flat=True)) == [
        PlanStatus.APPLIED,
        PlanStatus.DRAFT,
    ]
    assert AuditEvent.objects.filter(event_type="cobuild.plan_applied").count() == 1
