"""What the resettlement pages share: the reader check, the project in scope, and a POST that calls one
service and goes back (a refusal is the refusal page: the Chinese message, its 4xx, a link back)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongzhi.core.access import actor_of
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.resettlement import selectors


def reader(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not allowed(actor, "resettlement.view_project"):
        raise Http404("页面不存在")
    return actor


def project_of(actor: Any, project_id: int) -> Any:
    try:
        return selectors.resettlement_project_get_for_actor(actor=actor, project_id=project_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def household_of(actor: Any, household_id: int) -> Any:
    try:
        return selectors.eligible_household_get_for_actor(actor=actor, household_id=household_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def act(request: HttpRequest, call: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run one service call; success goes back to ``back`` with ``done``, a refusal is answered in place."""
    try:
        call()
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        return render(
            request,
            "resettlement/console/refused.html",
            {"message": exc.message, "fields": exc.fields, "back": back},
            status=exc.status,
        )
    messages.success(request, done)
    return redirect(back)
