"""Intake from every channel: one service, so a report from a phone, a patrol, the 12345 hotline, a
书记有约 session or a connected system is the same ticket in the same loop."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext

from gongzhi.core import codes, ids
from gongzhi.core.bulk import Batch, insert_one, next_key
from gongzhi.core.coords import clean_point
from gongzhi.core.errors import Conflict, field_error
from gongzhi.core.images import CleanImage, clean_images, store_image
from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.core.textsearch import index_text
from gongzhi.places import geo
from gongzhi.places.models import Grid, Household
from gongzhi.routing.services import suggestion_build
from gongzhi.tickets.enums import Channel, Level, PhotoStage, TicketStatus
from gongzhi.tickets.models import Category, Patrol, Ticket, TicketPhoto
from gongzhi.tickets.services.common import now_or, record, text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

logger = logging.getLogger(__name__)

DESCRIPTION_MAX = 4000
TITLE_MAX = 100
# Channels a resident may use, and those only staff or the system may.
RESIDENT_CHANNELS = frozenset({Channel.RESIDENT})
STAFF_CHANNELS = frozenset({Channel.PATROL, Channel.APPOINTMENT, Channel.ASSIGNED, Channel.HOTLINE})


@dataclass
class TicketInput:
    description: str
    channel: str = Channel.RESIDENT
    title: str = ""
    category_code: str = ""
    lng: float | None = None
    lat: float | None = None
    coord_system: str = "wgs84"
    address: str = ""
    grid_code: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    anonymous: bool = False
    channel_source: str = ""
    external_id: str = ""
    urgent: bool = False
    patrol_id: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


_category_lock = threading.Lock()
_categories: dict[str, tuple[float, Category | None]] = {}


def forget_categories() -> None:
    """Drop this process's category cache (called when a category is saved or deleted)."""
    with _category_lock:
        _categories.clear()


def _active_category(code: str) -> Category | None:
    """The active category with this code, from a per-process cache kept ``CATEGORY_CACHE_SECONDS``
    (30 by default): every report names one, and the tree changes a few times a year. A save in this
    process clears it at once (the tickets app's signals); other processes follow within the period."""
    every = float(getattr(settings, "CATEGORY_CACHE_SECONDS", 30))
    now = time.monotonic()
    hit = _categories.get(code)
    if hit is not None and now - hit[0] < every:
        return hit[1]
    category = Category.objects.filter(code=code, active=True).first()
    with _category_lock:
        if len(_categories) > 5000:  # codes come from clients: never an unbounded dict
            _categories.clear()
        _categories[code] = (now, category)
    return category


def category_by_code(
    code: str, *, public_only: bool = False, field_name: str = "category"
) -> Category | None:
    code = (code or "").strip()
    if not code:
        return None
    category = _active_category(code)
    if category is None or (public_only and not category.public):
        raise field_error(field_name, gettext("事件分类“%(code)s”不存在或已停用") % {"code": code})
    return category


def _title(data: TicketInput, category: Category | None, description: str) -> str:
    title = text(data.title, "title", "标题", max_length=TITLE_MAX)
    if title:
        return title
    head = description.splitlines()[0] if description else ""
    base = f"{category.name}：{head}" if category else head
    return base[:40] + ("…" if len(base) > 40 else "")


