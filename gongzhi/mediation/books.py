"""The four registers made from the records (never typed twice), as PDF books and xlsx sheets, and the
case documents (agreement, case file) for download; every download audited.

- 接访登记簿: the visitors of the committee's rooms;
- 法律服务登记簿: the legal consultations;
- 调解案件登记簿: the committee's cases registered in the period;
- 会议记录簿: the weekly screenings of the committee's grids and the joint analyses of its place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop

from gongzhi.core.cells import new_workbook
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import allowed
from gongzhi.mediation import documents, selectors
from gongzhi.mediation.models import Analysis, Case, Committee, Screening
from gongzhi.mediation.services.downloads import mediation_document_downloaded

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

REGISTERS = {
    "visits": gettext_noop("接访登记簿"),
    "consultations": gettext_noop("法律服务登记簿"),
    "cases": gettext_noop("调解案件登记簿"),
    "meetings": gettext_noop("会议记录簿"),
}
MAX_DAYS = 366


@dataclass
class Book:
    title: str
    header: list[str]
    widths: list[float]
    rows: list[list[Any]]


def _visits(committee: Committee, since: dt.date, until: dt.date) -> Book:
    rows = [
        [f"{v.visited_on:%Y-%m-%d}", v.visitor, v.phone_masked, v.matter, v.handling, v.handler, v.follow_up]
        for v in committee.visits.filter(visited_on__gte=since, visited_on__lte=until).order_by(
            "visited_on", "id"
        )
    ]
    header = ["序号", "日期", "来访人", "联系电话", "反映事项", "处理情况", "接待人", "后续跟进"]
    return Book(REGISTERS["visits"], header, [10, 22, 20, 25, 65, 60, 18, 50], rows)


def _consultations(committee: Committee, since: dt.date, until: dt.date) -> Book:
    rows = [
        [f"{c.consulted_on:%Y-%m-%d}", c.visitor, c.question, c.answer, c.staff, c.follow_up]
        for c in committee.consultations.filter(consulted_on__gte=since, consulted_on__lte=until).order_by(
            "consulted_on", "id"
        )
    ]
    header = ["序号", "日期", "咨询人", "咨询事项", "解答意见", "法律服务人员", "后续跟进"]
    return Book(REGISTERS["consultations"], header, [10, 22, 20, 70, 85, 22, 41], rows)


def _cases(committee: Committee, since: dt.date, until: dt.date) -> Book:
    cases = (
        Case.objects.filter(committee=committee, registered_on__gte=since, registered_on__lte=until)
        .select_related("committee")
        .prefetch_related("disputants", "mediator_links__mediator")
        .order_by("registered_on", "id")
    )
    rows = []
    for c in cases:
        names = "、".join(f"{d.get_side_display()}{d.name}" for d in c.disputants.all())
        mediators = "、".join(link.mediator.name for link in c.mediator_links.all())
        result = c.get_outcome_display() if c.outcome else c.get_status_display()
        if c.agreement_seq:
            result += f"（{c.agreement_number}）"
        if c.transfer_body:
            result += f"（移交{c.transfer_body}）"
        rows.append(
            [
                c.number,
                f"{c.registered_on:%Y-%m-%d}",
                c.get_source_display(),
                c.get_kind_display(),
                names,
                c.title,
                mediators,
                result,
                f"{c.closed_on:%Y-%m-%d}" if c.closed_on else "在办",
            ]
        )
    header = [
        "序号",
        "案号",
        "登记日期",
        "来源",
        "类型",
        "当事人",
        "纠纷概要",
        "调解员",
        "调解结果",
        "结案日期",
    ]
    return Book(REGISTERS["cases"], header, [10, 36, 20, 18, 20, 42, 42, 25, 38, 22], rows)


def _meetings(committee: Committee, since: dt.date, until: dt.date) -> Book:
    place = (
        {"community_code": committee.community_code}
        if committee.community_code
        else {"subdistrict_code": committee.subdistrict_code}
    )
    rows: list[tuple[dt.date, list[Any]]] = []
    for s in Screening.objects.filter(week_start__gte=since, week_start__lte=until, **place).order_by(
        "week_start"
    ):
        rows.append(
            (
                s.week_start,
                [
                    f"{s.week_start:%Y-%m-%d}",
                    "每周排查",
                    f"网格{s.grid_code}",
                    f"排查出纠纷{s.disputes_found}件：{s.findings}",
                    s.risks or "无",
                    "",
                ],
            )
        )
    meetings = Analysis.objects.filter(held_on__gte=since, held_on__lte=until, **place)
    if not committee.community_code:
        meetings = meetings.filter(community_code="")
    for a in meetings.order_by("held_on"):
        rows.append(
            (
                a.held_on,
                [
                    f"{a.held_on:%Y-%m-%d}",
                    f"{a.get_level_display()}会商研判",
                    a.attendees,
                    a.cases_reviewed,
                    a.decisions,
                    a.assignments,
                ],
            )
        )
    rows.sort(key=lambda r: r[0])
    header = ["序号", "日期", "会议类型", "参加人员/网格", "研判事项/排查情况", "会商意见/风险", "责任分工"]
    return Book(REGISTERS["meetings"], header, [10, 22, 25, 45, 70, 55, 46], [r for _d, r in rows])


BUILDERS = {"visits": _visits, "consultations": _consultations, "cases": _cases, "meetings": _meetings}


def _period(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    until = until or today
    since = since or until.replace(month=1, day=1)
    if since > until:
        raise field_error("since", "开始日期不能晚于结束日期")
    if (until - since).days > MAX_DAYS:
        raise field_error("since", "一次最多导出一年的登记簿")
    return since, until


def register_book(
    *, actor: Actor, committee_id: int, kind: str, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[Committee, Book, tuple[dt.date, dt.date]]:
    if kind not in BUILDERS:
        raise NotFound("没有这种登记簿")
    committee = selectors.committee_get_for_actor(actor=actor, committee_id=committee_id)
    if not allowed(actor, "mediation.keep_register", committee):
        raise NotFound("调委会不存在或无权查看")
    period = _period(since, until)
    return committee, BUILDERS[kind](committee, *period), period


def register_pdf(
    *, actor: Actor, committee_id: int, kind: str, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[str, bytes]:
    committee, book, period = register_book(
        actor=actor, committee_id=committee_id, kind=kind, since=since, until=until
    )
    pdf = documents.render_register(
        title=book.title,
        committee=committee.name,
        period=period,
        header=book.header,
        widths=book.widths,
        rows=book.rows,
    )
    mediation_document_downloaded(
        actor=actor,
        target=committee,
        document=book.title,
        rows=len(book.rows),
        period=f"{period[0]}~{period[1]}",
    )
    return f"{committee.name}{book.title}.pdf", pdf


def register_xlsx(
    *, actor: Actor, committee_id: int, kind: str, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[str, bytes]:
    committee, book, period = register_book(
        actor=actor, committee_id=committee_id, kind=kind, since=since, until=until
    )
    wb = new_workbook()
    ws = wb.active
    ws.title = book.title
    ws.append([f"{committee.name}{book.title}（{period[0]:%Y-%m-%d}至{period[1]:%Y-%m-%d}）"])
    ws.append(book.header)
    for i, row in enumerate(book.rows, start=1):
        ws.append([i, *row])
    mediation_document_downloaded(
        actor=actor,
        target=committee,
        document=f"{book.title}（xlsx）",
        rows=len(book.rows),
        period=f"{period[0]}~{period[1]}",
    )
    return f"{committee.name}{book.title}.xlsx", wb.to_bytes()


def _handled_case(actor: Actor, case_id: int) -> Case:
    case = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    if not allowed(actor, "mediation.handle_case", case):
        raise NotFound("案件不存在或无权查看")
    return case


def agreement_pdf(*, actor: Actor, case_id: int) -> tuple[str, bytes]:
    """调解协议书: the committee handling the case and the district admin (the parties' data)."""
    case = _handled_case(actor, case_id)
    pdf = documents.render_agreement(case)
    mediation_document_downloaded(actor=actor, target=case, document="人民调解协议书", rows=1)
    return f"调解协议书{case.agreement_number}.pdf", pdf


def case_file_pdf(*, actor: Actor, case_id: int) -> tuple[str, bytes]:
    case = _handled_case(actor, case_id)
    pdf = documents.render_case_file(case)
    mediation_document_downloaded(actor=actor, target=case, document="人民调解卷宗", rows=1)
    return f"卷宗{case.number}.pdf", pdf
