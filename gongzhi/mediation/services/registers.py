"""The entries of the registers typed once: visitors (接访), legal consultations (法律服务), the weekly
screening of a grid (每周集中排查) and the half-monthly joint analysis (每半月会商研判, 会议记录簿).
The mediation-case register is made from the cases themselves."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.mediation.enums import MeetingLevel
from gongzhi.mediation.models import Analysis, Committee, Consultation, Screening, Visit
from gongzhi.mediation.services._validation import clean_day, clean_text, protected_phone, raise_if

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _committee(actor: Actor | None, committee_id: int) -> Committee:
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None:
        raise NotFound("调委会不存在或无权查看")
    require(actor, "mediation.keep_register", committee)
    return committee


def _placed_like(row: Visit | Consultation, committee: Committee) -> None:
    row.district_code, row.subdistrict_code = committee.district_code, committee.subdistrict_code
    row.community_code, row.grid_code = committee.community_code, ""


@transaction.atomic
def visitor_record(
    *,
    actor: Actor | None,
    committee_id: int,
    visited_on: dt.date | str | None,
    visitor: str,
    matter: str,
    handling: str,
    handler: str,
    phone: str = "",
    follow_up: str = "",
) -> Visit:
    committee = _committee(actor, committee_id)
    errors: dict[str, str] = {}
    day = clean_day(errors, "visited_on", visited_on, "接访日期")
    visitor = clean_text(errors, "visitor", visitor, "来访人", max_length=50)
    matter = clean_text(errors, "matter", matter, "反映事项", max_length=500)
    handling = clean_text(errors, "handling", handling, "处理情况", max_length=500)
    handler = clean_text(errors, "handler", handler, "接待人", max_length=50)
    follow_up = clean_text(errors, "follow_up", follow_up, "后续跟进", max_length=300, required=False)
    protected = protected_phone(errors, "phone", phone)
    raise_if(errors)
    assert day is not None
    visit = Visit(
        committee=committee,
        visited_on=day,
        visitor=visitor,
        matter=matter,
        handling=handling,
        handler=handler,
        follow_up=follow_up,
        phone_encrypted=protected.encrypted if protected else "",
        phone_hash=protected.hash if protected else "",
        phone_masked=protected.masked if protected else "",
    )
    _placed_like(visit, committee)
    visit.save()
    audit_record(
        actor=actor, target=visit, event="mediation.visit_recorded", data={"committee": committee.pk}
    )
    return visit


@transaction.atomic
def consultation_record(
    *,
    actor: Actor | None,
    committee_id: int,
    consulted_on: dt.date | str | None,
    visitor: str,
    question: str,
    answer: str,
    staff: str,
    follow_up: str = "",
) -> Consultation:
    committee = _committee(actor, committee_id)
    errors: dict[str, str] = {}
    day = clean_day(errors, "consulted_on", consulted_on, "咨询日期")
    visitor = clean_text(errors, "visitor", visitor, "咨询人", max_length=50)
    question = clean_text(errors, "question", question, "咨询事项", max_length=500)
    answer = clean_text(errors, "answer", answer, "解答意见", max_length=1000)
    staff = clean_text(errors, "staff", staff, "法律服务人员", max_length=50)
    follow_up = clean_text(errors, "follow_up", follow_up, "后续跟进", max_length=300, required=False)
    raise_if(errors)
    assert day is not None
    row = Consultation(
        committee=committee,
        consulted_on=day,
        visitor=visitor,
        question=question,
        answer=answer,
        staff=staff,
        follow_up=follow_up,
    )
    _placed_like(row, committee)
    row.save()
    audit_record(actor=actor, target=row, event="mediation.consultation_recorded", data={})
    return row


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def screening_fill(
    *,
    actor: Actor | None,
    grid_id: int,
    week_start: dt.date | str | None,
    disputes_found: int,
    findings: str = "",
    risks: str = "",
    warnings_reviewed: int = 0,
) -> Screening:
    """每周排查 of one grid: disputes found (a zero report says so), risks, warnings checked."""
    from gongzhi.places.models import Grid

    grid = Grid.objects.filter(pk=grid_id).first()
    if grid is None:
        raise NotFound("网格不存在或无权查看")
    require(actor, "mediation.fill_screening", grid)
    errors: dict[str, str] = {}
    day = clean_day(errors, "week_start", week_start, "排查周")
    if (
        isinstance(disputes_found, bool)
        or not isinstance(disputes_found, int)
        or not 0 <= disputes_found <= 1000
    ):
        errors["disputes_found"] = "排查出纠纷数应为0到1000的整数"
    if (
        isinstance(warnings_reviewed, bool)
        or not isinstance(warnings_reviewed, int)
        or not 0 <= warnings_reviewed <= 1000
    ):
        errors["warnings_reviewed"] = "核查预警数应为0到1000的整数"
    findings = clean_text(
        errors,
        "findings",
        findings,
        "排查情况",
        max_length=2000,
        required=isinstance(disputes_found, int) and disputes_found > 0,
    )
    risks = clean_text(errors, "risks", risks, "风险隐患", max_length=500, required=False)
    raise_if(errors)
    assert day is not None
    monday = week_of(day)
    if Screening.objects.filter(grid_code=grid.code, week_start=monday).exists():
        raise Conflict(f"本网格{monday:%m月%d日}这一周的排查已填报", code="duplicate")
    row = Screening(
        week_start=monday,
        disputes_found=disputes_found,
        findings=findings or "未排查出矛盾纠纷（零报告）",
        risks=risks,
        warnings_reviewed=warnings_reviewed,
        filled_by_id=getattr(actor, "pk", None),
    )
    row.set_place_codes(grid_code=grid.code)
    row.save()
    audit_record(actor=actor, target=row, event="mediation.screening_filled", data={"found": disputes_found})
    return row


@transaction.atomic
def analysis_record(
    *,
    actor: Actor | None,
    level: str,
    place_code: str,
    held_on: dt.date | str | None,
    place: str,
    attendees: str,
    cases_reviewed: str,
    decisions: str,
    assignments: str = "",
) -> Analysis:
    """会商研判 of a community or subdistrict (the meeting register): what was reviewed, decided, who does it."""
    if level not in MeetingLevel.values:
        raise field_error("level", "请选择社区或街道会商")
    row = Analysis(level=level)
    if level == MeetingLevel.COMMUNITY:
        from gongzhi.places.models import Community

        if not Community.objects.filter(code=place_code).exists():
            raise NotFound("社区不存在")
        row.set_place_codes(community_code=place_code)
    else:
        from gongzhi.places.models import Subdistrict

        if not Subdistrict.objects.filter(code=place_code).exists():
            raise NotFound("街道不存在")
        row.district_code, row.subdistrict_code, row.community_code, row.grid_code = (
            place_code[:6],
            place_code,
            "",
            "",
        )
    require(actor, "mediation.hold_analysis", row)
    errors: dict[str, str] = {}
    day = clean_day(errors, "held_on", held_on or timezone.localdate(), "会议日期")
    row.place = clean_text(errors, "place", place, "地点", max_length=100)
    row.attendees = clean_text(errors, "attendees", attendees, "参会人员", max_length=300)
    row.cases_reviewed = clean_text(errors, "cases_reviewed", cases_reviewed, "研判事项", max_length=2000)
    row.decisions = clean_text(errors, "decisions", decisions, "会商意见", max_length=2000)
    row.assignments = clean_text(
        errors, "assignments", assignments, "责任分工", max_length=500, required=False
    )
    raise_if(errors)
    assert day is not None
    row.held_on = day
    row.recorded_by_id = getattr(actor, "pk", None)
    row.save()
    audit_record(actor=actor, target=row, event="mediation.analysis_recorded", data={"level": level})
    return row
