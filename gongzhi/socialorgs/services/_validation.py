"""Shared checks of the socialorgs services (private): texts, yuan amounts, dates, raising field errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from gongzhi.core import bounds
from gongzhi.core.errors import ValidationFailed

MAX_YUAN = Decimal("100000000.00")


def _raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: Any, label: str, max_len: int, required: bool) -> str:
    value = bounds.clean_text(str(value or "")).strip()
    if required and not value:
        errors[name] = f"请填写{label}"
    elif len(value) > max_len:
        errors[name] = f"{label}不能超过{max_len}个字"
    return value


def _yuan(errors: dict[str, str], name: str, value: Any, label: str) -> Decimal | None:
    """An amount in yuan with at most two decimal places, above zero: a Decimal, never a float."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        errors[name] = f"{label}应为金额（元），如 5000 或 5000.50"
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_YUAN:
        errors[name] = f"{label}应大于0且不超过1亿元"
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[name] = f"{label}最多保留两位小数（分）"
        return None
    return amount.quantize(Decimal("0.01"))


def _day(
    errors: dict[str, str], name: str, value: dt.date | None, label: str, *, past: bool = True
) -> dt.date:
    value = value or timezone.localdate()
    if not bounds.date_in_range(value):
        errors[name] = bounds.DATE_MESSAGE
    elif past and value > timezone.localdate():
        errors[name] = f"{label}不能晚于今天"
    return value


def _count(errors: dict[str, str], name: str, value: Any, label: str, high: int = 1_000_000) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= high:
        errors[name] = f"{label}应为0到{high}之间的整数"
        return 0
    return value


def _year(errors: dict[str, str], value: Any) -> int:
    if not isinstance(value, int) or not bounds.year_in_range(value):
        errors["year"] = bounds.YEAR_MESSAGE
        return 0
    return value
