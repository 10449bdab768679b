"""A case from intake to mediation: register (with its applicants and respondents), admit or refuse,
mediators, sessions, the deadline and its extension, and the report up to the subdistrict and its reply.

The outcomes (agreement, no agreement, transfer, follow-up, close) are in ``outcomes``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed
from gongzhi.core.workflow import check_move
from gongzhi.mediation.enums import (
    CASE_WORKING_DAYS,
    NEIGHBOUR_CATEGORY,
    REPLY_WORKING_DAYS,
    CaseSource,
    CaseStatus,
    DisputeKind,
    Side,
)
from gongzhi.mediation.models import (
    Case,
    CaseMediator,
    Committee,
    Disputant,
    MediationSession,
    Mediator,
    Room,
)
from gongzhi.mediation.services._tickets import finish_ticket
from gongzhi.mediation.services._validation import (
    clean_day,
    clean_text,
    clean_venue,
    protected_id,
    protected_phone,
    raise_if,
)
from gongzhi.mediation.transitions import CASE

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@dataclass
class DisputantInput:
    """An applicant or respondent: a person of the register (``person_id``) or entered by hand."""

    side: str
    name: str = ""
    person_id: int | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class CaseInput:
    source: str
    kind: str
    title: str
    facts: str
    registered_on: dt.date | str | None = None
    amount: Any = None
    room_id: int | None = None
    disputants: list[DisputantInput] = field(default_factory=list)


def working_deadline(start: dt.date, days: int) -> dt.datetime:
    """``days`` working days after ``start`` on the official calendar (gongzhi.workdays)."""
    from gongzhi.workdays.calendar import deadline_for
    from gongzhi.workdays.enums import LimitUnit

    at = dt.datetime.combine(start, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    return deadline_for(at, days, LimitUnit.WORKING_DAYS).at


def locked_case(actor: Actor | None, case_id: int, perm: str = "mediation.handle_case") -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("committee").filter(pk=case_id).first()
    if case is None or not allowed(actor, perm, case):
        raise NotFound("案件不存在或无权查看")
    return case


def _disputants(
    errors: dict[str, str], case: Case, rows: list[DisputantInput], actor: Actor | None
) -> list[Disputant]:
    from gongzhi.people.models import Person

    out: list[Disputant] = []
    for i, row in enumerate(rows, start=1):
        key = f"disputants.{i}"
        if row.side not in Side.values:
            errors[key] = f"第{i}位当事人：请选择申请人或被申请人"
            continue
        if row.person_id:
            person = Person.objects.filter(pk=row.person_id).select_related("household").first()
            if person is None or not allowed(actor, "people.view_person", person):
                errors[key] = f"第{i}位当事人：人口库中没有此人"
                continue
            out.append(
                Disputant(
                    case=case,
                    side=row.side,
                    person=person,
                    name=person.name,
                    id_number_encrypted=person.id_number_encrypted,
                    id_number_hash=person.id_number_hash,
                    id_number_masked=person.id_number_masked,
                    phone_encrypted=person.phone_encrypted,
                    phone_hash=person.phone_hash,
                    phone_masked=person.phone_masked,
                    address=getattr(person.household, "address", "")[:200],
                )
            )
            continue
        sub: dict[str, str] = {}
        name = clean_text(sub, "name", row.name, "姓名", max_length=50)
        address = clean_text(sub, "address", row.address, "住址", max_length=200, required=False)
        idn = protected_id(sub, "id_number", row.id_number)
        phone = protected_phone(sub, "phone", row.phone)
        if sub:
            errors[key] = f"第{i}位当事人：" + "；".join(sub.values())
            continue
        out.append(
            Disputant(
                case=case,
                side=row.side,
                name=name,
                address=address,
                id_number_encrypted=idn.encrypted if idn else "",
                id_number_hash=idn.hash if idn else "",
                id_number_masked=idn.masked if idn else "",
                phone_encrypted=phone.encrypted if phone else "",
                phone_hash=phone.hash if phone else "",
                phone_masked=phone.masked if phone else "",
            )
        )
    return out


def _ticket_for_case(actor: Actor | None, ticket_id: int) -> Any:
    """A neighbour-dispute ticket in handling, not yet linked to an open case."""
    from gongzhi.tickets.enums import HANDLING
    from gongzhi.tickets.models import Ticket

    ticket = Ticket.objects.select_related("category").filter(pk=ticket_id).first()
    if ticket is None or not allowed(actor, "tickets.view_ticket", ticket):
        raise NotFound("工单不存在或无权查看")
    if ticket.category is None or not ticket.category.code.startswith(NEIGHBOUR_CATEGORY):
        raise Conflict("只有邻里纠纷类工单可以转入调解", code="not_neighbour_dispute")
    if ticket.status not in HANDLING:
        raise Conflict("只有已派遣、处置中的工单可以转入调解", code="ticket_not_in_handling")
    if Case.objects.filter(ticket_id=ticket.pk).exclude(status__in=[CaseStatus.DECLINED]).exists():
        raise Conflict("该工单已转入调解", code="already_linked")
    return ticket


@transaction.atomic
def case_register(
    *,
    actor: Actor | None,
    committee_id: int,
    data: CaseInput,
    grid_code: str = "",
    ticket_id: int | None = None,
) -> Case:
    """登记 a dispute with a committee: from a visitor, a screening, a grid worker (in their grid), a ticket
    of 邻里纠纷 transferred from the loop (linked; it closes when the case ends), a consultation or a
    petition. Applicants and respondents may come now or later (``disputant_add``); the agreement needs
    both sides."""
    committee = Committee.objects.select_for_update().filter(pk=committee_id, active=True).first()
    if committee is None:
        raise NotFound("调委会不存在或无权查看")
    place = Case(committee=committee)
    place.district_code, place.subdistrict_code = committee.district_code, committee.subdistrict_code
    place.community_code, place.grid_code = committee.community_code, ""
    ticket = _ticket_for_case(actor, ticket_id) if ticket_id else None
    if ticket is not None:
        grid_code = ticket.grid_code
    if grid_code:
        if committee.community_code and grid_code[:12] != committee.community_code:
            raise field_error("grid_code", "网格不属于该调委会所在社区")
        if not committee.community_code and grid_code[:9] != committee.subdistrict_code[:9]:
            raise field_error("grid_code", "网格不属于该调委会所在街道")
        place.set_place_codes(grid_code=grid_code)
    if not (
        allowed(actor, "mediation.handle_case", place) or allowed(actor, "mediation.register_case", place)
    ):
        raise NotFound("调委会不存在或无权查看")
    if not allowed(actor, "mediation.handle_case", place) and not grid_code:
        raise Forbidden("网格员请选择纠纷所在网格登记")
    errors: dict[str, str] = {}
    source = CaseSource.TICKET if ticket is not None else data.source
    if source not in CaseSource.values:
        errors["source"] = "请选择案件来源"
    if data.kind not in DisputeKind.values:
        errors["kind"] = "请选择纠纷类型"
    title = clean_text(errors, "title", data.title, "纠纷概要", max_length=100)
    facts = clean_text(errors, "facts", data.facts, "纠纷事实", max_length=4000)
    day = clean_day(errors, "registered_on", data.registered_on or timezone.localdate(), "登记日期")
    amount = None
    if data.amount not in (None, ""):
        try:
            amount = Decimal(str(data.amount)).quantize(Decimal("0.01"))
            if not Decimal(0) <= amount < Decimal("1e10"):
                errors["amount"] = "涉及金额应在0到100亿元之间"
        except InvalidOperation:
            errors["amount"] = "涉及金额应为数字"
    room = None
    if data.room_id:
        room = Room.objects.filter(pk=data.room_id, committee=committee).first()
        if room is None:
            errors["room_id"] = "调解室不属于该调委会"
    disputants = _disputants(errors, place, list(data.disputants), actor)
    raise_if(errors)
    assert day is not None
    year = day.year
    last = Case.objects.filter(committee=committee, year=year).aggregate(m=Max("seq"))["m"] or 0
    place.room, place.year, place.seq = room, year, last + 1
    place.source, place.kind, place.title, place.facts, place.amount = source, data.kind, title, facts, amount
    place.reported_by_id = getattr(actor, "pk", None)
    place.ticket_id = ticket.pk if ticket is not None else None
    place.registered_on = day
    place.save()
    for d in disputants:
        d.case = place
    Disputant.objects.bulk_create(disputants)
    audit_record(
        actor=actor,
        target=place,
        event="mediation.case_registered",
        data={"source": source, "disputants": len(disputants), "ticket": place.ticket_id},
    )
    if ticket is not None:
        from gongzhi.tickets.services import ticket_note

        ticket_note(
            actor=None,
            ticket_id=ticket.pk,
            note=f"已转入人民调解：{committee.name} 案件{place.number}，调解结束后结案",
            public_note="您反映的邻里纠纷已转入人民调解，调解结束后结案",
            data={"mediation_case": place.pk},
        )
    return place


@transaction.atomic
def case_admit(
    *,
    actor: Actor | None,
    case_id: int,
    mediator_ids: list[int],
    presiding_id: int | None = None,
    on: dt.date | str | None = None,
) -> Case:
    """受理: both sides agree to mediation; mediators assigned (one presiding); the clock starts
    (``CASE_WORKING_DAYS`` working days on the official calendar)."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "accept", case.status)
    errors: dict[str, str] = {}
    day = clean_day(errors, "on", on or timezone.localdate(), "受理日期")
    ids = list(dict.fromkeys(int(i) for i in mediator_ids or []))
    mediators = list(Mediator.objects.filter(pk__in=ids, committee=case.committee, active=True))
    if not ids:
        errors["mediator_ids"] = "请指定调解员"
    elif len(mediators) != len(ids):
        errors["mediator_ids"] = "调解员须为本调委会在岗调解员"
    presiding = presiding_id or (ids[0] if ids else None)
    if presiding not in ids:
        errors["presiding_id"] = "主持调解员须在所选调解员之中"
    if day and day < case.registered_on:
        errors["on"] = "受理日期不能早于登记日期"
    raise_if(errors)
    assert day is not None
    CaseMediator.objects.bulk_create(
        [CaseMediator(case=case, mediator=m, presiding=m.pk == presiding) for m in mediators]
    )
    case.status, case.accepted_on = new, day
    case.due_at = working_deadline(day, CASE_WORKING_DAYS)
    case.save(update_fields=["status", "accepted_on", "due_at", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.case_admitted", data={"mediators": ids})
    return case


@transaction.atomic
def case_refuse(*, actor: Actor | None, case_id: int, reason: str) -> Case:
    """不予受理: a side refuses mediation (人民调解法 Art. 17) or it is not a civil dispute. Ends the case."""

    case = locked_case(actor, case_id)
    new = check_move(CASE, "decline", case.status)
    errors: dict[str, str] = {}
    reason = clean_text(errors, "reason", reason, "不予受理理由", max_length=500)
    raise_if(errors)
    case.status, case.outcome, case.end_note = new, "declined", reason
    case.ended_on = case.closed_on = timezone.localdate()
    case.save(update_fields=["status", "outcome", "end_note", "ended_on", "closed_on", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.case_refused", data={"reason": reason})
    finish_ticket(case, f"不予受理：{reason}")
    return case


@transaction.atomic
def session_record(
    *,
    actor: Actor | None,
    case_id: int,
    held_on: dt.date | str | None,
    place: str,
    attendees: str,
    record: str,
    next_step: str = "",
    venue_id: int | None = None,
) -> MediationSession:
    """调解记录: one sitting; the first moves the case into mediation. Not before the case was accepted.
    ``venue_id``: the service venue it was held at (the case's room's venue when not given); its name is
    the place when none is written."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "session", case.status)
    errors: dict[str, str] = {}
    chosen = venue_id not in (None, "", 0)
    if not chosen and case.room_id:
        venue_id = case.room.venue_id if case.room else None
    venue = clean_venue(errors, "venue_id", venue_id, case)
    if not chosen:
        errors.pop("venue_id", None)  # the room's venue, since closed: the sitting is still recorded
    day = clean_day(errors, "held_on", held_on, "调解日期")
    place = clean_text(errors, "place", place or (venue.name if venue else ""), "地点", max_length=100)
    attendees = clean_text(errors, "attendees", attendees, "参加人员", max_length=300)
    record = clean_text(errors, "record", record, "调解经过", max_length=4000)
    next_step = clean_text(errors, "next_step", next_step, "下一步", max_length=300, required=False)
    if day and case.accepted_on and day < case.accepted_on:
        errors["held_on"] = f"调解日期不能早于受理日期（{case.accepted_on:%Y-%m-%d}）"
    raise_if(errors)
    assert day is not None
    session = MediationSession.objects.create(
        case=case,
        held_on=day,
        place=place,
        venue=venue,
        attendees=attendees,
        record=record,
        next_step=next_step,
        recorded_by_id=getattr(actor, "pk", None),
    )
    if case.status != new:
        case.status = new
        case.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.session_recorded", data={"session": session.pk})
    return session


@transaction.atomic
def case_extend(*, actor: Actor | None, case_id: int, working_days: int, reason: str) -> Case:
    """延期 with the sides' consent and a reason: the deadline moves by ``working_days`` working days."""
    case = locked_case(actor, case_id)
    check_move(CASE, "extend", case.status)
    errors: dict[str, str] = {}
    reason = clean_text(errors, "reason", reason, "延期理由", max_length=200)
    if isinstance(working_days, bool) or not isinstance(working_days, int) or not 1 <= working_days <= 30:
        errors["working_days"] = "延长期限应为1到30个工作日"
    raise_if(errors)
    base = timezone.localtime(case.due_at).date() if case.due_at else timezone.localdate()
    case.due_at = working_deadline(base, working_days)
    case.extended_reason = reason
    case.save(update_fields=["due_at", "extended_reason", "updated_at"])
    audit_record(
        actor=actor,
        target=case,
        event="mediation.case_extended",
        data={"days": working_days, "reason": reason},
    )
    return case


@transaction.atomic
def case_report_up(
    *, actor: Actor | None, case_id: int, reason: str, on: dt.date | str | None = None
) -> Case:
    """重大疑难纠纷上报: to the subdistrict, which replies within ``REPLY_WORKING_DAYS`` working days."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "report_up", case.status)
    errors: dict[str, str] = {}
    reason = clean_text(errors, "reason", reason, "上报理由", max_length=500)
    day = clean_day(errors, "on", on or timezone.localdate(), "上报日期")
    raise_if(errors)
    assert day is not None
    case.status, case.reported_up_on, case.report_reason = new, day, reason
    case.reported_up_by_id = getattr(actor, "pk", None)
    case.reply_due = working_deadline(day, REPLY_WORKING_DAYS)
    case.replied_on, case.reply = None, ""
    case.save(
        update_fields=[
            "status",
            "reported_up_on",
            "report_reason",
            "reported_up_by",
            "reply_due",
            "replied_on",
            "reply",
            "updated_at",
        ]
    )
    audit_record(actor=actor, target=case, event="mediation.case_reported_up", data={"reason": reason})
    return case


@transaction.atomic
def case_report_reply(*, actor: Actor | None, case_id: int, reply: str) -> Case:
    """街道批复: the subdistrict's instruction on a case reported up; mediation goes on under it. Whoever
    reported the case up does not answer it."""
    case = locked_case(actor, case_id, "mediation.reply_case")
    new = check_move(CASE, "reply", case.status)
    refuse_own_work(actor, case.reported_up_by_id, what="批复本人上报的案件")
    errors: dict[str, str] = {}
    reply = clean_text(errors, "reply", reply, "批复意见", max_length=500)
    raise_if(errors)
    case.status, case.reply, case.replied_on = new, reply, timezone.localdate()
    case.save(update_fields=["status", "reply", "replied_on", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.case_replied", data={"reply": reply})
    return case


@transaction.atomic
def disputant_add(*, actor: Actor | None, case_id: int, data: DisputantInput) -> Disputant:
    """An applicant or respondent added to an open case."""
    from gongzhi.mediation.enums import OPEN_STATUSES

    case = locked_case(actor, case_id)
    if case.status not in OPEN_STATUSES:
        raise Conflict(f"案件当前状态为“{case.get_status_display()}”，不能再添加当事人", code="case_not_open")
    errors: dict[str, str] = {}
    rows = _disputants(errors, case, [data], actor)
    raise_if(errors)
    disputant = rows[0]
    disputant.save()
    audit_record(actor=actor, target=case, event="mediation.disputant_added", data={"side": disputant.side})
    return disputant
