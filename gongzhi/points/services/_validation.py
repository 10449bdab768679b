"""Checks the points services share: whole numbers in a range, text lengths, errors raised at once."""

from __future__ import annotations

from typing import Any

from gongzhi.core import bounds
from gongzhi.core.errors import ValidationFailed

MAX_POINTS = 100_000


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(
    errors: dict[str, str], name: str, value: Any, label: str, max_len: int, required: bool = True
) -> str:
    value = bounds.clean_text(str(value or "")).strip()
    if required and not value:
        errors[name] = f"请填写{label}"
    elif len(value) > max_len:
        errors[name] = f"{label}不能超过{max_len}个字"
    return value


def _whole(
    errors: dict[str, str], name: str, value: Any, label: str, low: int, high: int = MAX_POINTS
) -> int:
    """A whole number in [low, high]; a negative, a fraction or text is refused in Chinese."""
    try:
        n = int(str(value).strip())
        if str(n) != str(value).strip().lstrip("+"):
            raise ValueError
    except (TypeError, ValueError):
        errors[name] = f"{label}应为整数"
        return 0
    if n < 0 and low >= 0:
        errors[name] = f"{label}不能为负数"
    elif not low <= n <= high:
        errors[name] = f"{label}应在{low}到{high}之间"
    return n
