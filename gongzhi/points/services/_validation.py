"""Checks the points services share: whole numbers in a range, text lengths, errors raised at once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

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
        errors[name] = gettext("请填写%(label)s") % {"label": label}
    elif len(value) > max_len:
        errors[name] = gettext("%(label)s不能超过%(max_len)s个字") % {"label": label, "max_len": max_len}
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
        errors[name] = gettext("%(label)s应为整数") % {"label": label}
        return 0
    if n < 0 and low >= 0:
        errors[name] = gettext("%(label)s不能为负数") % {"label": label}
    elif not low <= n <= high:
        errors[name] = gettext("%(label)s应在%(low)s到%(high)s之间") % {
            "label": label,
            "low": low,
            "high": high,
        }
    return n