def _place(
    actor: Actor | None, data: TicketInput
) -> tuple[dict[str, str], tuple[float, float] | None, int | None]:
    """Place codes, the WGS-84 point and the reporter's household: from the location, else the grid
    given, else the reporter's household, else the address."""
    point = None
    if data.lng is not None or data.lat is not None:
        if data.lng is None or data.lat is None:
            raise field_error("location", gettext("经纬度需同时提供"))
        point = clean_point(data.lng, data.lat, data.coord_system or "wgs84", field="location")
    household_id = None
    scope = scope_of(actor) if actor is not None else None
    if scope and scope.household_ids:
        household_id = min(scope.household_ids)
    grid_code = ""
    if point is not None:
        grid_code = geo.grid_locator().locate(point[0], point[1]) or ""
    if not grid_code and data.grid_code:
        grid = Grid.objects.filter(code=data.grid_code.strip()).only("code").first()
        if grid is None:
            raise field_error(
                "grid_code", gettext("网格“%(grid_code)s”不存在") % {"grid_code": data.grid_code}
            )
        grid_code = grid.code
    if not grid_code and household_id:
        grid_code = (
            Household.objects.filter(pk=household_id).values_list("grid__code", flat=True).first() or ""
        )
    if not grid_code and data.address:
        grid_code = (
            Household.objects.filter(address=data.address.strip())
            .values_list("grid__code", flat=True)
            .first()
            or ""
        )
    if grid_code:
        community = codes.community_of_grid(grid_code)
        return (
            {
                "grid_code": grid_code,
                "community_code": community,
                "subdistrict_code": codes.subdistrict_of(community),
                "district_code": community[:6],
            },
            point,
            household_id,
        )
    # Nowhere on the map: the district's intake desk places it by hand. Which district: the actor's,
    # or the only one there is.
    districts = sorted(scope.district_codes) if scope else []
    if not districts:
        from gongzhi.places.models import District

        districts = list(District.objects.values_list("code", flat=True)[:2])
    if len(districts) != 1:
        raise field_error("location", gettext("无法确定问题所在位置，请在地图上标注位置或填写详细地址"))
    return (
        {"grid_code": "", "community_code": "", "subdistrict_code": "", "district_code": districts[0]},
        point,
        household_id,
    )


def _check_channel(actor: Actor | None, data: TicketInput) -> None:
    if data.channel not in Channel.values:
        raise field_error("channel", gettext("来源渠道不正确"))
    if actor is None:
        return
    if data.channel in STAFF_CHANNELS and not allowed(actor, "tickets.add_ticket"):
        raise field_error("channel", gettext("该来源渠道仅限工作人员登记"))
    if data.channel == Channel.PATROL and not allowed(actor, "tickets.patrol"):
        raise field_error("channel", gettext("巡查上报仅限网格员"))


# What only a report taken for someone else may carry, with the value of a report of one's own.
FOR_OTHERS_ONLY = {
    "reporter_name": "",
    "reporter_phone": "",
    "channel_source": "",
    "external_id": "",
    "urgent": False,
}


def _check_own_report(actor: Actor | None, data: TicketInput) -> None:
    """A signed-in reporter who does not take reports for others (a resident, a party member, a unit
    liaison) reports as themself: the channel is 居民随手拍, the reporter's name and phone are the account's,
    and the source system, the external number and urgency are for the staff who take and weigh reports.
    Such a field set to anything else is refused (400, naming it) rather than dropped, so that a client
    learns the rule instead of seeing its value vanish; the system (``actor`` None: imports, Open311) and
    staff set them as before."""
    if actor is None or allowed(actor, "tickets.report_for_others"):
        return
    if data.channel != Channel.RESIDENT:
        raise field_error("channel", gettext("本人上报的来源渠道只能是“居民随手拍”"))
    for name, own in FOR_OTHERS_ONLY.items():
        value = getattr(data, name)
        if (value.strip() if isinstance(value, str) else value) != own:
            raise field_error(name, gettext("仅工作人员代他人登记时可填写"))


def _reporter(actor: Actor | None, data: TicketInput) -> dict[str, Any]:
    name = text(data.reporter_name, "reporter_name", "联系人", max_length=50)
    out: dict[str, Any] = {"reporter_name": name, "anonymous": bool(data.anonymous)}
    if actor is not None:
        out["reporter_id"] = actor.pk
        if not name:
            out["reporter_name"] = getattr(actor, "display_label", "") or actor.get_username()
    phone = (data.reporter_phone or "").strip()
    if phone:
        protected = ids.Protected.of_phone(ids.normalise_phone(phone, field="reporter_phone"))
        out.update(
            reporter_phone_encrypted=protected.encrypted,
            reporter_phone_hash=protected.hash,
            reporter_phone_masked=protected.masked,
        )
    elif actor is not None and str(getattr(actor, "phone_hash", "")):
        out.update(
            reporter_phone_encrypted=actor.phone_encrypted,  # type: ignore[attr-defined]
            reporter_phone_hash=actor.phone_hash,  # type: ignore[attr-defined]
            reporter_phone_masked=actor.phone_masked,  # type: ignore[attr-defined]
        )
    email = text(data.reporter_email, "email", "电子邮箱", max_length=120)
    if email and ("@" not in email or " " in email):
        raise field_error("email", gettext("电子邮箱格式不正确"))
    out["reporter_email"] = email
    return out


