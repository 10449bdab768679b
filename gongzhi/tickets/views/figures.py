"""The console's indicators page: a place or department, a period, its children ranked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongzhi.core.access import console_login_required
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.tickets import figures
from gongzhi.tickets import indicators as ind
from gongzhi.tickets.enums import Level
from gongzhi.tickets.selectors import duplicates


@console_login_required
def indicators_page(request: HttpRequest) -> HttpResponse:
    actor = cast(Any, request.user)
    options = figures.place_options(actor)
    level, code = request.GET.get("level", ""), request.GET.get("code", "")
    place = request.GET.get("place", "")
    if place and ":" in place:
        level, code = place.split(":", 1)
    errors: dict[str, str] = {}
    context: dict[str, Any] = {"options": options, "sorts": figures.SORTS, "min_sample": ind.MIN_SAMPLE}
    try:
        if not level:
            level, code = ind.default_place(actor)
    except NotFound:
        return render(request, "tickets/console/indicators.html", {**context, "no_scope": True})
    sort = request.GET.get("sort", "on_time_rate")
    by = request.GET.get("by", "")
    try:
        start, end = ind.clean_period(request.GET.get("start", ""), request.GET.get("end", ""))
    except ValidationFailed as exc:
        errors.update(exc.fields)
        start, end = ind.this_year()
    try:
        total = ind.indicators_for(actor=actor, level=level, code=code, start=start, end=end)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValidationFailed as exc:
        errors.update(exc.fields)
        level, code = ind.default_place(actor)
        total = ind.indicators_for(actor=actor, level=level, code=code, start=start, end=end)
    children_levels = figures.child_levels(level)
    if by not in {b for b, _label in children_levels}:
        by = children_levels[0][0] if children_levels else ""
    if sort not in {s for s, _label in figures.SORTS}:
        sort = "on_time_rate"
    rows = (
        ind.indicators_by_child(actor=actor, level=level, code=code, start=start, end=end, by=by, sort=sort)
        if by
        else []
    )
    peers = (
        figures.department_peers(actor=actor, code=code, start=start, end=end, sort=sort)
        if level == Level.DEPARTMENT
        else []
    )
    context.update(
        {
            "total": total,
            "trend_chart": figures.trend_chart(level, code, end),
            "ranking_chart": (
                {
                    **figures.ranking_chart(rows or peers, sort),
                    "by_label": figures.LEVEL_LABELS.get(by or level, ""),
                }
                if rows or peers
                else None
            ),
            "peers": peers,
            "rate_sort": sort if sort in ind.RATES else "on_time_rate",
            "rows": rows,
            "level": level,
            "code": code,
            "place": f"{level}:{code}",
            "start": start,
            "end": end,
            "by": by,
            "by_label": figures.LEVEL_LABELS.get(by, ""),
            "children_levels": children_levels,
            "sort": sort,
            "quick": figures.quick_periods(timezone.localdate()),
            "errors": errors,
            "routing_months": _routing_months(actor),
            "repeats": duplicates.repeat_counts_for_actor(
                actor=actor, since=timezone.now() - timedelta(days=30)
            ),
        }
    )
    return render(request, "tickets/console/indicators.html", context)


def _routing_months(actor: Any) -> list[Any]:
    """Accuracy of the routing suggestions accepted without change, per month (docs/routing.md)."""
    from gongzhi.routing import selectors as routing_selectors

    return routing_selectors.accuracy_by_month(actor=actor, months=12)
