"""The register, an estate's profile and the owners' committee's moves, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError
from gongzhi.property.enums import BranchSide, CommitteeStatus, ServiceKind
from gongzhi.property.models import EstateService, PropertyCompany
from gongzhi.property.selectors.estates import estate_profile_for_actor, estate_profiles
from gongzhi.property.selectors.register import company_list_for_actor
from gongzhi.property.services.estates import (
    BranchInput,
    RepresentativeInput,
    branch_representative_remove,
    estate_service_set,
    owners_committee_end,
    owners_committee_file,
    red_captain_post_assign,
    tongxinqiao_branch_found,
)
from gongzhi.property.services.register import CompanyInput, property_company_register
from gongzhi.property.tests.factories import estate_of, make_committee, make_company, set_up_estate, uscc

pytestmark = pytest.mark.django_db


def test_company_register_checks_the_uscc(district):
    company = make_company(district, n=7)
    assert company.uscc == uscc(7) and company.subdistrict_code == district.subdistricts["A"].code
    assert AuditEvent.objects.filter(
        event_type="property.company_registered", target_id=str(company.pk)
    ).exists()
    bad = uscc(8)[:-1] + ("0" if uscc(8)[-1] != "0" else "1")
    with pytest.raises(ApplicationError) as exc:
        property_company_register(
            actor=district.user("subdistrict_staff"),
            subdistrict_id=district.subdistricts["A"].pk,
            data=CompanyInput(name="校验位错误物业", uscc=bad),
        )
    assert exc.value.status == 400 and "校验位" in exc.value.fields["uscc"]
    with pytest.raises(ApplicationError) as exc:
        make_company(district, n=7, name="重复登记物业")
    assert exc.value.fields["uscc"] == "该统一社会信用代码已登记"


def test_only_the_subdistrict_office_registers_companies(district):
    for key, sub in (("community_worker", "A"), ("subdistrict_staff", "B")):
        with pytest.raises(ApplicationError) as exc:
            property_company_register(
                actor=district.user(key),
                subdistrict_id=district.subdistricts[sub].pk,
                data=CompanyInput(name="越权登记物业", uscc=uscc(9)),
            )
        assert exc.value.status == 403
    assert not PropertyCompany.objects.exists()


def test_community_staff_see_the_companies_of_their_estates_only(district):
    _estate, company, _c, _b = set_up_estate(district)
    other = make_company(district, n=2, sub="B")
    worker = district.user("community_worker")
    assert list(company_list_for_actor(actor=worker)) == [company]
    assert set(company_list_for_actor(actor=district.user("district_admin"))) == {company, other}
    assert list(company_list_for_actor(actor=district.user("resident"))) == []


def test_changing_the_property_service_ends_the_current_one(district):
    estate, company, _c, _b = set_up_estate(district)
    second = make_company(district, n=3)
    estate_service_set(
        actor=district.user("community_worker"),
        estate_id=estate.pk,
        kind=ServiceKind.COMPANY,
        company_id=second.pk,
        starts_on=timezone.localdate(),
    )
    rows = list(EstateService.objects.filter(estate=estate).order_by("starts_on"))
    assert [(r.company_id, r.current) for r in rows] == [(company.pk, False), (second.pk, True)]
    assert rows[0].ends_on == timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ApplicationError) as exc:  # a community outside the worker's scope
        estate_service_set(
            actor=district.user("community_worker"),
            estate_id=estate_of(district, "B1").pk,
            kind=ServiceKind.SELF_MANAGED,
        )
    assert exc.value.status == 404


def test_owners_committee_files_once_and_ends(district):
    estate = estate_of(district)
    worker = district.user("community_worker")
    committee = make_committee(district, estate, days_ago=40)
    profile = estate_profile_for_actor(actor=worker, estate_id=estate.pk)
    assert profile.committee and profile.committee.filing_overdue and profile.committee.party_members == 1
    assert profile.committee.size_note == ""
    with pytest.raises(ApplicationError) as exc:
        make_committee(district, estate)
    assert exc.value.status == 409
    owners_committee_file(actor=worker, committee_id=committee.pk)
    with pytest.raises(ApplicationError) as exc:
        owners_committee_file(actor=worker, committee_id=committee.pk)
    assert exc.value.status == 409 and exc.value.message == "业委会当前状态为“已备案”，不能备案"
    owners_committee_end(actor=worker, committee_id=committee.pk, reason="任期届满换届")
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.ENDED
    make_committee(district, estate)  # the next term


def test_a_branch_needs_all_three_sides(district):
    estate = estate_of(district)
    worker = district.user("community_worker")
    with pytest.raises(ApplicationError) as exc:
        tongxinqiao_branch_found(
            actor=worker,
            estate_id=estate.pk,
            data=BranchInput(representatives=[RepresentativeInput(side=BranchSide.COMPANY, name="物业代表")]),
        )
    assert "业委会党员代表" in exc.value.fields["representatives"]
    _e, _co, _cm, branch = set_up_estate(district, "A2")
    view = estate_profiles([branch.estate])[branch.estate_id].branch
    assert view is not None and view.complete
    only_company = next(r for r in view.representatives if r.side == BranchSide.COMPANY)
    with pytest.raises(ApplicationError) as exc:
        branch_representative_remove(
            actor=district.user("district_admin"), representative_id=only_company.pk, reason="调离"
        )
    assert exc.value.status == 409


def test_red_captain_on_a_building_of_the_estate(district):
    estate = estate_of(district)
    building = estate.buildings.order_by("id").first()
    assert building is not None
    post = red_captain_post_assign(
        actor=district.user("community_worker"),
        estate_id=estate.pk,
        kind="red_captain",
        holder_name="王红",
        building_id=building.pk,
    )
    assert post.grid_code == building.grid_code
    with pytest.raises(ApplicationError) as exc:
        red_captain_post_assign(
            actor=district.user("community_worker"),
            estate_id=estate.pk,
            kind="red_captain",
            holder_name="李四",
            building_id=estate_of(district, "A2").buildings.get().pk,
        )
    assert exc.value.fields["building_id"] == "楼栋不在本小区"


def test_organisations_of_the_sector(district):
    from gongzhi.places.models import District
    from gongzhi.property.selectors.register import organization_list_for_actor
    from gongzhi.property.services.register import OrganizationInput, property_organization_create

    company = make_company(district, n=11)
    staff = district.user("subdistrict_staff")
    with pytest.raises(ApplicationError) as exc:  # the district's committee is the district admin's
        property_organization_create(
            actor=staff,
            district_id=District.objects.get().pk,
            data=OrganizationInput(kind="sector_committee", name="济阳区物业服务行业党委"),
        )
    assert exc.value.status == 403
    property_organization_create(
        actor=district.user("district_admin"),
        district_id=District.objects.get().pk,
        data=OrganizationInput(kind="sector_committee", name="济阳区物业服务行业党委"),
    )
    alliance = property_organization_create(
        actor=staff,
        data=OrganizationInput(
            kind="alliance",
            name="济阳街道“红色物业”党建联盟",
            subdistrict_id=district.subdistricts["A"].pk,
            company_ids=[company.pk],
        ),
    )
    assert list(alliance.companies.all()) == [company]
    with pytest.raises(ApplicationError) as exc:  # another subdistrict's alliance
        property_organization_create(
            actor=staff,
            data=OrganizationInput(
                kind="alliance", name="越权联盟", subdistrict_id=district.subdistricts["B"].pk
            ),
        )
    assert exc.value.status == 403
    worker_sees = {o.name for o in organization_list_for_actor(actor=district.user("community_worker"))}
    assert worker_sees == {"济阳区物业服务行业党委", "济阳街道“红色物业”党建联盟"}
