from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gongzhi.core.api import ERRORS, page_of, session_auth
from gongzhi.people import selectors, services

router = Router(tags=["人口"], auth=session_auth)


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: str | None
    relation: str
    relation_label: str
    residence_type: str
    residence_type_label: str
    tags: list[str]
    id_number_masked: str
    phone_masked: str
    household_id: int | None
    address: str
    grid_code: str
    community_code: str

    @staticmethod
    def resolve_birth_date(obj: Any) -> str | None:
        return obj.birth_date.isoformat() if obj.birth_date else None

    @staticmethod
    def resolve_relation_label(obj: Any) -> str:
        return str(obj.get_relation_display())

    @staticmethod
    def resolve_residence_type_label(obj: Any) -> str:
        return str(obj.get_residence_type_display())

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return obj.household.address if obj.household_id else ""


class PersonPage(Schema):
    items: list[PersonOut]
    next_after: int | None


class PersonFilter(Schema):
    q: str = Field("", max_length=50, description="姓名、拼音首字母、手机后4位、完整手机号或身份证号")
    grid_code: str = ""
    community_code: str = ""
    household_id: int | None = None
    tag: str = ""
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class PersonIn(Schema):
    household_id: int
    name: str = Field(..., max_length=50)
    id_number: str = ""
    phone: str = ""
    relation: str = "head"
    residence_type: str = "registered"
    tags: list[str] = []


class RevealIn(Schema):
    field: str = Field(..., description="id_number 或 phone")
    reason: str = Field("", max_length=200)


class RevealOut(Schema):
    field: str
    value: str


@router.get("/persons", response={200: PersonPage, **ERRORS}, summary="人员列表与搜索（按数据范围）")
def person_list(request: HttpRequest, filters: Query[PersonFilter]):
    rows = selectors.person_list_for_actor(
        actor=request.user,  # type: ignore[arg-type]
        q=filters.q,
        grid_code=filters.grid_code,
        community_code=filters.community_code,
        household_id=filters.household_id,
        tag=filters.tag,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS}, summary="人员详情（脱敏）")
def person_detail(request: HttpRequest, person_id: int):
    return selectors.person_get_for_actor(actor=request.user, person_id=person_id)  # type: ignore[arg-type]


@router.post("/persons", response={201: PersonOut, **ERRORS}, summary="登记人员")
def person_create(request: HttpRequest, payload: PersonIn):
    data = services.PersonInput(
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        relation=payload.relation,
        residence_type=payload.residence_type,
        tags=payload.tags,
    )
    person = services.person_create(actor=request.user, household_id=payload.household_id, data=data)  # type: ignore[arg-type]
    return 201, person


@router.post(
    "/persons/{person_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="查看完整身份证号或电话（留痕）",
)
def person_reveal(request: HttpRequest, person_id: int, payload: RevealIn):
    value = services.person_reveal(
        actor=request.user,
        person_id=person_id,
        field_name=payload.field,
        reason=payload.reason,  # type: ignore[arg-type]
    )
    return {"field": payload.field, "value": value}
