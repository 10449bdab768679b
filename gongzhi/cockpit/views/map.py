"""The one-map (一张图): the page at a place (``?place=<code>``, drill-down by clicking a polygon, breadcrumb
up) and one GeoJSON endpoint per layer, both scoped to the actor's places; a place out of reach is 404.
Thin: ``selectors.map_place`` decides the place, ``selectors.map_layers`` reads the layers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.cockpit import rollups
from gongzhi.cockpit.selectors.map_layers import LAYERS
from gongzhi.cockpit.selectors.map_place import MapPlace, map_place_for_actor
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.http import int_or_none

# (key, label, on by default) in the order of the layer panel
LAYER_LABELS: list[tuple[str, Any, bool]] = [
    ("grids", _("网格（按类型）"), True),
    ("tickets", _("办理中与超期工单"), True),
    ("ticket_heat", _("工单热力（按网格）"), False),
    ("units", _("驻区单位与联系网格"), False),
    ("venues", _("服务阵地与15分钟服务圈"), False),
    ("devices", _("智慧设备状态"), False),
    ("warnings", _("矛盾纠纷预警"), False),
    ("care", _("重点人群密度（仅人数）"), False),
]
LEVEL_LABELS = rollups.LEVEL_LABELS
# The texts map.js writes (passed with json_script, so the script holds no words): %(name)s placeholders
MAP_TEXTS: dict[str, Any] = {
    "view": _("查看 ›"),
    "open_ticket": _("打开工单 ›"),
    "venue_detail": _("阵地详情 ›"),
    "warning_list": _("预警列表 ›"),
    "count": _("（%(count)s）"),
    "overdue_in": _("（超期%(overdue)s）"),
    "cluster_title": _("%(count)s件办理中，其中超期%(overdue)s件"),
    "overdue_suffix": _("，已超期"),
    "tickets_count": _("（%(count)s，超期%(overdue)s）"),
    "unit_grid": _("联系网格：%(grid)s"),
    "unit_unpaired": _("尚未结对网格"),
    "units_count": _("（%(count)s，已结对%(paired)s）"),
    "venue_walk": _("步行15分钟约%(metres)s米（直线估算）"),
    "device_title": _("%(place)s 设备%(total)s台"),
    "device_states": _("在线%(online)s · 离线%(offline)s · 故障%(faulty)s"),
    "devices_count": _("（在线%(online)s，离线%(offline)s，故障%(faulty)s）"),
    "warning_line": _("%(week)s周 · %(count)s次 · %(status)s"),
    "ticket_heat_tip": _("%(name)s：%(count)s件"),
    "ticket_heat_total": _("（%(count)s件）"),
    "care_tip": _("%(name)s：%(count)s人"),
    "care_total": _("（%(count)s人）"),
    "loading": _("（加载中…）"),
    "load_failed": _("（加载失败：%(error)s）"),
    "grids_total": _("共%(count)s个网格"),
    "no_grids": _("该区域没有已绘制边界的网格"),
    "loading_grids": _("正在加载网格…"),
}


def _place(request: HttpRequest) -> MapPlace:
    try:
        return map_place_for_actor(actor=actor_of(request), code=request.GET.get("place", ""))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound:
        raise Http404 from None


@console_login_required
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.views import KIND_COLOURS

    place = _place(request)
    layers = [
        {
            "key": key,
            "label": label,
            "on": on,
            "url": reverse("cockpit:map_layer", args=[key]) + f"?place={place.code}",
        }
        for key, label, on in LAYER_LABELS
    ]
    kinds = [{"value": str(k.value), "label": str(k.label), "colour": c} for k, c in KIND_COLOURS.items()]
    return render(
        request,
        "cockpit/console/map.html",
        {
            "place": place,
            "level_label": LEVEL_LABELS[place.level],
            "child_label": LEVEL_LABELS.get(place.child_level, ""),
            "layers": layers,
            "kinds": kinds,
            "texts": {k: str(v) for k, v in MAP_TEXTS.items()},
        },
    )


@console_login_required
@require_GET
def map_layer(request: HttpRequest, layer: str) -> HttpResponse:
    reader = LAYERS.get(layer)
    if reader is None:
        raise Http404
    place = _place(request)
    body = reader(
        actor=actor_of(request),
        place=place,
        zoom=int_or_none(request.GET.get("zoom")),
        bbox=request.GET.get("bbox", "")[:120],
    )
    body["meta"].update({"layer": layer, "place": place.code, "level": place.level})
    return JsonResponse(body)
