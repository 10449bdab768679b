"""Shared checks of the device services (private)."""

from __future__ import annotations

from typing import Any

from gongzhi.core import codes
from gongzhi.core.errors import field_error
from gongzhi.places.models import Community, District, Grid, Subdistrict


def checked_text(value: Any, field: str, label: str, *, max_length: int, required: bool = False) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise field_error(field, f"请填写{label}", code="required")
    if len(out) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return out


def platform_place_label(code: str) -> str | None:
    """The name of a district, subdistrict, community or grid by its code; None when there is none."""
    code = (code or "").strip()
    if not code.isdigit():
        return None
    if len(code) == 6:
        return District.objects.filter(code=code).values_list("name", flat=True).first()
    if len(code) == 15:
        return Grid.objects.filter(code=code).values_list("name", flat=True).first()
    if len(code) == 12:
        model = Subdistrict if code.endswith("000") else Community
        return model.objects.filter(code=code).values_list("name", flat=True).first()
    return None


def place_codes(code: str) -> dict[str, str]:
    """The four place-code columns of a row placed at ``code`` (any level)."""
    if len(code) == 6:
        return {"district_code": code, "subdistrict_code": "", "community_code": "", "grid_code": ""}
    if len(code) == 15:
        community = codes.community_of_grid(code)
        return {
            "district_code": code[:6],
            "subdistrict_code": codes.subdistrict_of(community),
            "community_code": community,
            "grid_code": code,
        }
    if code.endswith("000"):
        return {"district_code": code[:6], "subdistrict_code": code, "community_code": "", "grid_code": ""}
    return {
        "district_code": code[:6],
        "subdistrict_code": codes.subdistrict_of(code),
        "community_code": code,
        "grid_code": "",
    }
