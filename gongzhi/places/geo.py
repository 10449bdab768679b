"""Grid geometry: validating GeoJSON boundaries (WGS-84) and finding the grid a point lies in."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.strtree import STRtree
from shapely.validation import explain_validity

from gongzhi.core.errors import field_error

# China's extent in WGS-84, generous: a boundary outside it is a swapped lat/lng or a projected CRS.
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)


def parse_boundary(geojson: Any, field: str = "boundary") -> Polygon | MultiPolygon:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one), valid and inside China."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise field_error(field, "边界必须是GeoJSON的Polygon或MultiPolygon")
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise field_error(field, f"边界坐标格式错误：{exc}") from exc
    if geom.is_empty:
        raise field_error(field, "边界为空")
    if not geom.is_valid:
        reason = explain_validity(geom)
        if "Self-intersection" in reason:
            reason = "边界自相交" + reason[len("Self-intersection") :]
        elif "Too few points" in reason:
            reason = "边界顶点太少"
        raise field_error(field, f"边界不是有效的多边形：{reason}")
    minx, miny, maxx, maxy = geom.bounds
    if minx < CHINA_BBOX[0] or maxx > CHINA_BBOX[2] or miny < CHINA_BBOX[1] or maxy > CHINA_BBOX[3]:
        raise field_error(field, "边界坐标不在中国境内，请确认使用WGS-84经纬度且经度在前、纬度在后")
    return geom


def to_geojson(geom: Polygon | MultiPolygon) -> dict[str, Any]:
    return shapely.geometry.mapping(geom)  # type: ignore[return-value]


@dataclass(frozen=True)
class GridShape:
    code: str
    geom: Polygon | MultiPolygon


class GridLocator:
    """Point → grid code, through an STR-tree of grid polygons (prepared for fast containment)."""

    def __init__(self, shapes: Iterable[GridShape]) -> None:
        self._shapes = list(shapes)
        geoms = [s.geom for s in self._shapes]
        for g in geoms:
            shapely.prepare(g)
        self._tree = STRtree(geoms)

    def __len__(self) -> int:
        return len(self._shapes)

    def locate(self, lng: float, lat: float) -> str | None:
        point = Point(lng, lat)
        for index in self._tree.query(point, predicate="intersects"):
            return self._shapes[int(index)].code
        return None

    def locate_many(self, points: list[tuple[float, float]]) -> list[str | None]:
        """Vectorised: one tree query for all points."""
        if not points:
            return []
        geoms = shapely.points(points)
        out: list[str | None] = [None] * len(points)
        point_idx, shape_idx = self._tree.query(geoms, predicate="intersects")
        for p, s in zip(point_idx.tolist(), shape_idx.tolist(), strict=True):
            if out[p] is None:
                out[p] = self._shapes[s].code
        return out


_lock = threading.Lock()
_cached: tuple[tuple[int, str], GridLocator] | None = None


def grid_locator() -> GridLocator:
    """The process-wide locator, rebuilt when any grid's boundary changed (count + last update)."""
    global _cached
    from django.db.models import Count, Max

    from gongzhi.places.models import Grid

    agg = Grid.objects.filter(boundary__isnull=False).aggregate(n=Count("id"), last=Max("updated_at"))
    version = (agg["n"], str(agg["last"]))
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        shapes = [
            GridShape(code, shape(boundary))
            for code, boundary in Grid.objects.filter(boundary__isnull=False).values_list("code", "boundary")
        ]
        locator = GridLocator(shapes)
        _cached = (version, locator)
        return locator
