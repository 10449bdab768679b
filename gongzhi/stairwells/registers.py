"""The stairwell register (楼道台账) as xlsx, through ``core.cells`` (every cell made safe)."""

from __future__ import annotations

from typing import Any

from gongzhi.core.cells import new_workbook
from gongzhi.stairwells.enums import NamingStatus, Title

HEADER = [
    "社区代码",
    "网格编码",
    "楼道",
    "创建称号",
    "命名状态",
    "命名日期",
    "最近检查",
    "最近结果",
    "下次复查截止",
    "复查逾期",
    "楼道公约",
    "楼道长",
    "红色楼长",
]


def _d(value: Any) -> str:
    return value.isoformat() if value else ""


def register_workbook(rows: list[dict[str, Any]]) -> bytes:
    wb = new_workbook()
    ws = wb.active
    ws.title = "楼道台账"
    ws.append(HEADER)
    for r in rows:
        ws.append(
            [
                r["community_code"],
                r["grid_code"],
                r["label"],
                str(Title(r["title"]).label),
                str(NamingStatus(r["status"]).label),
                _d(r["named_on"]),
                _d(r["last_inspected_on"]),
                "" if r["last_passed"] is None else ("合格" if r["last_passed"] else "不合格"),
                _d(r["next_due_on"]),
                "是" if r["overdue"] else "",
                "已上墙" if r["pact_on_file"] else "",
                r["captain"],
                r["red_captain"],
            ]
        )
    return wb.to_bytes()
