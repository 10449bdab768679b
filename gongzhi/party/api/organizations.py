"""Party organisations and grid branches: the scoped tree, a community's branch proposal, applying it,
and coverage figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.party.api.members import PartyOrgIn as OrgIn
from gongzhi.party.api.members import PartyOrgOut as OrgEditOut
from gongzhi.party.selectors import organizations as selectors
from gongzhi.party.services import organizations as services

router = Router(tags=["党建"], auth=session_auth)


class OrgOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    parent_id: int | None
    secretary_name: str
    community_code: str
    grid_codes: list[str]
    members: int


class BranchOut(Schema):
    kind: str
    name: str
    grid_codes: list[str]
    members: int


class ProposalOut(Schema):
    community_code: str
    community_name: str
    branches: list[BranchOut]
    uncovered: list[str]
    independent: int
    joint: int
    grids_in_joint: int
    residential_covered: int


class CoverageFigures(Schema):
    branches_independent: int
    branches_joint: int
    grids_in_joint_branches: int
    residential_grids: int
    residential_grids_covered: int


class CommunityCoverage(CoverageFigures):
    community_code: str


class CoverageOut(Schema):
    total: CoverageFigures
    communities: list[CommunityCoverage]


@router.get("/organizations", response={200: list[OrgOut], **ERRORS}, summary="党组织树（按权限范围）")
def organizations(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.org_tree_for_actor(actor=actor_of(request))


@router.post(
    "/organizations",
    response={201: OrgEditOut, **ERRORS},
    summary="建立党工委、社区党委、小区党支部或楼院党小组",
)
def org_create(request: HttpRequest, payload: OrgIn) -> Any:
    actor = actor_of(request)
    if payload.kind == "working_committee":
        org = services.working_committee_create(
            actor=actor, subdistrict_id=payload.place_id, name=payload.name
        )
    elif payload.kind == "community_committee":
        org = services.community_committee_create(
            actor=actor, community_id=payload.place_id, name=payload.name
        )
    elif payload.kind == "estate_branch":
        org = services.estate_branch_create(actor=actor, community_id=payload.place_id, name=payload.name)
    elif payload.kind == "building_group":
        org = services.building_group_create(actor=actor, branch_id=payload.place_id, name=payload.name)
    else:
        raise ValidationFailed(
            gettext("党组织类型应为 working_committee、community_committee、estate_branch 或 building_group"),
            fields={"kind": gettext("类型无效")},
        )
    return Status(201, org)


@router.get(
    "/communities/{code}/branch-proposal",
    response={200: ProposalOut, **ERRORS},
    summary="社区网格党支部设置建议",
)
def branch_proposal(request: HttpRequest, code: str) -> dict[str, Any]:
    community = selectors.org_community_get_for_actor(actor=actor_of(request), code=code)
    return services.branch_layout_propose(community_id=community.pk).as_dict()


@router.post(
    "/communities/{code}/branch-layout", response={200: list[OrgOut], **ERRORS}, summary="应用网格党支部设置"
)
def branch_layout(request: HttpRequest, code: str, fingerprint: str = "") -> list[dict[str, Any]]:
    """``fingerprint``: the ``branch-diff`` the secretary looked at; when the members changed since, nothing
    is applied and a 409 (``stale_proposal``) asks to look again. Without it the proposal of now applies."""
    actor = actor_of(request)
    community = selectors.org_community_get_for_actor(actor=actor, code=code)
    require(actor, "party.apply_branchlayout", community)
    created = services.branch_layout_apply(
        actor=actor, community_id=community.pk, fingerprint=fingerprint[:32]
    )
    return selectors.org_rows(created)


@router.get("/coverage", response={200: CoverageOut, **ERRORS}, summary="网格党组织覆盖情况")
def coverage(request: HttpRequest) -> dict[str, Any]:
    total, per = selectors.branch_coverage_for_actor(actor=actor_of(request))
    return {
        "total": total.as_dict(),
        "communities": [{"community_code": code, **c.as_dict()} for code, c in per.items()],
    }
