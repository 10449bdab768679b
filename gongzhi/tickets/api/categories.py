"""/api/v1/tickets/category-admin…: the district admin edits the category tree (the public read stays at
GET /api/v1/tickets/categories)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from gongzhi.core import bounds
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import Forbidden, ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.tickets.models import Category
from gongzhi.tickets.services.categories import (
    EDITABLE,
    category_create,
    category_update,
)

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

router = Router(tags=["网格事件：事件分类管理"], auth=session_auth)


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class ValueOut(Schema):
    key: str
    name: str


class QuestionOut(Schema):
    code: str
    label: str
    datatype: str
    required: bool
    values: list[ValueOut] = []


class CategoryAdminOut(Schema):
    code: str
    parent_code: str
    name: str
    kind: str
    description: str
    keywords: str
    default_level: str
    department_code: str
    limit_amount: int
    limit_unit: str
    close_conditions: str
    public: bool
    active: bool
    order: int
    questions: list[QuestionOut]


def category_admin_out(c: Category) -> dict[str, Any]:
    return {
        "code": c.code,
        "parent_code": c.parent.code if c.parent_id and c.parent else "",
        **{f: getattr(c, f) for f in EDITABLE if f != "parent_code"},
    }


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            gettext("请求内容不是有效的JSON"), fields={"body": gettext("JSON格式错误")}
        ) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(gettext("请求内容应为JSON对象"), fields={"body": gettext("应为对象")})
    # Parsed here, not by ninja: held to the input edges as every ninja-parsed argument is (config/api.py).
    return bounds.held(data)


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "description": "分类代码（创建时必填，创建后不能修改）"},
                        "parent_code": {"type": "string", "description": "所属大类代码；留空为大类"},
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": ["event", "component", "community"]},
                        "description": {"type": "string"},
                        "keywords": {"type": "string"},
                        "default_level": {"type": "string"},
                        "department_code": {"type": "string"},
                        "limit_amount": {"type": "integer"},
                        "limit_unit": {"type": "string"},
                        "close_conditions": {"type": "string"},
                        "public": {"type": "boolean"},
                        "active": {"type": "boolean"},
                        "order": {"type": "integer"},
                        "questions": {"type": "array", "items": {"type": "object"}},
                    },
                }
            }
        },
    }
}


@router.get(
    "/tickets/category-admin",
    response={200: list[CategoryAdminOut], **ERRORS},
    summary="事件分类（含停用，管理用）",
)
def category_admin_list(request: HttpRequest):
    if not allowed(_actor(request), "tickets.change_category"):
        raise Forbidden(gettext("只有区级管理员可以管理事件分类"))
    rows = Category.objects.select_related("parent").order_by("order", "code")
    return [category_admin_out(c) for c in rows]


@router.post(
    "/tickets/category-admin",
    response={201: CategoryAdminOut, **ERRORS},
    summary="新增事件分类（大类，或大类下的小类）",
    openapi_extra=_BODY_DOC,
)
def category_admin_create(request: HttpRequest):
    data = _body(request)
    code = str(data.pop("code", "") or "")
    category = category_create(actor=_actor(request), code=code, values=data)
    return Status(201, category_admin_out(category))


@router.patch(
    "/tickets/category-admin/{code}",
    response={200: CategoryAdminOut, **ERRORS},
    summary="修改事件分类（只改提交的字段；代码不能修改）",
    openapi_extra=_BODY_DOC,
)
def category_admin_update(request: HttpRequest, code: str):
    category = category_update(actor=_actor(request), code=code, values=_body(request))
    return category_admin_out(Category.objects.select_related("parent").get(pk=category.pk))
