"""The product's URLs plus one bench-only path: the bare baseline for ticket intake.

``POST /bench/bare-ticket`` takes the same JSON as ``POST /api/v1/tickets`` and does one INSERT of a
ticket-shaped row into ``bench_bare_ticket`` (created by the bench as ``LIKE tickets_ticket INCLUDING
ALL``: the same columns and the same indexes), with no session, scope, audit, timeline, rollup or
lookup: place codes are cut from the ``grid_code`` the client sends. It is what a Django view costs
when it does nothing but write the row, so intake through the full service is measured against it.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as product_urlpatterns
from gongzhi.core.textsearch import index_text

BARE_TABLE = "bench_bare_ticket"
_SQL = (
    f"INSERT INTO {BARE_TABLE} (created_at, updated_at, district_code, subdistrict_code, community_code, "
    "grid_code, title, description, channel, channel_source, external_id, status, level, urgent, address, "
    "lng, lat, coord_system, reporter_name, reporter_phone_encrypted, reporter_phone_hash, "
    "reporter_phone_masked, reporter_email, anonymous, handler_place_code, dispatch_level, "
    "deadline_warning, limit_unit, sla_counted, result, satisfaction, rework_count, return_count, "
    "reopen_count, dissatisfied_count, escalation_count, supervision, search_text) VALUES "
    "(now(), now(), %s, %s, %s, %s, %s, %s, %s, '', '', 'reported', 'grid', false, %s, %s, %s, 'wgs84', "
    "'', '', '', '', '', false, '', '', '', '', false, '', '', 0, 0, 0, 0, 0, '', %s) RETURNING id"
)


@csrf_exempt
@require_POST
def bare_ticket(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    grid = str(data.get("grid_code", ""))
    description = str(data.get("description", ""))
    title = description[:40]
    address = str(data.get("address", ""))
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            [
                grid[:6],
                grid[:9] + "000",
                grid[:12],
                grid,
                title,
                description,
                str(data.get("channel", "patrol")),
                address,
                data.get("lng"),
                data.get("lat"),
                index_text(title, description, address),
            ],
        )
        (new_id,) = cursor.fetchone()
    return JsonResponse({"id": new_id}, status=201)


urlpatterns = [path("bench/bare-ticket", bare_ticket), *product_urlpatterns]
