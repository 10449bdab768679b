"""Only one may win in 共建, with real threads at a barrier (gongzhi.testing_concurrency), besides the
project claim race of test_concurrency.py: one open need goes into one project, a resource is not
promised beyond its capacity, and a resident evaluates a project once."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.enums import ProviderKind
from gongzhi.cobuild.models import Evaluation, Project, ProjectNeed
from gongzhi.cobuild.projects import project_claim, project_create, project_evaluate
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.cobuild.tests.test_services import sign
from gongzhi.testing_concurrency import one_winner, race

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
    resident = district.user("resident")
    results = race(
        lambda: project_evaluate(actor=resident, project_id=project.pk, rating=5),
        lambda: project_evaluate(actor=resident, project_id=project.pk, rating=4),
    )
    one_winner(results, message="您已评价过该项目")
    assert Evaluation.objects.filter(project=project).count() == 1
    assert AuditEvent.objects.filter(event_type="cobuild.project_evaluated").count() == 1
