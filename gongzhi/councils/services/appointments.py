"""书记有约 (meet the secretary): the places where booths stand, the monthly schedule with the duty
secretary (当值书记), the record of a session day, each demand → a ticket whose first responder is the duty
secretary (谁受理、谁处置、谁反馈) or a council topic when it needs many parties, and the callbacks ticked off
at a later session day. This absorbs the tickets app's 书记有约 form: its ticket is made by the same
``appointment_ticket_report``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.councils.enums import (
    CallbackResult,
    DemandStatus,
    DemandType,
    ResidentOpinion,
    SecretaryKind,
    TopicSource,
)
from gongzhi.councils.models import (
    AppointmentDemand,
    AppointmentPlace,
    AppointmentSession,
    Council,
    DemandCallback,
)
from gongzhi.councils.selectors import (
    appointment_demand_get_for_actor,
    appointment_session_get_for_actor,
    demand_done,
)
from gongzhi.councils.services._common import _locked, _mask_person, _raise_errors, _text, _user_id
from gongzhi.councils.services.topics import TopicInput, create_topic
from gongzhi.councils.transitions import APPOINTMENT, DEMAND

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# Routes of a demand at the booth.
ROUTE_TICKET, ROUTE_TOPIC, ROUTE_ANSWER = "ticket", "topic", "answer"


@dataclass
class SessionInput:
    date: dt.date
    secretary_name: str
    secretary_kind: str = SecretaryKind.COMMUNITY
    secretary_id: int | None = None


@dataclass
class DemandInput:
    demand_type: str
    description: str
    resident_name: str
    resident_phone: str
    route: str = ROUTE_TICKET
    grid_id: int | None = None
    category_code: str = ""
    address: str = ""
    council_id: int | None = None
    answer: str = ""


@transaction.atomic
def appointment_place_create(
    *, actor: Actor | None, community_id: int, name: str, address: str = ""
) -> AppointmentPlace:
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise field_error("community_id", "请选择社区")
    place = AppointmentPlace(community=community)
    place.set_place_codes(community_code=community.code)
    require(actor, "councils.manage_appointment", place)
    errors: dict[str, str] = {}
    place.name = _text(errors, "name", name, "点位名称", 100, True)
    place.address = _text(errors, "address", address, "位置", 200, False)
    _raise_errors(errors)
    place.save()
    audit_record(actor=actor, target=place, event="councils.appointment_place_created")
    return place


def _clean_session(data: SessionInput) -> dict:
    errors: dict[str, str] = {}
    name = _text(errors, "secretary_name", data.secretary_name, "当值书记", 50, True)
    if data.secretary_kind not in SecretaryKind.values:
        errors["secretary_kind"] = "请选择书记类型"
    if data.date is None:
        errors["date"] = "请填写接待日期"
    _raise_errors(errors)
    if (
        data.secretary_id
        and not get_user_model().objects.filter(pk=data.secretary_id, is_active=True).exists()
    ):
        raise field_error("secretary_id", "书记账号不存在")
    return {
        "date": data.date,
        "secretary_name": name,
        "secretary_kind": data.secretary_kind,
        "secretary_id": data.secretary_id or None,
    }


@transaction.atomic
def appointment_schedule(
    *, actor: Actor | None, place_id: int, sessions: list[SessionInput]
) -> list[AppointmentSession]:
    """The schedule of a place (a month's session days with their duty secretaries), one audit row."""
    place = AppointmentPlace.objects.filter(pk=place_id, active=True).first()
    if place is None:
        raise NotFound("点位不存在")
    require(actor, "councils.manage_appointment", place)
    if not sessions or len(sessions) > 62:
        raise field_error("sessions", "请填写1到62个接待日")
    rows = []
    for data in sessions:
        row = AppointmentSession(place=place, **_clean_session(data))
        row.set_place_codes(community_code=place.community_code)
        rows.append(row)
    days = [r.date for r in rows]
    if len(set(days)) != len(days) or AppointmentSession.objects.filter(place=place, date__in=days).exists():
        raise Conflict("该点位当天已排班", code="already_scheduled")
    try:
        with transaction.atomic():
            AppointmentSession.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise Conflict("该点位当天已排班", code="already_scheduled") from exc
    audit_record(
        actor=actor,
        target=place,
        event="councils.appointments_scheduled",
        data={"days": [str(d) for d in days]},
    )
    return list(AppointmentSession.objects.filter(place=place, date__in=days).order_by("date"))


@transaction.atomic
def appointment_session_record(
    *, actor: Actor | None, session_id: int, visitors: int, activities: str = "", notes: str = ""
) -> AppointmentSession:
    """The record of a session day: how many came, side activities (policy talks, free clinics …)."""
    session = _locked(
        AppointmentSession, appointment_session_get_for_actor(actor=actor, session_id=session_id)
    )
    require(actor, "councils.manage_appointment", session)
    target = check_move(APPOINTMENT, "hold", session.status)
    if session.date > timezone.localdate():
        raise Conflict("接待日尚未到，不能记录", code="not_yet")
    if not isinstance(visitors, int) or not 0 <= visitors <= 10000:
        raise field_error("visitors", "接待人数应为0到10000之间的整数")
    errors: dict[str, str] = {}
    session.activities = _text(errors, "activities", activities, "同步活动", 300, False)
    session.notes = _text(errors, "notes", notes, "接待记录", 4000, False)
    _raise_errors(errors)
    session.status, session.visitors, session.held_at = target, visitors, timezone.now()
    session.save(update_fields=["status", "visitors", "activities", "notes", "held_at", "updated_at"])
    audit_record(actor=actor, target=session, event="councils.appointment_held", data={"visitors": visitors})
    return session


@transaction.atomic
def appointment_sessions_bulk_record(*, actor: Actor | None, rows: list[tuple[int, int, str]]) -> int:
    """Session days entered at once from the paper register (session id, visitors, side activities): the
    demo's year of history, a month typed up afterwards. One audit row per community."""
    sessions = {
        s.pk: s
        for s in AppointmentSession.objects.select_for_update().filter(
            pk__in=[r[0] for r in rows], status="planned"
        )
    }
    today = timezone.localdate()
    now = timezone.now()
    changed: list[AppointmentSession] = []
    for session_id, visitors, activities in rows:
        session = sessions.get(session_id)
        if session is None or session.date > today:
            continue
        require(actor, "councils.manage_appointment", session)
        session.status, session.visitors, session.activities, session.held_at = (
            "held",
            visitors,
            activities[:300],
            now,
        )
        changed.append(session)
    AppointmentSession.objects.bulk_update(changed, ["status", "visitors", "activities", "held_at"])
    for code in sorted({s.community_code for s in changed}):
        first = next(s for s in changed if s.community_code == code)
        audit_record(
            actor=actor,
            target=first,
            event="councils.appointments_recorded",
            data={"sessions": [s.pk for s in changed if s.community_code == code]},
        )
    return len(changed)


@transaction.atomic
def appointment_demand_record(*, actor: Actor, session_id: int, data: DemandInput) -> AppointmentDemand:
    """A demand at the booth, on or after its day: a ticket accepted by the duty secretary (their account;
    without one, the recorder) as first responder, a topic for one of the community's councils when it
    needs many parties, or answered on the spot."""
    from gongzhi.places.models import Grid
    from gongzhi.tickets.services import ticket_accept
    from gongzhi.tickets.services.appointments import AppointmentInput, appointment_ticket_report

    session = appointment_session_get_for_actor(actor=actor, session_id=session_id)
    require(actor, "councils.manage_appointment", session)
    if session.status == "cancelled" or session.date > timezone.localdate():
        raise Conflict("该场次已取消或尚未到接待日", code="not_open")
    errors: dict[str, str] = {}
    description = _text(errors, "description", data.description, "诉求内容", 2000, True)
    name = _text(errors, "resident_name", data.resident_name, "居民姓名", 50, True)
    answer = _text(errors, "answer", data.answer, "答复", 500, data.route == ROUTE_ANSWER)
    if data.demand_type not in DemandType.values:
        errors["demand_type"] = "请选择诉求类型"
    if data.route not in (ROUTE_TICKET, ROUTE_TOPIC, ROUTE_ANSWER):
        errors["route"] = "请选择办理方式"
    phone = (data.resident_phone or "").strip()
    try:
        phone = ids.normalise_phone(phone, field="resident_phone") if phone else ""
    except ValidationFailed as exc:
        errors["resident_phone"] = exc.message
    if not phone:
        errors.setdefault("resident_phone", "请填写联系电话，以便回访")
    _raise_errors(errors)
    demand = AppointmentDemand(
        session=session,
        demand_type=data.demand_type,
        description=description,
        resident_name=_mask_person(name),
        phone_masked=ids.mask_phone(phone),
        phone_encrypted=ids.encrypt(phone),
        recorded_by_id=_user_id(actor),
    )
    demand.set_place_codes(community_code=session.community_code)
    if data.route == ROUTE_TICKET:
        grid = Grid.objects.filter(pk=data.grid_id or 0, community__code=session.community_code).first()
        if grid is None:
            raise field_error("grid_id", "请选择诉求所在的本社区网格")
        ticket = appointment_ticket_report(
            actor=actor,
            data=AppointmentInput(
                session_date=session.date,
                secretary=session.secretary_name,
                resident_name=name,
                resident_phone=phone,
                description=f"[{DemandType(data.demand_type).label}] {description}",
                category_code=data.category_code,
                address=data.address,
                grid_code=grid.code,
            ),
        )
        secretary = get_user_model().objects.filter(pk=session.secretary_id or 0, is_active=True).first()
        ticket_accept(
            actor=secretary or actor,
            ticket_id=ticket.pk,
            note=f"书记有约当值书记{session.secretary_name}首问负责",
        )
        demand.grid_code = grid.code
        demand.ticket_id, demand.status = ticket.pk, check_move(DEMAND, "ticket", demand.status)
    elif data.route == ROUTE_TOPIC:
        council = Council.objects.filter(
            pk=data.council_id or 0, community_code=session.community_code, active=True
        ).first()
        if council is None:
            raise field_error("council_id", "请选择本社区的议事会")
        demand.save()
        demand.topic = create_topic(
            actor=actor,
            council=council,
            data=TopicInput(title=description[:60], description=description),
            source_kind=TopicSource.APPOINTMENT,
            source_id=demand.pk,
            proposer_label=f"书记有约 {session.date:%m月%d日}",
        )
        demand.status = check_move(DEMAND, "topic", demand.status)
    else:
        demand.answer = answer
        demand.status = check_move(DEMAND, "answer", demand.status)
        demand.solved_at = timezone.now()
    demand.save()
    audit_record(
        actor=actor,
        target=demand,
        event="councils.demand_recorded",
        data={
            "session": session.pk,
            "type": demand.demand_type,
            "route": data.route,
            "ticket": demand.ticket_id,
        },
    )
    return demand


@transaction.atomic
def appointment_callback_record(
    *, actor: Actor | None, demand_id: int, session_id: int, result: str, opinion: str = "", note: str = ""
) -> DemandCallback:
    """Ticked off at a later session day: the resident told of the progress, their opinion written down.
    A demand whose ticket is done (verified, called back, closed) or whose topic is carried out is solved."""
    demand = _locked(AppointmentDemand, appointment_demand_get_for_actor(actor=actor, demand_id=demand_id))
    require(actor, "councils.manage_appointment", demand)
    session = appointment_session_get_for_actor(actor=actor, session_id=session_id)
    if session.community_code != demand.community_code or session.date <= demand.session.date:
        raise field_error("session_id", "回访应在该诉求之后的本社区接待日")
    if result not in CallbackResult.values:
        raise field_error("result", "请选择联系结果")
    if result == CallbackResult.REACHED and opinion not in ResidentOpinion.values:
        raise field_error("opinion", "请记录居民意见")
    if result == CallbackResult.UNREACHED:
        opinion = ""
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, "说明", 300, False)
    _raise_errors(errors)
    try:
        with transaction.atomic():
            row = DemandCallback.objects.create(
                demand=demand,
                session=session,
                result=result,
                opinion=opinion,
                note=note,
                recorded_by_id=_user_id(actor),
            )
    except IntegrityError as exc:
        raise Conflict("本接待日已回访过该诉求", code="already_called_back") from exc
    if demand.status in (DemandStatus.TICKETED, DemandStatus.TOPIC) and demand_done(demand):
        demand.status, demand.solved_at = check_move(DEMAND, "solve", demand.status), timezone.now()
        demand.save(update_fields=["status", "solved_at", "updated_at"])
    audit_record(
        actor=actor,
        target=demand,
        event="councils.demand_called_back",
        data={"session": session.pk, "result": result, "opinion": opinion},
    )
    return row
