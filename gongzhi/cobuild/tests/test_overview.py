"""/api/v1/overview counts the three lists from the records."""

from __future__ import annotations

import pytest

from gongzhi.cobuild.enums import ProviderKind
from gongzhi.cobuild.services.projects import delivery_record, project_claim, project_complete, project_create
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.cobuild.tests.test_services import sign

pytestmark = pytest.mark.django_db


def test_overview_cobuild_counts(district, client):
    d = district
    unit = make_unit(d)
    staff = d.user("community_worker")
    res = make_resource(d, unit, capacity=3)
    done, signed_only, proposed = make_need(d, title="甲"), make_need(d, title="乙"), make_need(d, title="丙")
    for need in (done, signed_only):
        p = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
        project_claim(actor=staff, project_id=p.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
        sign(d, p)
        if need is done:
            delivery_record(actor=staff, project_id=p.pk, need_id=need.pk, quantity=1)
            project_complete(actor=staff, project_id=p.pk, outcome="完成")
    project_create(actor=staff, need_ids=[proposed.pk], resource_ids=[res.pk])
    body = client.get("/api/v1/overview").json()
    assert set(body["cobuild"]) == {
        "volunteer_teams",
        "projects_signed",
        "activities_held",
        "needs_fulfilled",
        "service_hours",
    }
    assert body["cobuild"]["projects_signed"] == 2
    assert body["cobuild"]["needs_fulfilled"] == 1
    assert body["cobuild"]["volunteer_teams"] == 0 and body["cobuild"]["service_hours"] == 0