def _answers(category: Category | None, attributes: dict[str, Any], *, require: bool) -> dict[str, Any]:
    """Answers to the category's questions (Open311 attributes), checked against their definitions.

    Required questions are required of connected systems, which read the service definition; a hotline
    row, a patrol finding or a resident's phone report has no way to answer them and is not refused."""
    if not category or not category.questions:
        return {}
    out: dict[str, Any] = {}
    for q in category.questions:
        value = attributes.get(q["code"])
        if value in (None, "", []):
            if q.get("required") and require:
                raise field_error(
                    f"attribute[{q['code']}]", f"请回答“{q.get('label', q['code'])}”", code="required"
                )
            continue
        allowed = {str(v["key"]) for v in q.get("values", [])}
        values = value if isinstance(value, list) else [value]
        if allowed and any(str(v) not in allowed for v in values):
            raise field_error(f"attribute[{q['code']}]", f"“{q.get('label', q['code'])}”的取值不在可选范围内")
        if q.get("datatype") != "multivaluelist" and len(values) > 1:
            raise field_error(f"attribute[{q['code']}]", f"“{q.get('label', q['code'])}”只能选一项")
        out[q["code"]] = values if q.get("datatype") == "multivaluelist" else str(values[0])[:500]
    return out


def save_photos(
    ticket: Ticket, images: list[CleanImage], *, stage: str, actor: Actor | None, event: Any = None
) -> list[TicketPhoto]:
    """Called last in a service, so that nothing but the commit itself can fail after the files are
    written; a failure while writing removes the files already written."""
    from django.core.files.storage import default_storage

    names: list[str] = []
    photos = []
    try:
        for image in images:
            name = store_image(image, folder=f"tickets/{ticket.district_code}")
            names.append(name)
            photos.append(
                TicketPhoto(
                    ticket=ticket,
                    event=event,
                    stage=stage,
                    file=name,
                    content_type=image.content_type,
                    width=image.width,
                    height=image.height,
                    sha256=image.sha256,
                    size=len(image.data),
                    uploaded_by_id=actor.pk if actor is not None else None,
                )
            )
        TicketPhoto.objects.bulk_create(photos)
    except Exception:
        for name in names:
            default_storage.delete(name)
        raise
    return photos


@dataclass
class Reported:
    """What ``ticket_report_rows`` saved: the ticket, its first timeline row and its photos, so the caller can
    answer from them without reading them back."""

    ticket: Ticket
    event: Any
    photos: list[TicketPhoto]


def ticket_report(
    *, actor: Actor | None, data: TicketInput, photos: list[Any] | None = None, now: datetime | None = None
) -> Ticket:
    """A new ticket from any channel. ``actor`` None is the system (imports, connected systems)."""
    return ticket_report_rows(actor=actor, data=data, photos=photos, now=now).ticket


