"""Checks the needs and resources services share: text fields, a point in China, the errors raised at
once; and where a row without its own coordinates sits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

from gongzhi.core import bounds
from gongzhi.core.errors import ValidationFailed, field_error

if TYPE_CHECKING:
    from gongzhi.places.models import Community, Grid


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


def plan_year(year: int | None, default: int) -> int:
    """The year of a plan or a project: ``default`` (this year) when none is given, else one in 1900–2100
    (the agreement numbers and the yearly plan read it; 99999 is no year)."""
    if year is None or year == 0:
        return default
    if not bounds.year_in_range(year):
        raise field_error("year", bounds.YEAR_MESSAGE)
    return year


def _point(errors: dict[str, str], lng: float | None, lat: float | None) -> None:
    if (lng is None) != (lat is None):
        errors["lng"] = gettext("经度和纬度需同时填写")
    elif lng is not None and lat is not None and not (73 <= lng <= 136 and 3 <= lat <= 54):
        errors["lng"] = gettext("坐标不在中国境内，请检查经纬度")


def place_point(community: Community, grid: Grid | None = None) -> tuple[float | None, float | None]:
    """Where a row without its own coordinates sits: its grid's centre, else its community's."""
    if grid is not None and grid.center_lng is not None:
        return grid.center_lng, grid.center_lat
    cached = getattr(community, "_cobuild_point", None)
    if cached is not None:
        return cached
    point: tuple[float | None, float | None] = (None, None)
    if community.boundary:
        from gongzhi.places.geo import parse_boundary

        c = parse_boundary(community.boundary).centroid
        point = (c.x, c.y)
    else:
        from django.db.models import Avg

        from gongzhi.places.models import Grid as GridModel

        agg = GridModel.objects.filter(community=community, center_lng__isnull=False).aggregate(
            lng=Avg("center_lng"), lat=Avg("center_lat")
        )
        point = (agg["lng"], agg["lat"])
    community._cobuild_point = point  # type: ignore[attr-defined]
    return point
