"""Community-managed members, transfers (组织关系转接), the members' import, the organisation tree edited
by people and the branch proposal's diff: the API beside the console pages (same services, same rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed
from gongzhi.party import member_import
from gongzhi.party.selectors import organizations as selectors
from gongzhi.party.services import members as ms
from gongzhi.party.services import organizations as orgs

router = Router(tags=["党建"], auth=session_auth)


class PartyMemberOut(Schema):
    id: int
    kind: str
    name: str
    status: str
    grid_code: str
    community_code: str
    organization_id: int | None
    joined_on: dt.date | None
    hub_household: bool
    phone_masked: str


class PartyMemberRow(PartyMemberOut):
    grid_name: str = ""
    paired_grid_name: str = ""
    org_label: str = ""


class PartyMemberPage(Schema):
    items: list[PartyMemberRow]
    count: int
    next_after: int | None


class PartyMemberFilters(Schema):
    q: str = ""
    organization_id: int | None = None
    kind: str = ""
    grid_code: str = ""
    status: str = ""
    after: int | None = None


class PartyMemberIn(Schema):
    person_id: int
    organization_id: int | None = None
    joined_on: dt.date | None = None
    hub_household: bool = False


class PartyMemberPatch(Schema):
    organization_id: int | None = None
    joined_on: dt.date | None = None
    hub_household: bool = False


class PartyMemberEndIn(Schema):
    ended_on: dt.date | None = None
    reason: str = ""


class PartyTransferIn(Schema):
    transferred_on: dt.date | None = None
    letter_number: str = ""
    other_org_id: int | None = None
    other_org_name: str = ""
    other_org_dissolved: bool = False


class PartyTransferInIn(PartyTransferIn):
    person_id: int


class PartyTransferOut(Schema):
    id: int
    direction: str
    status: str
    name: str
    member_id: int | None
    other_org_name: str
    inside_district: bool
    transferred_on: dt.date
    letter_number: str
    batch: str
    return_reason: str


class PartyReturnIn(Schema):
    reason: str = ""


class PartyBulkIn(Schema):
    community_code: str
    other_org_name: str
    transferred_on: dt.date | None = None
    letter_number: str = ""
    person_ids: list[int]
    other_org_dissolved: bool = True


class PartyBatchOut(Schema):
    batch: str
    count: int


class PartyOrgIn(Schema):
    kind: str
    place_id: int
    name: str = ""


class PartyOrgPatch(Schema):
    name: str | None = None
    secretary_name: str | None = None


class PartyOrgOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    secretary_name: str
    community_code: str


class PartyImportOut(Schema):
    id: int
    status: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[dict[str, Any]]


def _member(actor: Any, member_id: int) -> Any:
    return selectors.member_get_for_actor(actor=actor, member_id=member_id)


@router.get("/members", response={200: PartyMemberPage, **ERRORS}, summary="党员名单（搜索、筛选、按id分页）")
def member_list(request: HttpRequest, filters: Query[PartyMemberFilters]) -> dict[str, Any]:
    rows, count, after = selectors.party_member_page_for_actor(
        actor=actor_of(request),
        q=filters.q,
        organization_id=filters.organization_id,
        kind=filters.kind,
        grid_code=filters.grid_code[:15],
        status=filters.status,
        after=filters.after,
    )
    return {"items": rows, "count": count, "next_after": after}


@router.post("/members", response={201: PartyMemberOut, **ERRORS}, summary="登记自管党员（实有人口中的居民）")
def member_create(request: HttpRequest, payload: PartyMemberIn) -> Any:
    actor = actor_of(request)
    m = orgs.community_member_add(
        actor=actor,
        person_id=payload.person_id,
        organization_id=payload.organization_id,
        hub_household=payload.hub_household,
        joined_on=payload.joined_on,
    )
    return Status(201, m)


@router.post(
    "/members/import",
    response={200: PartyImportOut, **ERRORS},
    summary="从Excel或CSV导入自管党员（全部通过校验才写入；dry_run 仅校验）",
)
def import_members(
    request: HttpRequest,
    file: UploadedFile | None = File(None, description="党员名册 .xlsx 或 .csv"),  # noqa: B008
    dry_run: bool = Form(False, description="仅校验，不写入"),
) -> Any:
    if file is None:
        raise ValidationFailed(gettext("请选择要上传的文件"), fields={"file": gettext("请选择文件")})
    record = member_import.member_import(
        actor=actor_of(request), file_name=file.name or "", content=file.read(), dry_run=dry_run
    )
    if record.status == "rejected":
        raise ApplicationError(
            gettext("导入文件中有%(error_count)s处错误，未写入任何数据；请按错误报告修改后重新导入")
            % {"error_count": record.error_count},
            code="import_rejected",
            extra={"import_id": record.pk, "errors": record.errors[:200]},
        )
    return record


@router.patch("/members/{member_id}", response={200: PartyMemberOut, **ERRORS}, summary="修改自管党员")
def member_patch(request: HttpRequest, member_id: int, payload: PartyMemberPatch) -> Any:
    """Changes the fields the request names; the others keep their values (``organization_id: null``
    takes the member out of their organisation, a field left out leaves it as it is)."""
    actor = actor_of(request)
    m = _member(actor, member_id)
    data = {"organization_id": m.organization_id, "joined_on": m.joined_on, "hub_household": m.hub_household}
    data.update(payload.dict(exclude_unset=True))
    return ms.member_update(actor=actor, member_id=m.pk, data=ms.MemberEdit(**data))


@router.post("/members/{member_id}/end", response={200: PartyMemberOut, **ERRORS}, summary="党员离册")
def member_end(request: HttpRequest, member_id: int, payload: PartyMemberEndIn) -> Any:
    actor = actor_of(request)
    m = _member(actor, member_id)
    return ms.member_end(actor=actor, member_id=m.pk, ended_on=payload.ended_on, reason=payload.reason)


@router.post(
    "/members/{member_id}/transfer-out",
    response={201: PartyTransferOut, **ERRORS},
    summary="登记组织关系转出",
)
def member_transfer_out(request: HttpRequest, member_id: int, payload: PartyTransferIn) -> Any:
    actor = actor_of(request)
    m = _member(actor, member_id)
    return Status(
        201, ms.transfer_out_record(actor=actor, member_id=m.pk, data=ms.TransferInput(**payload.dict()))
    )


@router.get("/transfers", response={200: list[PartyTransferOut], **ERRORS}, summary="组织关系转接记录")
def transfer_list(request: HttpRequest, status: str = "") -> Any:
    return selectors.transfer_list_for_actor(actor=actor_of(request), status=status[:12])


@router.post("/transfers", response={201: PartyTransferOut, **ERRORS}, summary="登记组织关系转入")
def transfer_in(request: HttpRequest, payload: PartyTransferInIn) -> Any:
    data = payload.dict()
    person_id = data.pop("person_id")
    return Status(
        201,
        ms.transfer_in_record(actor=actor_of(request), person_id=person_id, data=ms.TransferInput(**data)),
    )


@router.post(
    "/transfers/{transfer_id}/accept", response={200: PartyTransferOut, **ERRORS}, summary="接收组织关系转接"
)
def transfer_accept(request: HttpRequest, transfer_id: int) -> Any:
    return ms.transfer_accept(actor=actor_of(request), transfer_id=transfer_id)


@router.post(
    "/transfers/{transfer_id}/return", response={200: PartyTransferOut, **ERRORS}, summary="退回组织关系转接"
)
def transfer_return(request: HttpRequest, transfer_id: int, payload: PartyReturnIn) -> Any:
    return ms.transfer_return(actor=actor_of(request), transfer_id=transfer_id, reason=payload.reason)


@router.post(
    "/transfers/bulk", response={201: PartyBatchOut, **ERRORS}, summary="整建制转入（撤销党组织的党员）"
)
def transfer_bulk(request: HttpRequest, payload: PartyBulkIn) -> Any:
    from gongzhi.places.models import Community

    community = Community.objects.filter(code=payload.community_code[:12]).first()
    if community is None:
        raise NotFound()
    batch = ms.transfers_in_bulk_record(
        actor=actor_of(request),
        community_id=community.pk,
        data=ms.BulkTransferIn(
            other_org_name=payload.other_org_name,
            transferred_on=payload.transferred_on,
            letter_number=payload.letter_number,
            person_ids=payload.person_ids[: ms.MAX_BULK + 1],
            other_org_dissolved=payload.other_org_dissolved,
        ),
    )
    return Status(201, {"batch": batch, "count": len(set(payload.person_ids))})


@router.post("/transfer-batches/{batch}/accept", response={200: PartyBatchOut, **ERRORS}, summary="整批接收")
def batch_accept(request: HttpRequest, batch: str) -> Any:
    n = ms.transfer_batch_accept(actor=actor_of(request), batch=batch[:32])
    return {"batch": batch, "count": n}


@router.patch(
    "/organizations/{org_id}", response={200: PartyOrgOut, **ERRORS}, summary="党组织改名、设置或更换书记"
)
def org_patch(request: HttpRequest, org_id: int, payload: PartyOrgPatch) -> Any:
    actor = actor_of(request)
    org = selectors.org_list_for_actor(actor=actor).filter(pk=org_id).first()
    if org is None:
        raise NotFound()
    return orgs.org_update(
        actor=actor, org_id=org.pk, name=payload.name, secretary_name=payload.secretary_name
    )


@router.get(
    "/communities/{code}/branch-diff", response={200: dict, **ERRORS}, summary="支部设置建议与现行支部的对比"
)
def branch_diff(request: HttpRequest, code: str) -> Any:
    community = selectors.org_community_get_for_actor(actor=actor_of(request), code=code)
    return orgs.branch_layout_diff(community_id=community.pk).as_dict()
