"""Gongzhi's tickets and categories as GeoReport v2 services, service definitions, requests and updates.

Nothing here decides anything about a ticket; it only says what the public may read of it:

- status: ``closed`` for closed, declined and merged tickets, ``open`` for every other status;
- never the reporter (name, phone, email, account) and never a photo (photos are access-controlled);
- phone and ID numbers typed into any text are masked (138****5678, 3701**********1234);
- tickets about a resident's own affairs (community-affairs categories such as 邻里纠纷, 困难救助,
  独居老人关爱, and tickets not yet classified) show no description, their address is generalised to
  the community and their point is rounded to about 100 m; urban-management tickets (streetlights,
  garbage, roads …) show description, address and point as reported, which is what the public needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from gongzhi.core.ids import mask_id_number, mask_phone
from gongzhi.open311.api.formats import iso
from gongzhi.places.models import Community
from gongzhi.tickets.deadlines import limit_label
from gongzhi.tickets.enums import TERMINAL, CategoryKind, Level, TicketStatus
from gongzhi.tickets.models import Category, Ticket, TicketEvent

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
DATATYPE_HINTS = {
    "string": "一行文字",
    "number": "数字",
    "datetime": "日期时间，如2026-12-01T09:30:00+08:00",
    "text": "多行文字",
    "singlevaluelist": "从可选值中选一项，提交key",
    "multivaluelist": "可多选，以attribute[代码][]逐项提交key",
}
PRIVATE_DESCRIPTION = "（涉及居民个人事务，详情不公开）"
# Mainland mobile numbers and 18-digit ID numbers inside free text (not inside longer digit runs).
_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_PHONE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_text(value: str) -> str:
    value = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), value or "")
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), value)


def open_or_closed(status: str) -> str:
    return "closed" if status in TERMINAL else "open"


# --- services ---------------------------------------------------------------------------------------


def service(category: Category) -> dict[str, Any]:
    keywords = ",".join(w for w in re_split(category.keywords) if w)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description
        or (f"{category.parent.name} · {category.name}" if category.parent else category.name),
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": keywords or None,
        "group": category.parent.name if category.parent else None,
    }


def re_split(words: str) -> list[str]:
    return re.split(r"[\s,，、;；]+", (words or "").strip())


def attributes(category: Category) -> list[dict[str, Any]]:
    out = []
    for order, q in enumerate(category.questions or [], start=1):
        datatype = q.get("datatype") if q.get("datatype") in DATATYPES else "string"
        values = q.get("values") or []
        out.append(
            {
                "variable": q.get("variable", True) is not False,
                "code": str(q["code"]),
                "datatype": datatype,
                "required": bool(q.get("required")),
                "datatype_description": q.get("datatype_description") or DATATYPE_HINTS[datatype],
                "order": order,
                "description": q.get("description") or q.get("label") or str(q["code"]),
                **(
                    {"values": [{"key": str(v["key"]), "name": str(v.get("name", v["key"]))} for v in values]}
                    if datatype in ("singlevaluelist", "multivaluelist")
                    else {}
                ),
            }
        )
    return out


def service_definition(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": attributes(category)}


# --- requests ---------------------------------------------------------------------------------------


def is_private(ticket: Ticket) -> bool:
    category = ticket.category
    return category is None or category.kind == CategoryKind.COMMUNITY


def community_names(tickets: Iterable[Ticket]) -> dict[str, str]:
    codes = {t.community_code for t in tickets if t.community_code and is_private(t)}
    if not codes:
        return {}
    return dict(Community.objects.filter(code__in=sorted(codes)).values_list("code", "name"))


def agency(ticket: Ticket) -> str:
    if ticket.department_id and ticket.department is not None:
        return ticket.department.name
    return str(Level(ticket.level).label) if ticket.level in Level.values else ""


def request_fields(
    ticket: Ticket,
    *,
    status_notes: str,
    updated: Any,
    communities: dict[str, str],
    notes: list[TicketEvent] | None = None,
) -> dict[str, Any]:
    category = ticket.category
    private = is_private(ticket)
    lat, lng = ticket.lat, ticket.lng
    if private and lat is not None and lng is not None:
        lat, lng = round(lat, 3), round(lng, 3)
    address = mask_text(ticket.address)
    if private:
        address = communities.get(ticket.community_code, "")
    amount = ticket.limit_amount or (category.limit_amount if category else None)
    unit = ticket.limit_unit or (category.limit_unit if category else "")
    out: dict[str, Any] = {
        "service_request_id": str(ticket.pk),
        "status": open_or_closed(ticket.status),
        "status_notes": mask_text(status_notes) or None,
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": PRIVATE_DESCRIPTION if private else mask_text(ticket.description),
        "agency_responsible": agency(ticket) or None,
        "service_notice": f"该类问题办理时限{limit_label(amount, unit)}" if amount and unit else None,
        "requested_datetime": iso(ticket.created_at),
        "updated_datetime": iso(updated or ticket.created_at),
        "expected_datetime": iso(ticket.deadline),
        "address": address or None,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": None,
    }
    if notes is not None:
        out["notes"] = [
            {"datetime": iso(e.at), "description": mask_text(e.public_note), "type": e.move} for e in notes
        ]
        out["extended_attributes"] = {
            "ticket_number": ticket.number,
            "gongzhi_status": ticket.status,
            "gongzhi_status_label": str(TicketStatus(ticket.status).label),
            "channel": ticket.channel,
        }
    return out


def request_update(event: TicketEvent) -> dict[str, Any]:
    """One public step of a ticket as a FixMyStreet-style service request update."""
    status = event.to_status or event.ticket.status
    return {
        "update_id": str(event.pk),
        "service_request_id": str(event.ticket_id),
        "status": open_or_closed(status),
        "updated_datetime": iso(event.at),
        "description": mask_text(event.public_note),
        "media_url": None,
        "external_status_code": status,
    }
