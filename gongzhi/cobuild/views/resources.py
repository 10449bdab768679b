"""Console page of the resources list: what units, members, social organisations and teams offer, with the
capacity each has taken on; register one on a provider's behalf.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from gongzhi.cobuild import matching, selectors
from gongzhi.cobuild.enums import RESOURCE_CATEGORIES, ResourceKind
from gongzhi.cobuild.forms import SCHEDULES, ResourceForm
from gongzhi.cobuild.services import resources
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError

PAGE_SIZE = 100


@console_login_required
@require_http_methods(["GET", "POST"])
def resource_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = selectors.community_choice_list_for_actor(actor=actor)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"categories": [], "capacity": "1", "radius_km": "3"}
    if request.method == "POST":
        posted = ResourceForm(request.POST)
        form = posted.values()
        kind, provider_id = posted.provider_kind_and_id()
        try:
            res = resources.resource_register(
                actor=actor,
                community_id=posted.number("community_id")
                or (communities[0].pk if len(communities) == 1 else 0),
                provider_kind=kind,
                provider_id=provider_id,
                data=posted.resource_input(),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已登记资源“%(title)s”") % {"title": res.title})
            return redirect("cobuild:resources")
    f = {k: request.GET.get(k, "") for k in ("kind", "category", "community_code")}
    rows = list(
        selectors.resource_list_for_actor(
            actor=actor,
            kind=f["kind"],
            category=f["category"],
            community_code=f["community_code"],
            limit=PAGE_SIZE,
        )
    )[:PAGE_SIZE]
    held = selectors.used_capacity([r.pk for r in rows])
    for r in rows:
        r.used = held.get(r.pk, 0)  # type: ignore[attr-defined]
        r.schedule_label = r.schedule_note or matching.describe_mask(r.schedule)  # type: ignore[attr-defined]
    return render(
        request,
        "cobuild/console/resources.html",
        {
            "resources": rows,
            "f": f,
            "kinds": ResourceKind.choices,
            "categories": RESOURCE_CATEGORIES,
            "schedules": SCHEDULES,
            "communities": communities,
            "providers": selectors.provider_option_list(communities) if communities else [],
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
