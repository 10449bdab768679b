"""Input checks shared by the mediation services: Chinese field messages, nothing written on refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.core import ids
from gongzhi.core.errors import ValidationFailed


def clean_text(
    errors: dict[str, str], field: str, value: Any, label: str, *, max_length: int, required: bool = True
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = f"请填写{label}"
    elif len(text) > max_length:
        errors[field] = f"{label}不能超过{max_length}个字（现有{len(text)}个字）"
    return text


def clean_day(
    errors: dict[str, str],
    field: str,
    value: Any,
    label: str,
    *,
    required: bool = True,
    not_after_today: bool = True,
) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = f"请填写{label}"
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors[field] = f"{label}格式应为YYYY-MM-DD"
            return None
    if not isinstance(value, dt.date) or not dt.date(1990, 1, 1) <= value <= dt.date(2100, 12, 31):
        errors[field] = f"{label}不在有效范围内"
        return None
    if not_after_today and value > timezone.localdate():
        errors[field] = f"{label}不能晚于今天"
        return None
    return value


def protected_phone(errors: dict[str, str], field: str, value: Any) -> ids.Protected | None:
    if not str(value or "").strip():
        return None
    try:
        return ids.Protected.of_phone(ids.normalise_phone(str(value), field))
    except ValidationFailed as exc:
        errors.update(exc.fields or {field: exc.message})
        return None


def protected_id(errors: dict[str, str], field: str, value: Any) -> ids.Protected | None:
    if not str(value or "").strip():
        return None
    try:
        return ids.Protected.of_id_number(ids.normalise_id_number(str(value), field))
    except ValidationFailed as exc:
        errors.update(exc.fields or {field: exc.message})
        return None


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed("提交的信息有误，请检查", fields=errors)


def clean_venue(errors: dict[str, str], field: str, venue_id: Any, owner: Any) -> Any:
    """The service venue (服务阵地) a room or a sitting is held at: one of the venues register under the
    owner's place (its community, else its subdistrict, else its district), active. ``None`` when not given."""
    from gongzhi.venues.models import Venue

    if venue_id in (None, "", 0):
        return None
    try:
        pk = int(venue_id)
    except (TypeError, ValueError):
        errors[field] = "服务阵地无法识别"
        return None
    level = next(
        (
            name
            for name in ("community_code", "subdistrict_code", "district_code")
            if getattr(owner, name, "")
        ),
        None,
    )
    venue = (
        Venue.objects.filter(pk=pk, active=True, **{level: getattr(owner, level)}).first() if level else None
    )
    if venue is None:
        errors[field] = "服务阵地不存在、已停用或不在本辖区"
    return venue
