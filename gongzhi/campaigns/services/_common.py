"""What the campaign services share: collected field errors, text checks and the place a campaign covers."""

from __future__ import annotations

from typing import Any

from gongzhi.core.errors import ValidationFailed


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, max_len: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = f"请填写{label}"
    elif len(value) > max_len:
        errors[name] = f"{label}不能超过{max_len}个字"
    return value


def grid_in_campaign(campaign: Any, grid: Any, grid_codes: set[str] | None = None) -> bool:
    """Whether a grid lies in the campaign's place (and among its named grids, when it names any)."""
    if campaign.community_code:
        inside = grid.community_code == campaign.community_code
    else:
        inside = grid.subdistrict_code == campaign.subdistrict_code
    return inside and (not grid_codes or grid.code in grid_codes)