def ticket_report_rows(
    *, actor: Actor | None, data: TicketInput, photos: list[Any] | None = None, now: datetime | None = None
) -> Reported:
    """``ticket_report``, returning the rows it saved.

    Everything is read and checked first; then the writes, all or nothing. On PostgreSQL a report without
    photos is one statement (the ticket with a key taken from its sequence just before, its timeline row,
    its audit row and the rollups: ``core.bulk.Batch``), which is a transaction by itself; with photos, or
    elsewhere, the writes run in one transaction (inside the caller's, as a savepoint when it may meet a
    re-sent external id)."""
    at = now_or(now)
    _check_channel(actor, data)
    _check_own_report(actor, data)
    description = text(data.description, "description", "问题描述", required=True, max_length=DESCRIPTION_MAX)
    public_only = actor is None or not allowed(actor, "tickets.add_ticket")
    category = category_by_code(data.category_code, public_only=public_only)
    images = clean_images(list(photos or []))
    place, point, household_id = _place(actor, data)
    patrol = None
    if data.patrol_id:
        patrol = Patrol.objects.filter(pk=data.patrol_id, worker_id=actor.pk if actor else None).first()
        if patrol is None:
            raise field_error("patrol_id", gettext("巡查记录不存在"))
    address = text(data.address, "address", "地址", max_length=200)
    title = _title(data, category, description)
    ticket = Ticket(
        created_at=at,
        title=title,
        description=description,
        category=category,
        channel=data.channel,
        channel_source=text(data.channel_source, "channel_source", "来源系统", max_length=100),
        external_id=text(data.external_id, "external_id", "外部编号", max_length=64),
        status=TicketStatus.REPORTED,
        level=Level.GRID
        if place["grid_code"]
        else Level.COMMUNITY
        if place["community_code"]
        else Level.DISTRICT,
        urgent=bool(data.urgent),
        address=address,
        lng=point[0] if point else None,
        lat=point[1] if point else None,
        coord_system=(data.coord_system or "wgs84") if point else "",
        household_id=household_id,
        patrol=patrol,
        search_text=index_text(title, description, address),
        **place,
        **_reporter(actor, data),
    )
    answers = _answers(category, data.attributes or {}, require=data.channel == Channel.API)
    one_statement = connection.vendor == "postgresql" and not images
    if one_statement:
        ticket.pk = next_key(Ticket)
    try:
        if one_statement and not ticket.external_id:
            return _write_report(ticket, actor=actor, at=at, answers=answers, images=images, with_key=True)
        # Several statements, or one that can meet a unique row (a re-sent external id): a transaction,
        # a savepoint inside the caller's, so that the refusal is a clear 409 and not a broken transaction.
        with transaction.atomic():
            return _write_report(
                ticket, actor=actor, at=at, answers=answers, images=images, with_key=one_statement
            )
    except IntegrityError as exc:
        # The writes went as one statement or one savepoint, so the error may be any row's: a 409 only
        # when the re-sent number is really there (the savepoint is gone, the caller's transaction goes on).
        if not ticket.external_id or not _already_reported(ticket):
            raise
        raise Conflict(
            gettext("外部编号“%(external_id)s”的工单已存在") % {"external_id": ticket.external_id},
            code="duplicate_external_id",
            fields={"external_id": gettext("已存在")},
        ) from exc


def _already_reported(ticket: Ticket) -> bool:
    """Whether a ticket with this one's connected-system number exists (``ticket_unique_external_id``)."""
    return Ticket.objects.filter(
        channel=ticket.channel, channel_source=ticket.channel_source, external_id=ticket.external_id
    ).exists()


def _suggestion(ticket: Ticket, at: datetime) -> Any:
    """The routing suggestion of the new ticket (category, level, department type; docs/routing.md), written
    in the report's own batch. A failure of the classifier never stops a report."""
    try:
        return suggestion_build(
            ticket_id=ticket.pk,
            title="",
            text=ticket.description,
            channel=ticket.channel,
            place={
                "district_code": ticket.district_code,
                "subdistrict_code": ticket.subdistrict_code,
                "community_code": ticket.community_code,
                "grid_code": ticket.grid_code,
            },
            at=at,
        )
    except Exception:  # the report matters more than its suggestion
        logger.exception("routing suggestion failed for ticket %s", ticket.pk)
        return None


def _write_report(
    ticket: Ticket,
    *,
    actor: Actor | None,
    at: datetime,
    answers: dict[str, Any],
    images: list[CleanImage],
    with_key: bool,
) -> Reported:
    batch = Batch()
    if with_key:
        batch.insert(ticket, with_key=True)
    else:
        insert_one(ticket)
    suggestion = _suggestion(ticket, at)
    if suggestion is not None:
        batch.insert(suggestion)
    event = record(
        ticket,
        actor=actor,
        move="report",
        old="",
        new=TicketStatus.REPORTED,
        at=at,
        note=ticket.description[:200],
        public_note="您反映的问题已提交，正在等待受理",
        data={
            "channel": ticket.channel,
            **({"answers": answers} if answers else {}),
            **({"photos": len(images)} if images else {}),
        },
        counts={"reported": 1},
        notify_reporter=False,
        batch=batch,
    )
    batch.run()
    saved = save_photos(ticket, images, stage=PhotoStage.REPORT, actor=actor, event=event) if images else []
    return Reported(ticket=ticket, event=event, photos=saved)
