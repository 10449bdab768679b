"""A case's outcome and its end: the agreement (调解协议书, numbered per committee and year), no
agreement, the transfer to administrative or judicial mediation or the petition office (三调联动), the
follow-up on whether the agreement is kept (履行回访), the close with the parties' satisfaction, and the
reveal of a party's full ID or phone to the committee handling the case.

A ticket of 邻里纠纷 transferred into the case closes when the case ends (``_tickets.finish_ticket``): the
tickets services are called as the system on the case's behalf, with the case's number in the
timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed
from gongzhi.core.workflow import check_move
from gongzhi.mediation.enums import Outcome, Satisfaction, Side, TransferKind
from gongzhi.mediation.models import Case, Disputant
from gongzhi.mediation.services._tickets import finish_ticket
from gongzhi.mediation.services._validation import clean_day, clean_text, raise_if
from gongzhi.mediation.services.cases import locked_case
from gongzhi.mediation.transitions import CASE

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@transaction.atomic
def case_agree(
    *,
    actor: Actor | None,
    case_id: int,
    terms: str,
    performance: str,
    on: dt.date | str | None = None,
) -> Case:
    """达成协议: the written agreement, numbered per committee and year (“银山调协〔2026〕3号”)."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "agree", case.status)
    errors: dict[str, str] = {}
    terms = clean_text(errors, "terms", terms, "协议内容", max_length=4000)
    performance = clean_text(errors, "performance", performance, "履行方式、时限", max_length=300)
    day = clean_day(errors, "on", on or timezone.localdate(), "协议日期")
    sides = set(case.disputants.values_list("side", flat=True))
    if sides != {Side.APPLICANT, Side.RESPONDENT}:
        errors["disputants"] = "协议须有申请人和被申请人双方"
    last = case.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
    if last is None:
        errors["sessions"] = "请先记录调解经过，再制作调解协议书"
    elif day and day < last:
        errors["on"] = "协议日期不能早于最近一次调解"
    raise_if(errors)
    assert day is not None
    # Numbered per committee and year: the committee row is the lock that keeps the sequence whole.
    type(case.committee).objects.select_for_update().filter(pk=case.committee_id).first()
    seq = (
        Case.objects.filter(committee_id=case.committee_id, year=day.year).aggregate(m=Max("agreement_seq"))[
            "m"
        ]
        or 0
    ) + 1
    if day.year != case.year:
        raise field_error("on", "协议日期须与案件同一年度")
    case.status, case.outcome = new, Outcome.AGREEMENT
    case.agreement_seq, case.agreement_terms, case.performance = seq, terms, performance
    case.agreed_on = case.ended_on = day
    case.save(
        update_fields=[
            "status",
            "outcome",
            "agreement_seq",
            "agreement_terms",
            "performance",
            "agreed_on",
            "ended_on",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor, target=case, event="mediation.agreement_made", data={"number": case.agreement_number}
    )
    return case


@transaction.atomic
def case_end_unresolved(*, actor: Actor | None, case_id: int, note: str) -> Case:
    """调解不成: mediation ends; the sides are told of arbitration, administrative and court routes."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "fail", case.status)
    errors: dict[str, str] = {}
    note = clean_text(errors, "note", note, "终结说明（告知的其他途径）", max_length=500)
    raise_if(errors)
    case.status, case.outcome, case.end_note, case.ended_on = (
        new,
        Outcome.NO_AGREEMENT,
        note,
        timezone.localdate(),
    )
    case.save(update_fields=["status", "outcome", "end_note", "ended_on", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.case_unresolved", data={"note": note})
    return case


@transaction.atomic
def case_transfer(
    *,
    actor: Actor | None,
    case_id: int,
    kind: str,
    body: str,
    on: dt.date | str | None = None,
    note: str = "",
) -> Case:
    """三调联动: the case goes to administrative or judicial mediation or to the petition office, with the
    receiving body and the date. The case ends here (its ticket too)."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "transfer", case.status)
    errors: dict[str, str] = {}
    if kind not in TransferKind.values:
        errors["kind"] = "请选择移交去向（行政调解、司法调解或信访部门）"
    body = clean_text(errors, "body", body, "接收单位", max_length=100)
    note = clean_text(errors, "note", note, "移交说明", max_length=500, required=False)
    day = clean_day(errors, "on", on or timezone.localdate(), "移交日期")
    raise_if(errors)
    case.status, case.outcome = new, Outcome.TRANSFER
    case.transfer_kind, case.transfer_body, case.end_note = kind, body, note
    case.ended_on = case.closed_on = day
    case.save(
        update_fields=[
            "status",
            "outcome",
            "transfer_kind",
            "transfer_body",
            "end_note",
            "ended_on",
            "closed_on",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor, target=case, event="mediation.case_transferred", data={"kind": kind, "body": body}
    )
    finish_ticket(case, f"移交{TransferKind(kind).label}（{body}）")
    return case


@transaction.atomic
def case_follow_up(
    *, actor: Actor | None, case_id: int, kept: bool, note: str, on: dt.date | str | None = None
) -> Case:
    """履行回访: whether the agreement is kept. A broken one raises a warning on the next run and may be
    mediated again."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "follow_kept" if kept else "follow_broken", case.status)
    errors: dict[str, str] = {}
    note = clean_text(errors, "note", note, "履行情况", max_length=500)
    day = clean_day(errors, "on", on or timezone.localdate(), "回访日期")
    if day and case.agreed_on and day < case.agreed_on:
        errors["on"] = "回访日期不能早于协议日期"
    raise_if(errors)
    case.status, case.kept, case.follow_note, case.followed_up_on = new, bool(kept), note, day
    case.save(update_fields=["status", "kept", "follow_note", "followed_up_on", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.case_followed_up", data={"kept": bool(kept)})
    return case


@transaction.atomic
def case_close(*, actor: Actor | None, case_id: int, satisfaction: str, note: str = "") -> Case:
    """结案 after the callback: the parties' satisfaction. The linked ticket closes with it."""
    case = locked_case(actor, case_id)
    new = check_move(CASE, "close", case.status)
    errors: dict[str, str] = {}
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = "请选择当事人满意度"
    note = clean_text(errors, "note", note, "回访记录", max_length=500, required=False)
    raise_if(errors)
    case.status, case.satisfaction, case.closed_on = new, satisfaction, timezone.localdate()
    if note:
        case.end_note = note
    case.save(update_fields=["status", "satisfaction", "closed_on", "end_note", "updated_at"])
    audit_record(actor=actor, target=case, event="mediation.case_closed", data={"satisfaction": satisfaction})
    results: dict[str, str] = {
        Outcome.AGREEMENT: f"达成调解协议（{case.agreement_number}）",
        Outcome.NO_AGREEMENT: "调解不成，已告知其他解决途径",
    }
    result = results.get(case.outcome, "调解结束")
    finish_ticket(case, result)
    return case


@transaction.atomic
def disputant_reveal(*, actor: Actor, disputant_id: int, field_name: str, reason: str) -> str:
    """The full ID number or phone of an applicant or respondent: the committee handling the case and
    the district admin only, with a reason; one audit row per reveal."""
    from gongzhi.people.services import reveal_reason_checked

    if field_name not in ("id_number", "phone"):
        raise field_error("field", "只能查看身份证号码或联系电话")
    disputant = Disputant.objects.select_related("case__committee").filter(pk=disputant_id).first()
    if disputant is None or not allowed(actor, "mediation.view_case", disputant.case):
        raise NotFound()
    if not allowed(actor, "mediation.reveal_disputant", disputant.case):
        raise Forbidden("只有承办调委会和区级管理员可以查看当事人完整信息")
    token = disputant.id_number_encrypted if field_name == "id_number" else disputant.phone_encrypted
    if not token:
        raise NotFound("该当事人未登记此项信息")
    kept_reason = reveal_reason_checked(reason)
    audit_record(
        actor=actor,
        target=disputant.case,
        event="mediation.disputant_revealed",
        data={"field": field_name, "disputant": disputant.pk, "reason": kept_reason},
    )
    return ids.decrypt(token)
