"""Gongzhi's tickets and categories as GeoReport v2 services, service definitions, requests and updates.

Nothing here decides anything about a ticket; it only says what the public may read of it. Every public
record is built from an allow-list (``SERVICE_FIELDS``, ``REQUEST_FIELDS`` …: ``pick`` takes exactly those
names, never "the model minus some fields"), and:

- status: ``closed`` for closed, declined and merged tickets, ``open`` for every other status;
- never the reporter (name, phone, email, account) and never a photo (``media_url`` is always empty);
- the address is at most a street or an estate (小区): the estate of the community named in the address,
  else the road it names, else the community — never a building, unit or door; the point is rounded to
  about 100 m;
- every free text (description, status_notes, notes, updates) passes ``core.masking.mask_public_text``:
  phone and ID numbers, door numbers and the names of the persons registered at the ticket's address or
  household and of the reporter become placeholders;
- tickets about a resident's own affairs (community-affairs categories such as 邻里纠纷, 困难救助,
  独居老人关爱, and tickets not yet classified) show no description, no handling text and no update text —
  a fixed phrase per status instead (``STATUS_PHRASES``) — their address is the community and their
  point is rounded to about 1 km.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from gongzhi.core.masking import PRIVATE_POINT_DECIMALS, PUBLIC_POINT_DECIMALS, coarse, mask_public_text
from gongzhi.open311.api.formats import iso
from gongzhi.open311.selectors import PublicContext
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
# What a private ticket says instead of its notes: one fixed phrase per status.
STATUS_PHRASES: dict[str, str] = {
    TicketStatus.REPORTED: "已收到，待受理",
    TicketStatus.ACCEPTED: "已受理",
    TicketStatus.ESCALATED: "已受理",
    TicketStatus.RETURNED: "已受理",
    TicketStatus.DISPATCHED: "处理中",
    TicketStatus.IN_PROGRESS: "处理中",
    TicketStatus.HANDLED: "已处置，待核查",
    TicketStatus.VERIFIED: "已处置，待回访",
    TicketStatus.CALLED_BACK: "已处置，待结案",
    TicketStatus.CLOSED: "已办结",
    TicketStatus.DECLINED: "不予受理",
    TicketStatus.MERGED: "已合并办理",
}

# --- the allow-lists: every public record has exactly these keys ---------------------------------------
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
DEFINITION_FIELDS = ("service_code", "attributes")
ATTRIBUTE_FIELDS = (
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
)
LIST_ATTRIBUTE_FIELDS = (*ATTRIBUTE_FIELDS, "values")
VALUE_FIELDS = ("key", "name")
# GeoReport v2's 17 request fields, in the spec's order.
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
# With extensions=true (Chicago/Boston/SF): the timeline and Gongzhi's own status.
EXTENDED_REQUEST_FIELDS = (*REQUEST_FIELDS, "notes", "extended_attributes")
NOTE_FIELDS = ("datetime", "description", "type")
EXTENDED_ATTRIBUTE_FIELDS = ("ticket_number", "gongzhi_status", "gongzhi_status_label", "channel")
# FixMyStreet's service request update.
UPDATE_FIELDS = (
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
    "external_status_code",
)


def pick(allowed: tuple[str, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """The public record: exactly the allowed names, in their order (a missing one is a KeyError here,
    never a field published by accident)."""
    return {name: values[name] for name in allowed}


def open_or_closed(status: str) -> str:
    return "closed" if status in TERMINAL else "open"


def status_phrase(status: str) -> str:
    return STATUS_PHRASES.get(status, "处理中")


# --- services ---------------------------------------------------------------------------------------


def service(category: Category) -> dict[str, Any]:
    keywords = ",".join(w for w in re_split(category.keywords) if w)
    return pick(
        SERVICE_FIELDS,
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.description
            or (f"{category.parent.name} · {category.name}" if category.parent else category.name),
            "metadata": bool(category.questions),
            "type": "realtime",
            "keywords": keywords or None,
            "group": category.parent.name if category.parent else None,
        },
    )


def re_split(words: str) -> list[str]:
    return re.split(r"[\s,，、;；]+", (words or "").strip())


def attributes(category: Category) -> list[dict[str, Any]]:
    out = []
    for order, q in enumerate(category.questions or [], start=1):
        datatype = q.get("datatype") if q.get("datatype") in DATATYPES else "string"
        listed = datatype in ("singlevaluelist", "multivaluelist")
        values = [
            pick(VALUE_FIELDS, {"key": str(v["key"]), "name": str(v.get("name", v["key"]))})
            for v in (q.get("values") or [])
        ]
        out.append(
            pick(
                LIST_ATTRIBUTE_FIELDS if listed else ATTRIBUTE_FIELDS,
                {
                    "variable": q.get("variable", True) is not False,
                    "code": str(q["code"]),
                    "datatype": datatype,
                    "required": bool(q.get("required")),
                    "datatype_description": q.get("datatype_description") or DATATYPE_HINTS[datatype],
                    "order": order,
                    "description": q.get("description") or q.get("label") or str(q["code"]),
                    "values": values,
                },
            )
        )
    return out


def service_definition(category: Category) -> dict[str, Any]:
    return pick(DEFINITION_FIELDS, {"service_code": category.code, "attributes": attributes(category)})


# --- requests ---------------------------------------------------------------------------------------


def is_private(ticket: Ticket) -> bool:
    category = ticket.category
    return category is None or category.kind == CategoryKind.COMMUNITY


def agency(ticket: Ticket) -> str:
    if ticket.department_id and ticket.department is not None:
        return ticket.department.name
    return str(Level(ticket.level).label) if ticket.level in Level.values else ""


def public_address(ticket: Ticket, context: PublicContext) -> str:
    """At most a street or an estate: the community for a private ticket; else the estate the address
    names, else the road it names, else the community."""
    community = context.community_name(ticket.community_code)
    if is_private(ticket):
        return community
    return (
        context.estate_in(ticket.community_code, ticket.address)
        or mask_public_text(context.road_in(ticket.address), context.names_for(ticket))
        or community
    )


def public_text(ticket: Ticket, text: str | None, context: PublicContext) -> str:
    return mask_public_text(text, context.names_for(ticket))


def note(event: TicketEvent, ticket: Ticket, context: PublicContext) -> dict[str, Any] | None:
    """One step of the public timeline (extensions=true); a private ticket shows its status moves only,
    each as its fixed phrase, and so does a merged ticket for the steps of the ticket it joined (whose
    category and registered names are not this one's)."""
    if is_private(ticket) or event.ticket_id != ticket.pk:
        if not event.to_status:
            return None
        description = status_phrase(event.to_status)
    else:
        description = public_text(ticket, event.public_note, context)
    return pick(NOTE_FIELDS, {"datetime": iso(event.at), "description": description, "type": event.move})


def request_fields(
    ticket: Ticket,
    *,
    status_notes: str,
    updated: Any,
    context: PublicContext,
    notes: Iterable[TicketEvent] | None = None,
) -> dict[str, Any]:
    category = ticket.category
    private = is_private(ticket)
    decimals = PRIVATE_POINT_DECIMALS if private else PUBLIC_POINT_DECIMALS
    amount = ticket.limit_amount or (category.limit_amount if category else None)
    unit = ticket.limit_unit or (category.limit_unit if category else "")
    values: dict[str, Any] = {
        "service_request_id": str(ticket.pk),
        "status": open_or_closed(ticket.status),
        "status_notes": (
            status_phrase(ticket.status) if private else public_text(ticket, status_notes, context)
        )
        or None,
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": PRIVATE_DESCRIPTION if private else public_text(ticket, ticket.description, context),
        "agency_responsible": agency(ticket) or None,
        "service_notice": f"该类问题办理时限{limit_label(amount, unit)}" if amount and unit else None,
        "requested_datetime": iso(ticket.created_at),
        "updated_datetime": iso(updated or ticket.created_at),
        "expected_datetime": iso(ticket.deadline),
        "address": public_address(ticket, context) or None,
        "address_id": None,
        "zipcode": None,
        "lat": coarse(ticket.lat, decimals),
        "long": coarse(ticket.lng, decimals),
        "media_url": None,
    }
    if notes is None:
        return pick(REQUEST_FIELDS, values)
    values["notes"] = [n for n in (note(e, ticket, context) for e in notes) if n is not None]
    values["extended_attributes"] = pick(
        EXTENDED_ATTRIBUTE_FIELDS,
        {
            "ticket_number": ticket.number,
            "gongzhi_status": ticket.status,
            "gongzhi_status_label": str(TicketStatus(ticket.status).label),
            "channel": ticket.channel,
        },
    )
    return pick(EXTENDED_REQUEST_FIELDS, values)


def request_update(event: TicketEvent, context: PublicContext) -> dict[str, Any]:
    """One public step of a ticket as a FixMyStreet-style service request update; a private ticket's
    step says its status's fixed phrase, never the note."""
    ticket = event.ticket
    status = event.to_status or ticket.status
    description = (
        status_phrase(status) if is_private(ticket) else public_text(ticket, event.public_note, context)
    )
    return pick(
        UPDATE_FIELDS,
        {
            "update_id": str(event.pk),
            "service_request_id": str(event.ticket_id),
            "status": open_or_closed(status),
            "updated_datetime": iso(event.at),
            "description": description,
            "media_url": None,
            "external_status_code": status,
        },
    )
