"""The big screen (大屏): a place's cockpit at 1920×1080, dark and in large type, refreshed every minute
from a JSON endpoint. Aggregate figures and place names only: no person, phone, ID or door appears."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.cockpit import rollups
from gongzhi.cockpit.views.cockpit import chart_labels, figures_or_404
from gongzhi.core.access import console_login_required

REFRESH_SECONDS = 60


def screen_data(data: dict[str, Any]) -> dict[str, Any]:
    """What the screen shows, by name: an allow-list over the cockpit's figures."""
    return {
        "place": {k: data["place"][k] for k in ("code", "name", "level_label")},
        "year": data["year"],
        "computed_at": data["computed_at"],
        "computed_label": data["computed_label"],
        "tiles": [
            {"label": item["label"], "value": item["value"], "unit": item["unit"]}
            for group in data["groups"]
            for item in group["items"]
            if item["key"] not in rollups.ATTENTION  # shown once, under 需要关注
        ],
        "rates": [{"label": r["label"], "percent": r["percent"]} for r in data["rates"].values()],
        "attention": [{"label": a["label"], "value": a["value"]} for a in data["attention"]],
        "trend": data["trend"],
        "child_label": data["children"]["level_label"],
        "children": [
            {"code": r["code"], "name": r["name"], "value": r["tickets_reported"]}
            for r in data["children"]["rows"]
        ],
        "refresh_seconds": REFRESH_SECONDS,
        "labels": chart_labels(),
    }


@console_login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    data = screen_data(figures_or_404(request))
    return render(request, "cockpit/console/bigscreen.html", {"screen": data})


@console_login_required
@require_GET
def screen_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(screen_data(figures_or_404(request)), json_dumps_params={"ensure_ascii": False})
