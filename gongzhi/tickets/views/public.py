"""The public reports pages (群众随手拍公示): every community's reports on a map and in a list, with their
status and before/after photos, open to anyone (no sign-in), like FixMyStreet's. What they show is what
``selectors.public`` allows: no reporter, phone or door, ever."""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gongzhi.core.http import int_or_none
from gongzhi.places.models import Community
from gongzhi.tickets.selectors import public as selectors
from gongzhi.tickets.views.h5 import map_settings

STATES = {"": gettext_lazy("全部"), "open": gettext_lazy("处理中"), "closed": gettext_lazy("已办结")}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every community, to choose one (a visitor has no community of their own)."""
    communities = list(Community.objects.order_by("code").values("code", "name")[:500])
    return render(request, "tickets/h5/public_index.html", {"communities": communities})


@require_GET
def community(request: HttpRequest, community_code: str) -> HttpResponse:
    found = selectors.community_for_public(community_code)
    if found is None:
        raise Http404("社区不存在")
    state = request.GET.get("state", "")
    if state not in STATES:
        state = ""
    page = selectors.public_reports(
        community=found, state=state, after_id=int_or_none(request.GET.get("after", ""))
    )
    pins: list[dict[str, Any]] = [
        {
            "lng": c.lng,
            "lat": c.lat,
            "open": c.open,
            "label": f"{c.category} · {c.status_label}",
            "href": f"#r{c.id}",
        }
        for c in page.cards
        if c.lng is not None and c.lat is not None
    ]
    return render(
        request,
        "tickets/h5/public.html",
        {
            "page": page,
            "state": state,
            "states": STATES,
            "map_data": {
                "grids": selectors.map_grids(community_codes=[found.code]),
                "pins": pins,
                **map_settings(),
            },
            "report_url": reverse("tickets_h5:report"),
        },
    )


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    p = selectors.public_photo(photo_id)
    if p is None:
        raise Http404("照片不存在")
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return cast("HttpResponse", response)
