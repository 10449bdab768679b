"""Checks of an indicator set's input, with Chinese messages per field (private to the services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.assessment import indicators
from gongzhi.assessment.enums import Direction, Rule, SubjectKind
from gongzhi.core import bounds
from gongzhi.core.errors import ValidationFailed, field_error

MAX_LINES = 20


@dataclass(frozen=True)
class LineInput:
    indicator: str
    weight: Any
    target: Any
    floor: Any = 0
    rule: str = Rule.LINEAR


@dataclass(frozen=True)
class SetInput:
    name: str
    year: Any
    subject_kind: str
    lines: list[LineInput]
    note: str = ""


@dataclass(frozen=True)
class CleanLine:
    indicator: str
    weight: Decimal
    rule: str
    floor: Decimal
    target: Decimal


def _raise_all(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _number(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() and abs(d) < Decimal("1e9") else None


def clean_year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise field_error("year", _("年度应为四位数字")) from None
    if not 2000 <= year <= 2100:
        raise field_error("year", _("年度应在2000年到2100年之间"))
    return year


def clean_set(data: SetInput) -> tuple[str, int, str, str, list[CleanLine]]:
    errors: dict[str, str] = {}
    name = bounds.clean_text(data.name or "").strip()[:100]
    if not name:
        errors["name"] = _("请填写方案名称")
    try:
        year = clean_year(data.year)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        year = 0
    kind = data.subject_kind
    if kind not in SubjectKind.values:
        errors["subject_kind"] = _("请选择考核对象（社区、网格或网格员）")
    lines: list[CleanLine] = []
    if not data.lines:
        errors["lines"] = _("请至少选择一项考核指标")
    if len(data.lines) > MAX_LINES:
        errors["lines"] = _("一个方案最多%(max)s项指标") % {"max": MAX_LINES}
    seen: set[str] = set()
    for n, line in enumerate(data.lines[:MAX_LINES], start=1):
        ind = indicators.CATALOGUE.get(line.indicator)
        where = f"lines.{n}"
        if ind is None:
            errors[f"{where}.indicator"] = _("第%(n)s项：指标无法识别") % {"n": n}
            continue
        if kind in SubjectKind.values and kind not in ind.kinds:
            errors[f"{where}.indicator"] = _("第%(n)s项：“%(label)s”不适用于%(kind)s考核") % {
                "n": n,
                "label": ind.label,
                "kind": SubjectKind(kind).label,
            }
            continue
        if ind.key in seen:
            errors[f"{where}.indicator"] = _("第%(n)s项：“%(label)s”重复") % {"n": n, "label": ind.label}
            continue
        seen.add(ind.key)
        weight, target, floor = _number(line.weight), _number(line.target), _number(line.floor or 0)
        rule = line.rule or Rule.LINEAR
        if weight is None or weight <= 0 or weight > 100:
            errors[f"{where}.weight"] = _("第%(n)s项“%(label)s”的权重应为大于0、不超过100的数字") % {
                "n": n,
                "label": ind.label,
            }
            continue
        if weight != weight.quantize(Decimal("0.01")):
            errors[f"{where}.weight"] = _("第%(n)s项“%(label)s”的权重最多两位小数") % {
                "n": n,
                "label": ind.label,
            }
            continue
        if target is None or floor is None:
            errors[f"{where}.target"] = _("第%(n)s项“%(label)s”的目标值和保底值应为数字") % {
                "n": n,
                "label": ind.label,
            }
            continue
        if rule not in Rule.values:
            errors[f"{where}.rule"] = _("第%(n)s项“%(label)s”的计分方法无法识别") % {
                "n": n,
                "label": ind.label,
            }
            continue
        if rule == Rule.LINEAR:
            if ind.direction == Direction.HIGHER and target <= floor:
                errors[f"{where}.target"] = _("第%(n)s项“%(label)s”越高越好，目标值应大于保底值") % {
                    "n": n,
                    "label": ind.label,
                }
                continue
            if ind.direction == Direction.LOWER and target >= floor:
                errors[f"{where}.target"] = _("第%(n)s项“%(label)s”越低越好，目标值应小于保底值") % {
                    "n": n,
                    "label": ind.label,
                }
                continue
        lines.append(
            CleanLine(
                ind.key, weight, rule, floor.quantize(Decimal("0.01")), target.quantize(Decimal("0.01"))
            )
        )
    if not errors:
        total = sum((line.weight for line in lines), Decimal(0))
        if total != 100:
            errors["lines"] = _("各项指标权重之和应为100，当前为%(total)s") % {
                "total": f"{total.normalize():f}"
            }
    _raise_all(errors)
    return name, year, kind, (data.note or "").strip()[:500], lines


def clean_period(start: dt.date | None, end: dt.date | None, year: int) -> tuple[dt.date, dt.date]:
    """The run's period: by default the set's year (so far); inside 1900–2100, start before end."""
    start = start or dt.date(year, 1, 1)
    if not bounds.date_in_range(start) or (end is not None and not bounds.date_in_range(end)):
        raise field_error("period_start", _("考核期日期超出范围"))
    end = end or dt.date(year, 12, 31)
    if start > end:
        raise field_error("period_end", _("考核期结束日期不能早于开始日期"))
    if (end - start).days > 366:
        raise field_error("period_end", _("考核期不能超过一年"))
    return start, end
