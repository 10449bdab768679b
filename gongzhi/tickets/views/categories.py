"""The district admin's category editor: the two-level tree with an inline form per category, a form to
add a small class under each major class, and one to add a major class."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of
from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.tickets.enums import CategoryKind, Level
from gongzhi.tickets.models import LIMIT_UNITS
from gongzhi.tickets.selectors.tickets import category_tree
from gongzhi.tickets.services.categories import category_create, category_update

TEXT_FIELDS = (
    "name",
    "description",
    "keywords",
    "default_level",
    "department_code",
    "limit_unit",
    "close_conditions",
)


def _require(request: HttpRequest) -> None:
    if not allowed(actor_of(request), "tickets.change_category"):
        raise Http404


def _values(request: HttpRequest) -> dict[str, Any]:
    """The form's fields; unchecked boxes are absent from a POST, so they are sent as False."""
    post = request.POST
    values: dict[str, Any] = {f: post.get(f, "") for f in TEXT_FIELDS if f in post}
    for f in ("limit_amount", "order"):
        if f in post:
            values[f] = post.get(f, "")
    values["public"] = post.get("public") == "on"
    values["active"] = post.get("active") == "on"
    if "questions" in post:
        values["questions"] = post.get("questions", "").strip() or "[]"
    if "kind" in post:
        values["kind"] = post.get("kind", "")
    return values


def _fail(request: HttpRequest, exc: ApplicationError, code: str) -> None:
    details = "；".join(v for v in exc.fields.values() if v != exc.message)
    messages.error(request, f"{code}：{exc.message}{'（' + details + '）' if details else ''}")


@login_required
@require_GET
def categories_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    majors = category_tree(include_inactive=True)
    for m in majors:
        for c in [m, *getattr(m, "kids", [])]:
            c.questions_json = json.dumps(c.questions, ensure_ascii=False) if c.questions else ""
    return render(
        request,
        "tickets/intake/categories_edit.html",
        {"majors": majors, "levels": Level.choices, "units": LIMIT_UNITS, "kinds": CategoryKind.choices},
    )


@login_required
@require_POST
def category_save(request: HttpRequest, code: str) -> HttpResponse:
    _require(request)
    try:
        category_update(actor=actor_of(request), code=code, values=_values(request))
    except ApplicationError as exc:
        _fail(request, exc, code)
    else:
        messages.success(request, _("已保存分类 %(code)s") % {"code": code})
    return redirect(reverse("tickets:categories_edit") + f"#c-{code}")


@login_required
@require_POST
def category_add(request: HttpRequest) -> HttpResponse:
    _require(request)
    code = request.POST.get("code", "").strip()
    values = {
        "name": request.POST.get("name", ""),
        "parent_code": request.POST.get("parent_code", ""),
        "kind": request.POST.get("kind", ""),
        "default_level": request.POST.get("default_level", "") or Level.GRID,
        "limit_amount": request.POST.get("limit_amount", "") or 3,
        "limit_unit": request.POST.get("limit_unit", "") or "working_days",
        "keywords": request.POST.get("keywords", ""),
        "department_code": request.POST.get("department_code", ""),
    }
    try:
        category_create(actor=actor_of(request), code=code, values=values)
    except ApplicationError as exc:
        _fail(request, exc, code or _("新分类"))
    else:
        messages.success(request, _("已新增分类 %(code)s") % {"code": code})
    return redirect(reverse("tickets:categories_edit") + f"#c-{code}")
