"""The console pages of a project render for its readers and are missing for others; a household linked to
the register takes its head's name from it; the console walks a household through the selection."""

from __future__ import annotations

import pytest

from gongzhi.resettlement.models import EligibleHousehold, HousingUnit
from gongzhi.resettlement.services import households
from gongzhi.resettlement.tests.factories import drawn_project, make_project

pytestmark = pytest.mark.django_db


def test_a_household_of_the_register_takes_its_heads_name(district):
    project = make_project(district)
    registered = district.households["g1"][0]
    row = households.eligible_household_add(
        actor=district.user("community_worker"),
        project_id=project.pk,
        data=households.HouseholdInput(
            key="R-001",
            former_village="东村",
            head_name="随便写",
            entitled_area="90",
            household_id=registered.pk,
        ),
    )
    assert row.household_id == registered.pk
    assert row.head_name == "测试g100" and row.head_name_masked == "测*****"


def test_pages_render_for_readers_and_the_desk_walks_a_household(district, client):
    project = drawn_project(district)
    first = EligibleHousehold.objects.get(project=project, draw_position=1)
    client.force_login(district.user("auditor"))
    for url in (
        "/console/resettlement/",
        f"/console/resettlement/{project.pk}/",
        f"/console/resettlement/{project.pk}/households/",
        f"/console/resettlement/{project.pk}/units/",
        f"/console/resettlement/{project.pk}/draw/",
        f"/console/resettlement/{project.pk}/selection/",
        f"/console/resettlement/households/{first.pk}/",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    assert (
        client.get(f"/console/resettlement/{project.pk}/draw-list.txt")
        .content.decode()
        .startswith("T-001|东村|91.50")
    )
    client.force_login(district.user("grid_worker"))
    assert client.get(f"/console/resettlement/{project.pk}/").status_code == 404
    client.force_login(district.user("community_worker"))
    page = client.get(f"/console/resettlement/{project.pk}/selection/").content.decode()
    assert "T-003" in page
    flat = HousingUnit.objects.get(project=project, number="1-1-101")
    assert (
        client.post(f"/console/resettlement/households/{first.pk}/choose/", {"unit_id": flat.pk}).status_code
        == 302
    )
    r = client.post(f"/console/resettlement/households/{first.pk}/choose/", {"unit_id": flat.pk})
    assert r.status_code == 409 and "已被选定" in r.content.decode()
    assert client.post(f"/console/resettlement/households/{first.pk}/finish/").status_code == 302
    assert client.post(f"/console/resettlement/households/{first.pk}/settlement/").status_code == 302
    r = client.post(f"/console/resettlement/households/{first.pk}/handover/", {"signed_by_name": ""})
    assert r.status_code == 400 and "请填写签收人" in r.content.decode()
    assert (
        client.post(
            f"/console/resettlement/households/{first.pk}/handover/", {"signed_by_name": "张三"}
        ).status_code
        == 302
    )
    page = client.get(f"/console/resettlement/households/{first.pk}/").content.decode()
    assert "结算单（PDF）" in page and "签收人 张三" in page
