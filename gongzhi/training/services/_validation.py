"""Checks the academy's services share: text fields and raising the collected errors at once."""

from __future__ import annotations

from django.utils.translation import gettext

from gongzhi.core.errors import ValidationFailed


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, max_len: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = gettext("请填写%(label)s") % {"label": label}
    elif len(value) > max_len:
        errors[name] = gettext("%(label)s不能超过%(max_len)s个字") % {"label": label, "max_len": max_len}
    return value
