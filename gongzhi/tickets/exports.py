"""Excel export of the console's filtered ticket list: Chinese headers, masked personal data only,
capped (the cap is written in the file), audited as ``tickets.exported``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone, translation
from openpyxl.utils import get_column_letter

from gongzhi.audit.services import audit_record
from gongzhi.core.cells import new_workbook
from gongzhi.core.codes import common_place
from gongzhi.core.replica import replica_reads
from gongzhi.core.scope import scope_of
from gongzhi.tickets.enums import Channel, Level, Satisfaction, SupervisionLevel, TicketStatus
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.selectors import tickets as selectors

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

EXPORT_MAX_ROWS = 50_000
SHEET = "工单列表"
NOTES = "说明"
HEADERS = (
    "工单编号",
    "上报时间",
    "标题",
    "问题描述",
    "事件分类",
    "来源",
    "来源系统/场次",
    "状态",
    "当前层级",
    "地址",
    "网格代码",
    "社区代码",
    "主办部门",
    "处置时限",
    "是否超期",
    "督办",
    "满意度",
    "上报人（脱敏）",
    "联系电话（脱敏）",
    "结案时间",
)
WIDTHS = {"工单编号": 18, "上报时间": 17, "标题": 28, "问题描述": 48, "地址": 30, "网格代码": 18}


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name stays so a clerk can address the caller."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


def _local(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _row(t: Ticket) -> list[Any]:
    return [
        t.number,
        _local(t.created_at),
        t.title,
        t.description,
        t.category.name if t.category_id and t.category else "",
        str(Channel(t.channel).label),
        t.channel_source,
        str(TicketStatus(t.status).label),
        str(Level(t.level).label),
        t.address,
        t.grid_code,
        t.community_code,
        t.department.name if t.department_id and t.department else "",
        _local(t.deadline),
        "是" if t.is_overdue else "",
        str(SupervisionLevel(t.supervision).label) if t.supervision else "",
        str(Satisfaction(t.satisfaction).label) if t.satisfaction else "",
        mask_name(t.reporter_name),
        t.reporter_phone_masked,
        _local(t.closed_at),
    ]


def _rows(actor: Actor, filters: selectors.TicketFilters) -> Iterator[Ticket]:
    qs = (
        selectors.ticket_queryset_for_actor(actor=actor, filters=filters)
        .select_related("category", "department")
        .order_by("-id")
    )
    # One row more than the cap says whether the list was cut.
    return qs[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=2000)


def _filters_data(filters: selectors.TicketFilters) -> dict[str, Any]:
    data = {
        "inbox": filters.inbox,
        "status": filters.status,
        "category": filters.category,
        "channel": filters.channel,
        "place": filters.place,
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
        "q": filters.q,
    }
    return {k: v for k, v in data.items() if v}


def workbook(tickets: Iterator[Ticket], *, described: list[str]) -> tuple[bytes, int, bool]:
    wb = new_workbook(write_only=True)  # every cell through core.cells.safe_cell
    ws = wb.create_sheet(SHEET)
    for col, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(header, 12)
    ws.freeze_panes = "A2"
    ws.append(list(HEADERS))
    count = 0
    cut = False
    for t in tickets:
        if count == EXPORT_MAX_ROWS:
            cut = True
            break
        ws.append(_row(t))
        count += 1
    notes = wb.create_sheet(NOTES)
    notes.column_dimensions["A"].width = 90
    notes.append([f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    for line in described:
        notes.append([line])
    notes.append([f"共导出{count}条工单；单次最多导出{EXPORT_MAX_ROWS}条。"])
    if cut:
        notes.append(
            [
                f"符合条件的工单超过{EXPORT_MAX_ROWS}条，只导出了最新的{EXPORT_MAX_ROWS}条，请缩小筛选范围后分批导出。"
            ]
        )
    notes.append(["上报人姓名和联系电话已脱敏。"])
    return wb.to_bytes(), count, cut


def _audit_target(actor: Actor) -> Any:
    """The smallest place holding the actor's places (the audit log is read by place), else the actor."""
    from gongzhi.places.models import Community, District, Grid, Subdistrict

    scope = scope_of(actor)
    codes = common_place({code for _role, _level, code in scope.places})
    for level, model in (
        ("grid", Grid),
        ("community", Community),
        ("subdistrict", Subdistrict),
        ("district", District),
    ):
        code = codes.get(f"{level}_code")
        if code:
            place = model.objects.filter(code=code).first()
            if place is not None:
                return place
    return actor


@replica_reads
def tickets_export(*, actor: Actor, filters: selectors.TicketFilters) -> tuple[bytes, int]:
    """The tickets of the actor's filtered list as xlsx (newest first, at most EXPORT_MAX_ROWS); audited."""
    with translation.override("zh-hans"):
        described = [f"筛选条件：{k}={v}" for k, v in _filters_data(filters).items()] or [
            "筛选条件：无（权限范围内全部工单）"
        ]
        content, count, cut = workbook(_rows(actor, filters), described=described)
    _export_record(actor=actor, filters=filters, count=count, cut=cut)
    return content, count


@transaction.atomic
def _export_record(*, actor: Actor, filters: selectors.TicketFilters, count: int, cut: bool) -> None:
    audit_record(
        actor=actor,
        target=_audit_target(actor),
        event="tickets.exported",
        data={"filters": _filters_data(filters), "count": count, "truncated": cut},
    )
