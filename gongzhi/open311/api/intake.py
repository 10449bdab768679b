"""POST requests and POST servicerequestupdates: GeoReport parameters mapped onto the ticket services.

A ticket filed here is ``ticket_report(actor=None, channel="api", channel_source=<the key's system>)``
and enters the same loop as any other. What Gongzhi keeps but has no ticket field for (media_url,
device_id, account_id) goes into the data of a staff-only note on the ticket's timeline; media_url is
never fetched.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction

from gongzhi.open311.api.params import Open311Error, Params, bad, number, parse_datetime, request_id
from gongzhi.open311.models import ApiKey
from gongzhi.places.models import Household
from gongzhi.tickets.enums import Channel
from gongzhi.tickets.models import Category, Ticket, TicketEvent, TicketPhoto
from gongzhi.tickets.services import TicketInput, ticket_note, ticket_report

# The core's field names as the GeoReport parameters a client sent.
PARAM_NAMES = {
    "location": "lat/long",
    "description": "description",
    "email": "email",
    "reporter_phone": "phone",
    "reporter_name": "first_name/last_name",
    "category": "service_code",
    "photos": "media",
    "address": "address_string",
    "public_note": "description",
    "note": "description",
    "grid_code": "address_id",
}
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
# FixMyStreet's extended statuses a connected system may send with an update (recorded, never acted on).
UPDATE_STATUSES = frozenset(
    {
        "OPEN",
        "CLOSED",
        "FIXED",
        "IN_PROGRESS",
        "PLANNED",
        "ACTION_SCHEDULED",
        "INVESTIGATING",
        "DUPLICATE",
        "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION",
        "INTERNAL_REFERRAL",
        "CANCELLED",
        "REOPEN",
        "FOR_TRIAGE",
        "UNCHANGED",
    }
)


class _OutOfScope(Exception):
    def __init__(self, stored: list[str]) -> None:
        super().__init__("outside the key's place")
        self.stored = stored


def _short(params: Params, name: str, limit: int = 100) -> str:
    value = params.get(name)
    if len(value) > limit:
        raise bad(f"{name}不能超过{limit}个字符")
    return value


def _media_url(params: Params) -> str:
    url = _short(params, "media_url", 500)
    if url and not re.match(r"^https?://[^\s<>\"]+$", url):
        raise bad("media_url应为http或https开头的网址")
    return url


def attributes(params: Params, category: Category) -> dict[str, Any]:
    """``attribute[CODE]=v`` and ``attribute[CODE][]=v1&attribute[CODE][]=v2``; number and datetime
    answers are checked for their form here, list values and required answers by the core."""
    datatypes = {str(q["code"]): q.get("datatype", "string") for q in category.questions or []}
    out: dict[str, Any] = {}
    for name in params.names():
        match = ATTRIBUTE_RE.match(name)
        if not match:
            continue
        code, many = match.group(1), bool(match.group(2))
        values = params.getlist(name)
        if not values:
            continue
        for value in values:
            if len(value) > 500:
                raise bad(f"attribute[{code}]不能超过500个字符")
            if datatypes.get(code) == "number":
                number(value, f"attribute[{code}]")
            elif datatypes.get(code) == "datetime":
                parse_datetime(value, f"attribute[{code}]")
        if many or datatypes.get(code) == "multivaluelist":
            previous = out.get(code, [])
            out[code] = (previous if isinstance(previous, list) else [previous]) + values
        else:
            out[code] = values[0] if len(values) == 1 else values
    return out


def reporter_name(params: Params) -> str:
    first, last = _short(params, "first_name", 50), _short(params, "last_name", 50)
    if CJK_RE.search(first + last):
        return f"{last}{first}"  # 姓 before 名
    return f"{first} {last}".strip()


def _location(params: Params, key: ApiKey) -> dict[str, Any]:
    lat, lng = params.get("lat"), params.get("long")
    address = _short(params, "address_string", 200)
    address_id = _short(params, "address_id", 100)
    if not ((lat or lng) or address or address_id):
        raise bad("请提供位置：lat和long，或address_string，或address_id")
    out: dict[str, Any] = {"address": address}
    if lat or lng:
        if not (lat and lng):
            raise bad("lat和long需同时提供")
        out.update(lat=number(lat, "lat"), lng=number(lng, "long"))
        out["coord_system"] = params.get("coord_system") or "wgs84"
    if address_id:
        household = (
            Household.objects.filter(pk=int(address_id)).only("address", "grid_code").first()
            if address_id.isdigit() and len(address_id) <= 12
            else None
        )
        if household is not None:
            out["address"] = address or household.address
            out["grid_code"] = household.grid_code
        elif not address:
            out["address"] = address_id
    if not out.get("grid_code") and len(key.place_code) == 15:
        out["grid_code"] = key.place_code  # a grid's own system: what cannot be placed is in that grid
    return out


def file_request(*, key: ApiKey, category: Category, params: Params, files: list[Any]) -> Ticket:
    """POST requests: one ticket, in the key's place scope or not at all."""
    location = _location(params, key)
    media_url = _media_url(params)
    kept = {
        name: value
        for name, value in (
            ("media_url", media_url),
            ("device_id", _short(params, "device_id")),
            ("account_id", _short(params, "account_id")),
        )
        if value
    }
    data = TicketInput(
        description=params.get("description") or f"{category.name}（未填写描述）",
        channel=Channel.API,
        channel_source=key.name,
        category_code=category.code,
        reporter_name=reporter_name(params),
        reporter_phone=params.get("phone"),
        reporter_email=_short(params, "email", 120),
        attributes=attributes(params, category),
        **location,
    )
    try:
        with transaction.atomic():
            ticket = ticket_report(actor=None, data=data, photos=files)
            if not key.covers(ticket):
                stored = list(TicketPhoto.objects.filter(ticket=ticket).values_list("file", flat=True))
                raise _OutOfScope(stored)
            if kept:
                ticket_note(
                    actor=None,
                    ticket_id=ticket.pk,
                    note=f"{key.name}附带信息：" + "；".join(f"{k}={v}" for k, v in kept.items()),
                    data={"open311": kept, "system": key.name},
                )
    except _OutOfScope as exc:
        for name in exc.stored:
            default_storage.delete(name)
        raise Open311Error(
            403, f"问题位置不在该密钥的授权范围（{key.place_label or key.place_code}）内，未创建工单"
        ) from None
    return ticket


