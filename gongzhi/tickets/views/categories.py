"""The district admin's category editor: the two-level tree with an inline form per category, a form to
add a small class under each major class, and one to add a major class."""

from __future__ import annotations

import json

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
from gongzhi.tickets.forms import CategoryForm, CategoryNewForm
from gongzhi.tickets.models import LIMIT_UNITS
from gongzhi.tickets.selectors.tickets import category_tree
from gongzhi.tickets.services.categories import category_create, category_update


def _require(request: HttpRequest) -> None:
    if not allowed(actor_of(request), "tickets.change_category"):
        raise Http404


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
        category_update(
            actor=actor_of(request), code=code, values=CategoryForm(request.POST).category_values()
        )
    except ApplicationError as exc:
        _fail(request, exc, code)
    else:
        messages.success(request, _("已保存分类 %(code)s") % {"code": code})
    return redirect(reverse("tickets:categories_edit") + f"#c-{code}")


@login_required
@require_POST
def category_add(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = CategoryNewForm(request.POST)
    code = form.code_posted()
    try:
        category_create(actor=actor_of(request), code=code, values=form.category_values())
    except ApplicationError as exc:
        _fail(request, exc, code or _("新分类"))
    else:
        messages.success(request, _("已新增分类 %(code)s") % {"code": code})
    return redirect(reverse("tickets:categories_edit") + f"#c-{code}")
