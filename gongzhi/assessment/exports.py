"""A run as xlsx, through the one safe writer (``core.cells``, by way of the registers' workbook: a title
row, the Chinese header row frozen below it, column widths). Values only, never a formula."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gongzhi.assessment.models import Result, Run
from gongzhi.registers.exports import Sheet, workbook


def _v(x: Any) -> Any:
    return "—" if x is None else x


def period_label(run: Run) -> str:
    return f"{run.period_start:%Y年%m月%d日}至{run.period_end:%Y年%m月%d日}"


def title_of(run: Run) -> str:
    s = run.indicator_set
    return f"{s.year}年{s.name}考核结果（第{run.version}版·{run.get_status_display()}）"


def run_xlsx(run: Run, results: Iterable[Result], *, place: str) -> bytes:
    results = list(results)
    lines = run.lines
    columns: list[tuple[str, int]] = [("排名", 6), ("考核对象", 18), ("所在", 22), ("总分", 8)]
    for x in lines:
        columns += [
            (f"{x['label']}（{x['unit']}）", 14),
            (f"{x['label']}得分", 10),
            (f"{x['label']}折算分（权重{x['weight']}）", 14),
        ]
    rows: list[list[Any]] = []
    for r in results:
        row: list[Any] = [r.rank, r.subject_name, r.place_name, float(r.total)]
        for x in lines:
            v = r.values.get(x["indicator"], {})
            row += [_v(v.get("value")), _v(v.get("score")), _v(v.get("points"))]
        rows.append(row)
    rules = [
        [
            x["label"],
            x["unit"],
            "越高越好" if x["direction"] == "higher" else "越低越好",
            float(x["weight"]),
            "线性计分" if x["rule"] == "linear" else "达标计分",
            float(x["floor"]),
            float(x["target"]),
            x["how"],
        ]
        for x in lines
    ]
    sheets = [
        Sheet("考核结果", columns, rows),
        Sheet(
            "指标与计分",
            [
                ("指标", 18),
                ("单位", 8),
                ("方向", 10),
                ("权重", 8),
                ("计分方法", 10),
                ("保底值", 10),
                ("目标值", 10),
                ("计算口径", 60),
            ],
            rules,
        ),
    ]
    return workbook(title_of(run), place, period_label(run), sheets)
