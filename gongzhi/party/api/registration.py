"""Units and member registration (报到): thin handlers over the registration services and selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.api import ERRORS, page_of, session_auth
from gongzhi.core.http import pdf_response
from gongzhi.party import cards
from gongzhi.party.selectors import registration as selectors
from gongzhi.party.services import registration as services

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

router = Router(tags=["党建"], auth=session_auth)

_PDF = {
    200: {
        "description": "报到证（PDF）",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class UnitIn(Schema):
    community_id: int
    name: str = Field(..., max_length=100)
    uscc: str = Field(..., max_length=30)
    kind: str
    address: str = Field("", max_length=200)
    party_org_name: str = Field("", max_length=100)
    paired_grid_code: str | None = Field(None, max_length=15)
    liaison_username: str | None = Field(None, max_length=150)
    liaison_display_name: str = Field("", max_length=50)
    liaison_phone: str = Field("", max_length=30)


class UnitOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str
    kind_label: str
    address: str
    party_org_name: str
    community_id: int
    community_code: str
    community_name: str
    paired_grid_code: str | None
    liaison_username: str | None

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return obj.community.name

    @staticmethod
    def resolve_paired_grid_code(obj: Any) -> str | None:
        return obj.paired_grid.code if obj.paired_grid_id else None

    @staticmethod
    def resolve_liaison_username(obj: Any) -> str | None:
        return obj.liaison.username if obj.liaison_id else None


class UnitPage(Schema):
    items: list[UnitOut]
    next_after: int | None


class ListFilter(Schema):
    community_code: str = Field("", max_length=12)
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class RegistrationFilter(ListFilter):
    status: str = Field("", max_length=16)


class RegistrationIn(Schema):
    community_id: int
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=30)
    address: str = Field(..., max_length=200)
    unit_id: int | None = None
    workplace_org: str = Field("", max_length=100)
    skills: list[str] = []
    services_offered: str = Field("", max_length=500)
    available_times: str = Field("", max_length=200)


class RegistrationOut(Schema):
    id: int
    status: str
    status_label: str
    member_id: int
    name: str
    phone_masked: str
    community_id: int
    community_code: str
    community_name: str
    unit_id: int | None
    unit_name: str
    address: str
    skills: list[str]
    services_offered: str
    available_times: str
    classification: str
    grid_code: str
    card_number: str
    return_reason: str

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.member.name

    @staticmethod
    def resolve_phone_masked(obj: Any) -> str:
        return obj.member.phone_masked

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return obj.community.name

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name if obj.unit_id else obj.member.workplace_org


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    next_after: int | None


class AcceptIn(Schema):
    classification: str = Field(..., max_length=32)
    grid_code: str = Field(..., max_length=15)


class ReturnIn(Schema):
    reason: str = Field(..., max_length=200)


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="驻区单位报到登记")
def unit_create(request: HttpRequest, payload: UnitIn):
    unit = services.unit_register(actor=_actor(request), **payload.dict())
    return Status(201, selectors.unit_get_for_actor(actor=_actor(request), unit_id=unit.pk))


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="驻区单位列表（按数据范围）")
def unit_list(request: HttpRequest, filters: Query[ListFilter]):
    rows = selectors.unit_list_for_actor(
        actor=_actor(request),
        community_code=filters.community_code,
        after=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="驻区单位详情")
def unit_detail(request: HttpRequest, unit_id: int):
    return selectors.unit_get_for_actor(actor=_actor(request), unit_id=unit_id)


@router.post("/registrations", response={201: RegistrationOut, **ERRORS}, summary="在职党员报到")
def registration_create(request: HttpRequest, payload: RegistrationIn):
    r = services.member_register(actor=_actor(request), **payload.dict())
    return Status(201, selectors.registration_get_for_actor(actor=_actor(request), registration_id=r.pk))


@router.get(
    "/registrations", response={200: RegistrationPage, **ERRORS}, summary="报到申请列表（按数据范围）"
)
def registration_list(request: HttpRequest, filters: Query[RegistrationFilter]):
    rows = selectors.registration_list_for_actor(
        actor=_actor(request),
        status=filters.status,
        community_code=filters.community_code,
        after=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.get(
    "/registrations/{registration_id}", response={200: RegistrationOut, **ERRORS}, summary="报到申请详情"
)
def registration_detail(request: HttpRequest, registration_id: int):
    return selectors.registration_get_for_actor(actor=_actor(request), registration_id=registration_id)


@router.post(
    "/registrations/{registration_id}/accept",
    response={200: RegistrationOut, **ERRORS},
    summary="接收报到（分类、分配网格、发报到证）",
)
def registration_accept(request: HttpRequest, registration_id: int, payload: AcceptIn):
    services.registration_accept(actor=_actor(request), registration_id=registration_id, **payload.dict())
    return selectors.registration_get_for_actor(actor=_actor(request), registration_id=registration_id)


@router.post(
    "/registrations/{registration_id}/return",
    response={200: RegistrationOut, **ERRORS},
    summary="退回报到（须填写原因）",
)
def registration_return(request: HttpRequest, registration_id: int, payload: ReturnIn):
    services.registration_return(
        actor=_actor(request), registration_id=registration_id, reason=payload.reason
    )
    return selectors.registration_get_for_actor(actor=_actor(request), registration_id=registration_id)


@router.get(
    "/registrations/{registration_id}/card.pdf",
    response=ERRORS,
    openapi_extra={"responses": _PDF},
    summary="下载报到证（PDF）",
)
def registration_card(request: HttpRequest, registration_id: int):
    page_url = request.build_absolute_uri(reverse("party:registration_detail", args=[registration_id]))
    pdf = cards.registration_card_pdf(
        actor=_actor(request), registration_id=registration_id, page_url=page_url
    )
    return pdf_response(pdf, f"报到证_{registration_id}.pdf")
