"""Red-property rows made through the services for the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.places.models import Estate
from gongzhi.property.enums import BranchSide, CommitteePost, ServiceKind
from gongzhi.property.services.estates import (
    BranchInput,
    CommitteeInput,
    CommitteeMemberInput,
    RepresentativeInput,
    estate_service_set,
    owners_committee_elect,
    tongxinqiao_branch_found,
)
from gongzhi.property.services.register import CompanyInput, property_company_register


def uscc(n: int) -> str:
    from stdnum.cn import uscc as cn_uscc

    body = f"91370125MA{n:07d}"[:17]
    return body + cn_uscc.calc_check_digit(body)


def estate_of(d: Any, community: str = "A1") -> Estate:
    return Estate.objects.get(community=d.communities[community])


def make_company(d: Any, *, n: int = 1, sub: str = "A", name: str = "", **kw: Any) -> Any:
    data = CompanyInput(name=name or f"济阳红领物业服务有限公司{n}", uscc=uscc(n), party_members=3, **kw)
    return property_company_register(
        actor=d.user("district_admin"), subdistrict_id=d.subdistricts[sub].pk, data=data
    )


def members(n: int = 5) -> list[CommitteeMemberInput]:
    out = [CommitteeMemberInput(name="主任甲", post=CommitteePost.CHAIR, is_party_member=True)]
    out += [CommitteeMemberInput(name=f"委员{i}") for i in range(1, n)]
    return out


def make_committee(d: Any, estate: Estate, *, days_ago: int = 10, actor: Any = None) -> Any:
    elected = timezone.localdate() - dt.timedelta(days=days_ago)
    return owners_committee_elect(
        actor=actor or d.user("community_worker"),
        estate_id=estate.pk,
        data=CommitteeInput(elected_on=elected, members=members()),
    )


def reps() -> list[RepresentativeInput]:
    return [
        RepresentativeInput(side=BranchSide.COMPANY, name="物业代表"),
        RepresentativeInput(side=BranchSide.OWNERS_COMMITTEE, name="业委会代表"),
        RepresentativeInput(side=BranchSide.GRID, name="网格党员"),
    ]


def make_branch(d: Any, estate: Estate, *, actor: Any = None) -> Any:
    return tongxinqiao_branch_found(
        actor=actor or d.user("community_worker"),
        estate_id=estate.pk,
        data=BranchInput(founded_on=timezone.localdate() - dt.timedelta(days=100), representatives=reps()),
    )


def set_up_estate(d: Any, community: str = "A1", *, n: int = 1) -> tuple[Estate, Any, Any, Any]:
    """An estate with a company's service, an owners' committee and a 同心桥 branch."""
    estate = estate_of(d, community)
    sub = "A" if community.startswith("A") else "B"
    company = make_company(d, n=n, sub=sub)
    estate_service_set(
        actor=d.user("district_admin"),
        estate_id=estate.pk,
        kind=ServiceKind.COMPANY,
        company_id=company.pk,
        starts_on=timezone.localdate() - dt.timedelta(days=400),
    )
    committee = make_committee(d, estate, actor=d.user("district_admin"))
    branch = make_branch(d, estate, actor=d.user("district_admin"))
    return estate, company, committee, branch
