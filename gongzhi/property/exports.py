"""The quarterly assessment as xlsx, written through ``core.cells`` (one sheet per subject kind, ranked per
subdistrict). No personal data: companies, committees and branches by name, the estates they serve."""

from __future__ import annotations

from collections.abc import Iterable

from gongzhi.core.cells import new_workbook
from gongzhi.property.enums import INDICATORS, Subject
from gongzhi.property.models import PropertyAssessment


def _pct(value: object) -> object:
    return "—" if value is None else value


def assessment_xlsx(
    rows: Iterable[PropertyAssessment], *, quarter_label: str, subdistrict_names: dict[str, str]
) -> bytes:
    rows = list(rows)
    wb = new_workbook()
    first = True
    for value, label in Subject.choices:
        mine = [r for r in rows if r.subject == value]
        ws = wb.active if first else wb.create_sheet(str(label))
        if first:
            ws.title = str(label)
            first = False
        ws.append([f"{quarter_label} 红色物业考核 · {label}"])
        header = ["街道", "排名", "名称", "小区", "得分"]
        for name in INDICATORS.values():
            header += [f"{name}", f"{name}（得分）", f"{name}（权重）"]
        ws.append(header)
        for r in mine:
            line: list[object] = [
                subdistrict_names.get(r.subdistrict_code, r.subdistrict_code),
                r.rank,
                r.subject_name,
                "、".join(r.estates),
                float(r.score),
            ]
            for key in INDICATORS:
                ind = r.indicators.get(key, {})
                line += [_pct(ind.get("value")), _pct(ind.get("score")), r.weights.get(key, 0)]
            ws.append(line)
        if not mine:
            ws.append(["本季度没有考核结果"])
        ws.freeze_panes = "A3"
    return wb.to_bytes()
