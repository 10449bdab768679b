"""Test helpers: an organisation in the registry, an approved funded project, a contest with judges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongzhi.socialorgs.services.organizations import ProfileInput, socialorg_register
from gongzhi.socialorgs.services.projects import FundedProjectInput, funded_project_apply
from gongzhi.testing import SmallDistrict


def uscc(n: int) -> str:
    from stdnum.cn import uscc as std

    body = f"52370100MJ{n:07d}"[:17]
    return body + std.calc_check_digit(body)


def profile_input(**kw: Any) -> ProfileInput:
    base: dict[str, Any] = {
        "kind": "community_service",
        "legal_status": "filed",
        "field": "为老服务",
        "filing_number": "JY-BA-0001",
        "party_instructor": "王指导",
        "contact_name": "李联系",
        "contact_phone": "13912345678",
    }
    base.update(kw)
    return ProfileInput(**base)


def organization(d: SmallDistrict, name: str = "银山为老服务社", community: str = "A1", **kw: Any) -> Any:
    return socialorg_register(
        actor=d.user("community_worker") if community == "A1" else d.user("district_admin"),
        community_id=d.communities[community].pk,
        name=name,
        data=profile_input(**kw),
    )


def project_input(year: int = 2026, title: str = "银龄助餐", yuan: str = "5000.50") -> FundedProjectInput:
    return FundedProjectInput(
        year=year,
        title=title,
        summary="为独居老人助餐",
        category="elderly_care",
        beneficiaries="独居老人",
        requested_yuan=yuan,
    )


def applied(d: SmallDistrict, org: Any, **kw: Any) -> Any:
    return funded_project_apply(
        actor=d.user("community_worker"), organization_id=org.organization_id, data=project_input(**kw)
    )


YUAN = Decimal
