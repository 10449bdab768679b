"""The product's URLs plus two bench-only paths: the bare baseline for ticket intake, and the floor.

``POST /bench/bare-ticket`` takes the same JSON as ``POST /api/v1/tickets`` and does one INSERT of a
ticket-shaped row into ``bench_bare_ticket`` (created by the bench as ``LIKE tickets_ticket INCLUDING
ALL``: the same columns and the same indexes), with no session, scope, audit, timeline, rollup or
lookup: place codes are cut from the ``grid_code`` the client sends. It is what a Django view costs
when it does nothing but write the row, so intake through the full service is measured against it.

``POST /bench/floor-ticket`` is the least that a signed-in report must do, written the way the bare view
is written (raw SQL, constants inline, no validation, no error shape, no ORM): one query for who is asking
(the session row, its user and the user's active role assignments, joined), and one statement for the
four rows of a report (the ticket, its timeline row, its audit row and the rollup upserts, as
data-modifying CTEs). It is not the product; it says how close to the bare view any intake can come on this
stack and this machine, measured in the same run as the other two.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as product_urlpatterns
from gongzhi.core import codes
from gongzhi.core.textsearch import index_text
from gongzhi.places import geo
from gongzhi.tickets import stats

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


_WHO = (
    "SELECT s.session_data, u.is_active, ra.role, ra.level, ra.place_code FROM django_session s "
    "JOIN accounts_user u ON u.id = %s LEFT JOIN accounts_roleassignment ra ON ra.user_id = u.id AND ra.active "
    "WHERE s.session_key = %s AND s.expire_date > now()"
)
_FLOOR_HEAD = (
    "WITH t AS (INSERT INTO tickets_ticket (created_at, updated_at, district_code, subdistrict_code, "
    "community_code, grid_code, title, description, channel, channel_source, external_id, status, level, "
    "urgent, address, lng, lat, coord_system, reporter_name, reporter_phone_encrypted, reporter_phone_hash, "
    "reporter_phone_masked, reporter_email, anonymous, handler_place_code, dispatch_level, deadline_warning, "
    "limit_unit, sla_counted, result, satisfaction, rework_count, return_count, reopen_count, "
    "dissatisfied_count, escalation_count, supervision, search_text, reporter_id, category_id) VALUES "
    "(now(), now(), %s, %s, %s, %s, %s, %s, %s, '', '', 'reported', 'grid', false, %s, %s, %s, 'wgs84', "
    "%s, '', '', '', '', false, '', '', '', '', false, '', '', 0, 0, 0, 0, 0, '', %s, %s, %s) "
    "RETURNING id, created_at), "
    "e AS (INSERT INTO tickets_ticketevent (ticket_id, at, actor_id, actor_label, move, from_status, to_status, "
    "note, public_note, data) SELECT id, created_at, %s, %s, 'report', '', 'reported', %s, "
    "'您反映的问题已提交，正在等待受理', %s FROM t RETURNING id), "
    "a AS (INSERT INTO audit_auditevent (created_at, actor_id, actor_label, event_type, target_type, target_id, "
    "target_label, district_code, subdistrict_code, community_code, grid_code, data) SELECT created_at, %s, %s, "
    "'tickets.report', 'tickets.ticket', id::text, %s, %s, %s, %s, %s, %s FROM t)"
)
_user_of_session: dict[str, int] = {}
_category_ids: dict[str, int | None] = {}


def _category_id(code: str) -> int | None:
    if code not in _category_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM tickets_category WHERE code = %s AND active", [code])
            row = cursor.fetchone()
        _category_ids[code] = row[0] if row else None
    return _category_ids[code]


def floor_ticket(request: HttpRequest) -> JsonResponse:
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    user_id = _user_of_session.get(key)
    if user_id is None:  # the session's first request: Django's way, once
        if not request.user.is_authenticated:
            return JsonResponse({"code": "unauthorized"}, status=401)
        user_id = _user_of_session[key] = request.user.pk
    with connection.cursor() as cursor:
        cursor.execute(_WHO, [user_id, key])
        rows = cursor.fetchall()
    if not rows or not rows[0][1]:
        return JsonResponse({"code": "unauthorized"}, status=401)
    session = request.session.decode(rows[0][0])
    if str(session.get(SESSION_KEY)) != str(user_id) or not session.get(HASH_SESSION_KEY):
        return JsonResponse({"code": "unauthorized"}, status=401)
    data = json.loads(request.body)
    lng, lat = float(data["lng"]), float(data["lat"])
    grid = geo.grid_locator().locate(lng, lat) or ""
    if not any(level == "grid" and code == grid for _r, level, code in (r[2:] for r in rows)):
        return JsonResponse({"code": "forbidden"}, status=403)
    community = codes.community_of_grid(grid)
    place = [community[:6], codes.subdistrict_of(community), community]
    description = str(data.get("description", "")).strip()
    title = description[:40]
    address = str(data.get("address", ""))
    label = str(user_id)
    event_data = json.dumps({"channel": "patrol"})
    day = stats.local_day(timezone.now())
    month = stats.month_of(day)
    parts = stats._parts(("reported",), 1)
    sql = _FLOOR_HEAD + "".join(f", r{i} AS ({part})" for i, (part, _n) in enumerate(parts))
    sql += " SELECT (SELECT id FROM t), (SELECT id FROM e)"
    params = [
        *place, grid, title, description, "patrol", address, lng, lat, label,
        index_text(title, description, address), user_id, _category_id(str(data.get("category_code", ""))),
        user_id, label, description[:200], event_data,
        user_id, label, title, *place, grid, json.dumps({"from": "", "to": "reported"}),
        day, *place, grid, 0, 1, *place, month, 1, *place, month, "reported", 1,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ticket_id, event_id = cursor.fetchone()
    return JsonResponse({"id": ticket_id, "event": event_id, "status": "reported"}, status=201)


urlpatterns = [
    path("bench/bare-ticket", bare_ticket),
    path("bench/floor-ticket", require_POST(floor_ticket)),
    *product_urlpatterns,
]
