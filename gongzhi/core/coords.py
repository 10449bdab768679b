"""Coordinate systems phones report in China, and the one Gongzhi stores (WGS-84).

Most map SDKs in China (AMap/Gaode, Tencent, the WeChat location API) give GCJ-02, Baidu gives BD-09, GPS
and GeoJSON are WGS-84. GCJ-02 is a published forward transform from WGS-84 without a closed-form
inverse; the inverse here is solved by fixed-point iteration until it reproduces the input to 1e-10°
(the usual one-step approximation is off by up to a metre or two). Outside China GCJ-02 equals WGS-84
(the standard ``out_of_china`` rectangle). BD-09 ↔ GCJ-02 uses the standard Baidu formulas, with the
BD-09 → GCJ-02 direction refined by the same iteration.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext

from gongzhi.core.errors import field_error

# China's extent in WGS-84 (the same rectangle as gongzhi/places/geo.py CHINA_BBOX; core cannot import places).
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 30

Point = tuple[float, float]


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", "WGS-84"
    GCJ02 = "gcj02", "GCJ-02（火星坐标）"
    BD09 = "bd09", "BD-09（百度坐标）"


def to_wgs84(lng: float, lat: float, system: str) -> Point:
    """A point given in ``system`` as WGS-84 (lng, lat)."""
    system = _system(system)
    if system == CoordSystem.GCJ02:
        return _gcj02_to_wgs84(lng, lat)
    if system == CoordSystem.BD09:
        return _gcj02_to_wgs84(*_bd09_to_gcj02(lng, lat))
    return float(lng), float(lat)


def from_wgs84(lng: float, lat: float, system: str) -> Point:
    """A WGS-84 point expressed in ``system`` (e.g. to hand back to a GCJ-02 map)."""
    system = _system(system)
    if system == CoordSystem.GCJ02:
        return _wgs84_to_gcj02(lng, lat)
    if system == CoordSystem.BD09:
        return _gcj02_to_bd09(*_wgs84_to_gcj02(lng, lat))
    return float(lng), float(lat)


def clean_point(lng: Any, lat: Any, system: str = "wgs84", *, field: str = "location") -> Point:
    """Validate a reported point and return it as WGS-84, rounded to 7 decimals (about 1 cm).

    Numbers (or numeric strings from a form) that are finite, in range and inside China; anything else is
    a Chinese field error, never a 500.
    """
    try:
        system = _system(system)
    except ValueError:
        raise field_error(
            field, gettext("未知的坐标系“%(value)s”，可选：wgs84、gcj02、bd09") % {"value": str(system)[:20]}
        ) from None
    x = _number(lng, field=field, what="经度")
    y = _number(lat, field=field, what="纬度")
    if not _in_bbox(x, y) and _in_bbox(y, x):
        raise field_error(field, gettext("位置不在中国境内：经纬度可能写反了，请经度在前、纬度在后"))
    if not -180.0 <= x <= 180.0:
        raise field_error(field, gettext("经度必须在-180到180之间"))
    if not -90.0 <= y <= 90.0:
        raise field_error(field, gettext("纬度必须在-90到90之间"))
    if not _in_bbox(x, y):
        raise field_error(field, gettext("位置不在中国境内，请确认经纬度和坐标系"))
    wx, wy = to_wgs84(x, y, system)
    if not _in_bbox(wx, wy):
        raise field_error(field, gettext("位置不在中国境内，请确认经纬度和坐标系"))
    return round(wx, 7), round(wy, 7)


# --- internals ---------------------------------------------------------------------------------


def _system(system: str) -> CoordSystem:
    key = str(system).strip().lower().replace("-", "").replace("_", "") if system is not None else ""
    try:
        return CoordSystem(key)
    except ValueError:
        raise ValueError(f"unknown coordinate system {system!r}") from None


def _number(value: Any, *, field: str, what: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise field_error(field, gettext("缺少%(what)s") % {"what": what})
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise field_error(field, gettext("%(what)s必须是数字") % {"what": what})
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise field_error(field, gettext("%(what)s必须是数字") % {"what": what}) from None
    if not math.isfinite(number):
        raise field_error(field, gettext("%(what)s必须是有限的数字") % {"what": what})
    return number


def _in_bbox(lng: float, lat: float) -> bool:
    return CHINA_BBOX[0] <= lng <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lat <= CHINA_BBOX[3]


def _out_of_china(lng: float, lat: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _wgs84_to_gcj02(lng: float, lat: float) -> Point:
    lng, lat = float(lng), float(lat)
    if _out_of_china(lng, lat):
        return lng, lat
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def _gcj02_to_wgs84(lng: float, lat: float) -> Point:
    lng, lat = float(lng), float(lat)
    if _out_of_china(lng, lat):
        return lng, lat
    return _invert(_wgs84_to_gcj02, lng, lat, start=(lng, lat))


def _gcj02_to_bd09(lng: float, lat: float) -> Point:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lng: float, lat: float) -> Point:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _bd09_to_gcj02(lng: float, lat: float) -> Point:
    lng, lat = float(lng), float(lat)
    return _invert(_gcj02_to_bd09, lng, lat, start=_bd09_to_gcj02_approx(lng, lat))


def _invert(forward: Callable[[float, float], Point], lng: float, lat: float, *, start: Point) -> Point:
    """Solve forward(p) = (lng, lat) for p. The transforms are near-identity shifts, so the fixed-point
    step p ← p + (target − forward(p)) contracts quickly (a handful of steps to 1e-10°)."""
    x, y = start
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        dx, dy = lng - fx, lat - fy
        x, y = x + dx, y + dy
        if abs(dx) < _TOLERANCE and abs(dy) < _TOLERANCE:
            break
    return x, y
