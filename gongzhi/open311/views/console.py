"""Console pages of the Open311 keys (/console/open311/): the district admin issues a key per connected
system (shown once), sees when each was last used, and revokes it. Everyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.open311 import selectors, services
from gongzhi.open311.forms import ApiKeyForm


def _page(request: HttpRequest, **extra: Any) -> HttpResponse:
    actor = actor_of(request)
    context = {
        "keys": selectors.apikey_list_for_actor(actor=actor),
        "places": selectors.place_choices_for_actor(actor=actor),
        "form": {"name": "", "place_code": "", "rate_limit": "", "note": ""},
        "errors": {},
        "base_url": request.build_absolute_uri("/open311/v2/"),
        **extra,
    }
    return render(
        request, "open311/console/keys.html", context, status=200 if not extra.get("errors") else 400
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "open311.manage_apikey"):
        raise Http404
    if request.method == "GET":
        return _page(request)
    bound = ApiKeyForm(request.POST)
    if not bound.is_valid():  # only a NUL character in a field gets here
        values = {f: str(bound.data.get(f, "")).replace("\x00", "").strip() for f in bound.fields}
        return _page(request, form=values, errors={f: e[0] for f, e in bound.errors.items()})
    form = bound.cleaned_data
    try:
        issued = services.apikey_issue(
            actor=actor,
            name=form["name"],
            place_code=form["place_code"],
            rate_limit=form["rate_limit"],
            note=form["note"],
        )
    except ApplicationError as exc:
        return _page(request, form=form, errors=exc.fields or {"name": exc.message})
    # Rendered, not redirected: the key is shown this once and is in no URL, session or log.
    return _page(request, issued=issued)


@console_login_required
@require_POST
def key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "open311.manage_apikey"):
        raise Http404
    try:
        key = services.apikey_revoke(actor=actor, key_id=key_id)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用“{key.name}”的密钥 {key.key_prefix}…")
    return redirect(reverse("open311:keys"))
