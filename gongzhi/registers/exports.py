"""The registers a worker hands to the subdistrict, as xlsx: every sheet has a title row (the register, the
place, the period), the Chinese header row frozen below it, column widths; every cell through the one safe
writer (``core.cells``). Phones only as stored masked; no ID numbers at all.

``register_export(actor=…, key=…, year=…, month=…)`` builds one (the rows from ``selectors``, the
downloader's places only) and leaves its audit row (``services.downloads``): a plain function, callable
from a view, the API or a background task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gongzhi.core.cells import SafeWorkbook, new_workbook
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.sheets import in_chinese
from gongzhi.registers import selectors
from gongzhi.registers.services import downloads

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
HEADER_ROW = 2  # row 1 is the title


@dataclass
class Sheet:
    name: str
    columns: Sequence[tuple[str, int]]  # (header, width)
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Register:
    key: str
    title: str
    describe: str
    build: Callable[..., tuple[str, list[Sheet]]]  # (period label, sheets)
    period: str = ""  # "year" | "month" | "" (as of today)


def workbook(title: str, place: str, period: str, sheets: Iterable[Sheet]) -> bytes:
    wb: SafeWorkbook = new_workbook()
    first = True
    for sheet in sheets:
        ws = wb.active if first else wb.create_sheet(sheet.name)
        ws.title = sheet.name
        first = False
        ws.append([f"{place}{title}（{period}）"])
        ws.cell(row=1, column=1).font = TITLE_FONT
        if len(sheet.columns) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(sheet.columns))
        ws.row_dimensions[1].height = 26
        ws.append([h for h, _w in sheet.columns])
        for col, (_h, width) in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=HEADER_ROW, column=col)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        for row in sheet.rows:
            ws.append(row)
        if not sheet.rows:
            ws.append(["（暂无数据）"])
    return wb.to_bytes()


def _day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _as_of() -> str:
    return f"截至{timezone.localdate():%Y年%m月%d日}"


# --- the registers --------------------------------------------------------------------------------------


def _members(actor: Actor, **_: Any) -> tuple[str, list[Sheet]]:
    from gongzhi.party.enums import SKILLS, skill_labels

    regs = list(selectors.member_registrations_for_register(actor=actor))
    totals = selectors.member_service_totals([r.member_id for r in regs])
    basic = Sheet(
        "基本信息",
        [("序号", 6), ("姓名", 10), ("联系电话（脱敏）", 15), ("工作单位", 26), ("组织关系所在党组织", 26),
         ("报到社区", 14), ("分配网格", 16), ("报到证编号", 22), ("状态", 9), ("报到日期", 12)],
    )  # fmt: skip
    skills = Sheet(
        "特长与服务",
        [("序号", 6), ("姓名", 10), ("报到社区", 14), ("特长", 26), ("服务分类", 12), ("可提供的服务", 30),
         ("服务时间", 16), ("认领岗位/项目数", 12), ("已确认服务时长（小时）", 14)],
    )  # fmt: skip
    labels = dict(SKILLS)
    by_type: dict[str, int] = {}
    for n, r in enumerate(regs, start=1):
        m = r.member
        basic.rows.append(
            [n, m.name, m.phone_masked, r.unit.name if r.unit else "", m.workplace_org, r.community.name,
             r.grid.name if r.grid else "", r.card_number, r.get_status_display(), _day(r.created_at)]
        )  # fmt: skip
        claims, hours = totals.get(r.member_id, (0, 0))
        skills.rows.append(
            [n, m.name, r.community.name, "、".join(skill_labels(r.skills)),
             str(labels.get(r.classification, r.classification or "")), r.services_offered, r.available_times,
             claims, float(hours)]
        )  # fmt: skip
        for s in r.skills or []:
            by_type[s] = by_type.get(s, 0) + 1
    types = Sheet("按服务类型统计", [("服务类型（特长）", 18), ("党员人数", 10)])
    types.rows = [[str(label), by_type.get(value, 0)] for value, label in SKILLS]
    return _as_of(), [basic, skills, types]


def _units(actor: Actor, **_: Any) -> tuple[str, list[Sheet]]:
    sheet = Sheet(
        "驻区单位",
        [("序号", 6), ("单位名称", 28), ("统一社会信用代码", 22), ("单位类型", 10), ("地址", 30),
         ("单位党组织", 24), ("报到社区", 14), ("联系网格", 16), ("在职党员数", 10), ("报到日期", 12)],
    )  # fmt: skip
    for n, u in enumerate(selectors.units_for_register(actor=actor), start=1):
        sheet.rows.append(
            [n, u.name, u.uscc, u.get_kind_display(), u.address, u.party_org_name, u.community.name,
             u.paired_grid.name if u.paired_grid else "", u.in_service_members, _day(u.registered_at)]
        )  # fmt: skip
    return _as_of(), [sheet]


def _need_sheet(actor: Actor) -> Sheet:
    sheet = Sheet(
        "需求清单",
        [("序号", 6), ("社区", 14), ("网格", 14), ("需求名称", 26), ("类别", 12), ("微心愿", 8), ("来源", 10),
         ("受益对象", 20), ("数量", 8), ("紧急程度", 10), ("期望完成日期", 12), ("状态", 10), ("登记日期", 12)],
    )  # fmt: skip
    for n, x in enumerate(selectors.needs_for_register(actor=actor), start=1):
        sheet.rows.append(
            [n, x.community.name, x.grid.name if x.grid else "", x.title, x.get_category_display(),
             "是" if x.micro_wish else "否", x.get_source_display(), x.beneficiaries,
             f"{x.quantity}{x.quantity_unit}", x.get_urgency_display(), _day(x.wanted_by), x.get_status_display(),
             _day(x.created_at)]
        )  # fmt: skip
    return sheet


def _resource_sheet(actor: Actor, name: str = "资源清单") -> Sheet:
    from gongzhi.cobuild.enums import CATEGORIES

    labels = {k: str(v) for k, v in CATEGORIES}
    sheet = Sheet(
        name,
        [("序号", 6), ("社区", 14), ("资源名称", 26), ("资源类型", 10), ("提供方类型", 12), ("提供方", 24),
         ("可服务类别", 24), ("可承接需求数", 10), ("服务时间", 16), ("联系人", 10), ("联系电话（脱敏）", 15),
         ("状态", 8)],
    )  # fmt: skip
    for n, x in enumerate(selectors.resources_for_register(actor=actor), start=1):
        sheet.rows.append(
            [n, x.community.name, x.title, x.get_kind_display(), x.get_provider_kind_display(), x.provider_name,
             "、".join(labels.get(c, c) for c in x.categories or []), x.capacity, x.schedule_note, x.contact_name,
             x.contact_phone_masked, "有效" if x.active else "停用"]
        )  # fmt: skip
    return sheet


def _project_sheet(actor: Actor) -> Sheet:
    sheet = Sheet(
        "项目清单",
        [("序号", 6), ("社区", 14), ("项目名称", 26), ("状态", 10), ("认领方", 24), ("认领日期", 12),
         ("协议编号", 22), ("开始日期", 12), ("结束日期", 12), ("完成日期", 12)],
    )  # fmt: skip
    for n, x in enumerate(selectors.projects_for_register(actor=actor), start=1):
        sheet.rows.append(
            [n, x.community.name, x.title, x.get_status_display(), x.claimant_name, _day(x.claimed_at),
             x.agreement_number, _day(x.starts_on), _day(x.ends_on), _day(x.completed_at)]
        )  # fmt: skip
    return sheet


def _resources(actor: Actor, **_: Any) -> tuple[str, list[Sheet]]:
    return _as_of(), [_resource_sheet(actor, "共建资源")]


def _lists(actor: Actor, **_: Any) -> tuple[str, list[Sheet]]:
    return _as_of(), [_need_sheet(actor), _resource_sheet(actor), _project_sheet(actor)]


def _hours(actor: Actor, *, year: int, **_: Any) -> tuple[str, list[Sheet]]:
    start, end = (
        dt.date(year, 1, 1),
        min(dt.date(year, 12, 31), max(timezone.localdate(), dt.date(year, 1, 1))),
    )
    sheet = Sheet(
        "服务时长登记",
        [("序号", 6), ("服务日期", 12), ("志愿者", 10), ("服务队伍", 22), ("活动", 26), ("开始时间", 17),
         ("结束时间", 17), ("时长（小时）", 10), ("状态", 9), ("备注", 20)],
    )  # fmt: skip
    per: dict[int, list[Any]] = {}
    for n, h in enumerate(selectors.service_hours_for_register(actor=actor, start=start, end=end), start=1):
        activity = h.session.activity.title if h.session_id and h.session else ""
        sheet.rows.append(
            [n, _day(h.served_on), h.volunteer.name, h.team.name if h.team else "", activity,
             timezone.localtime(h.started_at).strftime("%Y-%m-%d %H:%M"),
             timezone.localtime(h.ended_at).strftime("%Y-%m-%d %H:%M"), float(h.hours), h.get_status_display(),
             h.note]
        )  # fmt: skip
        total = per.setdefault(h.volunteer_id, [h.volunteer.name, 0, 0.0, 0.0])
        total[1] += 1
        total[2] += float(h.hours)
        if h.status == "confirmed":
            total[3] += float(h.hours)
    summary = Sheet(
        "按志愿者汇总",
        [("志愿者", 10), ("服务次数", 10), ("登记时长（小时）", 14), ("已确认时长（小时）", 14)],
    )
    summary.rows = sorted(per.values(), key=lambda r: (-r[3], r[0]))
    return f"{year}年", [sheet, summary]


def _patrols(actor: Actor, *, month: str, **_: Any) -> tuple[str, list[Sheet]]:
    s = selectors.patrol_summary_for_register(actor=actor, month=month)
    columns = [("编码", 17), ("名称", 16), ("网格数", 8), ("巡查到的网格", 10), ("巡查天数", 9), ("巡查次数", 9),
               ("打卡次数", 9), ("巡查上报工单", 11), ("已结案", 8), ("主要问题类别", 36)]  # fmt: skip
    out = []
    for name, rows in (("按社区", s.communities), ("按网格", s.grids)):
        sheet = Sheet(name, columns)
        for r in rows:
            sheet.rows.append(
                [r.code, r.name, r.grids, r.grids_patrolled, r.patrol_days, r.patrols, r.checkins, r.tickets,
                 r.closed, "、".join(f"{c}{n}" for c, n in r.categories[:5])]
            )  # fmt: skip
        out.append(sheet)
    return f"{s.first:%Y年%m月}", out


def _chinese(label: Any) -> str:
    """A (lazy) label in Chinese: the registers' headers are Chinese whatever the page's language."""
    with translation.override("zh-hans"):
        return str(label)


def _indicators(actor: Actor, *, year: int, **_: Any) -> tuple[str, list[Sheet]]:
    from gongzhi.tickets.indicators import RATE_LABELS

    start, end = (
        dt.date(year, 1, 1),
        min(dt.date(year, 12, 31), max(timezone.localdate(), dt.date(year, 1, 1))),
    )
    total, children = selectors.indicators_for_register(actor=actor, start=start, end=end)
    counts = [("reported", "上报"), ("accepted", "受理"), ("dispatched", "派遣"), ("escalated", "上报上级"),
              ("handled", "处置"), ("closed", "结案"), ("due", "应按时办结"), ("on_time", "按时办结")]  # fmt: skip
    columns = [("编码", 17), ("名称", 16), *[(label, 9) for _k, label in counts],
               *[(_chinese(label), 10) for label in RATE_LABELS.values()], ("平均处置时长（小时）", 12)]  # fmt: skip
    sheet = Sheet("工单指标", columns)
    for ind in [total, *children]:
        hours = ind.avg_handling_hours
        sheet.rows.append(
            [ind.code, ind.name, *[ind.counts.get(k, 0) for k, _l in counts],
             *[ind.rate(k).percent for k in RATE_LABELS], "—" if hours is None else round(hours, 1)]
        )  # fmt: skip
    return f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}", [sheet]


def _roster(actor: Actor, **_: Any) -> tuple[str, list[Sheet]]:
    from gongzhi.places.enums import TeamRole

    members = list(selectors.grid_team_for_register(actor=actor))
    sheet = Sheet(
        "网格队伍花名册",
        [("序号", 6), ("社区", 14), ("网格编码", 17), ("网格", 16), ("队伍角色", 12), ("1+X+N", 7), ("姓名", 10),
         ("电话（脱敏）", 15), ("说明", 24)],
    )  # fmt: skip
    part = {
        TeamRole.GRID_HEAD: "1",
        TeamRole.GRID_WORKER: "X",
        TeamRole.PART_TIME_WORKER: "X",
        TeamRole.VOLUNTEER: "N",
    }
    for n, m in enumerate(members, start=1):
        sheet.rows.append(
            [n, m.grid.community.name, m.grid_code, m.grid.name, m.get_role_display(), part.get(m.role, ""),
             m.name, m.phone_masked, m.note]
        )  # fmt: skip
    counts = selectors.team_role_counts(members)
    summary = Sheet(
        "按网格汇总", [("网格编码", 17), ("网格", 16), *[(str(label), 10) for label in TeamRole.labels]]
    )
    names = {m.grid_code: m.grid.name for m in members}
    for code in sorted(counts):
        summary.rows.append([code, names[code], *[counts[code].get(value, 0) for value in TeamRole.values]])
    return _as_of(), [sheet, summary]


REGISTERS: dict[str, Register] = {
    r.key: r
    for r in (
        Register(
            "members",
            gettext_noop("在职党员信息资源库"),
            gettext_noop("报到党员的基本信息、特长和服务类型"),
            _members,
        ),
        Register(
            "resources",
            gettext_noop("共建资源信息库"),
            gettext_noop("驻区单位、党员、社会组织提供的共建资源"),
            _resources,
        ),
        Register(
            "units",
            gettext_noop("驻区单位名册"),
            gettext_noop("报到的驻区单位、联系网格和在职党员人数"),
            _units,
        ),
        Register(
            "lists",
            gettext_noop("三张清单"),
            gettext_noop("需求清单、资源清单、项目清单（三个工作表）"),
            _lists,
        ),
        Register(
            "hours",
            gettext_noop("志愿服务时长登记簿"),
            gettext_noop("志愿者每次服务的时长和按人汇总"),
            _hours,
            "year",
        ),
        Register(
            "patrols",
            gettext_noop("网格巡查月度汇总"),
            gettext_noop("按社区、按网格的巡查天数、次数和上报工单"),
            _patrols,
            "month",
        ),
        Register(
            "indicators",
            gettext_noop("工单指标统计表"),
            gettext_noop("本辖区及下级的工单数量和各项比率"),
            _indicators,
            "year",
        ),
        Register(
            "roster",
            gettext_noop("网格队伍花名册（1+X+N）"),
            gettext_noop("网格长、网格员、党员志愿者等，电话脱敏"),
            _roster,
        ),
    )
}


def clean_period(register: Register, year: int | None, month: str) -> dict[str, Any]:
    today = timezone.localdate()
    if register.period == "year":
        year = year or today.year
        if not 2000 <= year <= today.year:
            raise field_error("year", gettext("年度应在2000至%(year)s之间") % {"year": today.year})
        return {"year": year}
    if register.period == "month":
        return {"month": month or f"{today:%Y-%m}"}
    return {}


@in_chinese
def register_export(*, actor: Actor, key: str, year: int | None = None, month: str = "") -> tuple[str, bytes]:
    """The register ``key`` as the downloader sees it: (file name, xlsx); audited."""
    register = REGISTERS.get(key)
    if register is None:
        raise NotFound(gettext("没有这种台账"))
    params = clean_period(register, year, month)
    period, sheets = register.build(actor, **params)
    place = selectors.register_place_label(actor)
    content = workbook(register.title, place, period, sheets)
    rows = sum(len(s.rows) for s in sheets)
    downloads.register_exported(actor=actor, key=key, title=register.title, period=period, rows=rows)
    return f"{place}{register.title.split('（')[0]}_{timezone.localdate():%Y%m%d}.xlsx", content