def add_update(*, key: ApiKey, params: Params) -> TicketEvent:
    """POST servicerequestupdates: a connected system adds a public note to a ticket it filed. The
    status it sends is recorded with the note; only Gongzhi's own loop changes a ticket's status."""
    raw_id = params.get("service_request_id")
    if not raw_id:
        raise bad("缺少service_request_id")
    try:
        pk = request_id(raw_id)
    except Open311Error:
        raise Open311Error(404, f"服务请求“{raw_id[:30]}”不存在") from None
    ticket = Ticket.objects.filter(pk=pk).only("pk", "channel", "channel_source", "district_code").first()
    if ticket is None:
        raise Open311Error(404, f"服务请求“{raw_id[:30]}”不存在")
    if not (
        ticket.channel == Channel.API
        and ticket.channel_source == key.name
        and ticket.district_code == key.district_code
    ):
        raise Open311Error(403, "只能为本系统上报的工单补充进展")
    description = params.get("description")
    if not description:
        raise bad("缺少description")
    status = params.get("status").upper()
    if status and status not in UPDATE_STATUSES:
        raise bad(f"status“{status[:30]}”不是可用的状态值")
    updated = params.get("updated_datetime")
    if updated:
        parse_datetime(updated, "updated_datetime")
    kept = {
        name: value
        for name, value in (
            ("update_id", _short(params, "update_id")),
            ("status", status),
            ("updated_datetime", updated[:40]),
            ("media_url", _media_url(params)),
            ("account_id", _short(params, "account_id")),
        )
        if value
    }
    return ticket_note(
        actor=None,
        ticket_id=ticket.pk,
        note=f"{key.name}补充进展",
        public_note=description,
        data={"open311": kept, "system": key.name},
    )
