"""Grid geometry: validating GeoJSON boundaries (WGS-84) and finding the grid a point lies in."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext
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
        raise field_error(field, gettext("边界必须是GeoJSON的Polygon或MultiPolygon"))
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise field_error(field, gettext("边界坐标格式错误：%(exc)s") % {"exc": exc}) from exc
    if geom.is_empty:
        raise field_error(field, gettext("边界为空"))
    if not geom.is_valid:
        reason = explain_validity(geom)
        if "Self-intersection" in reason:
            reason = "边界自相交" + reason[len("Self-intersection") :]
        elif "Too few points" in reason:
            reason = "边界顶点太少"
        raise field_error(field, gettext("边界不是有效的多边形：%(reason)s") % {"reason": reason})
    minx, miny, maxx, maxy = geom.bounds
    if minx < CHINA_BBOX[0] or maxx > CHINA_BBOX[2] or miny < CHINA_BBOX[1] or maxy > CHINA_BBOX[3]:
        raise field_error(field, gettext("边界坐标不在中国境内，请确认使用WGS-84经纬度且经度在前、纬度在后"))
    return geom


def to_geojson(geom: Polygon | MultiPolygon) -> dict[str, Any]:
    return shapely.geometry.mapping(geom)


@dataclass(frozen=True)
class GridShape:
    code: str
    geom: Polygon | MultiPolygon


class GridLocator:
    """Point → grid code, through an STR-tree of grid polygons (prepared for fast containment).

    Grids should not overlap, but their shared edges do: a point exactly on an edge (or vertex) lies in
    every grid that touches it. The answer must not depend on the order the grids were loaded in, so the
    rule is: a grid whose interior holds the point wins over one whose edge it lies on; among equals, the
    smallest grid code. Shapes are kept sorted by code, so "smallest code" is "smallest index".
    """

    def __init__(self, shapes: Iterable[GridShape]) -> None:
        self._shapes = sorted(shapes, key=lambda s: s.code)
        self._geoms = [s.geom for s in self._shapes]
        for g in self._geoms:
            shapely.prepare(g)
        self._tree = STRtree(self._geoms)

    def __len__(self) -> int:
        return len(self._shapes)

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self._shapes]

    def _best(self, point: Point, hits: Sequence[int]) -> list[int]:
        """Indices of the grids holding ``point``, best first: interior before edge, then by code."""
        ordered = sorted(int(i) for i in hits)
        if len(ordered) < 2:
            return ordered
        inside = [i for i in ordered if self._geoms[i].contains(point)]
        return inside + [i for i in ordered if i not in inside]

    def candidates(self, lng: float, lat: float) -> list[str]:
        """Every grid holding the point, best first (interior before edge, then by code)."""
        point = Point(lng, lat)
        return [
            self._shapes[i].code for i in self._best(point, self._tree.query(point, predicate="intersects"))
        ]

    def locate(self, lng: float, lat: float) -> str | None:
        point = Point(lng, lat)
        best = self._best(point, self._tree.query(point, predicate="intersects"))
        return self._shapes[best[0]].code if best else None

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[str | None]:
        """Vectorised: one tree query for all points; only points held by several grids (on a shared
        edge) are settled one by one."""
        if len(points) == 0:
            return []
        geoms = shapely.points(np.asarray(points, dtype=float).reshape(-1, 2))
        point_idx, shape_idx = self._tree.query(geoms, predicate="intersects")
        n = len(self._shapes)
        best = np.full(len(geoms), n, dtype=np.int64)
        best[point_idx] = shape_idx  # right where a point has one grid, the usual case
        hits = np.bincount(point_idx, minlength=len(geoms))
        shared = np.flatnonzero(hits > 1)
        if len(shared):
            order = np.argsort(point_idx, kind="stable")
            sorted_points, sorted_shapes = point_idx[order], shape_idx[order]
            starts = np.searchsorted(sorted_points, shared, side="left")
            for p, start in zip(shared.tolist(), starts.tolist(), strict=True):
                held_by = sorted_shapes[start : start + hits[p]].tolist()
                best[p] = self._best(geoms[p], held_by)[0]
        codes = self.codes
        return [codes[i] if i < n else None for i in best.tolist()]


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], GridLocator] | None = None
_checked_at = 0.0


def forget_locator() -> None:
    """Drop this process's locator: the next call rebuilds it (called when a grid is saved or deleted)."""
    global _cached
    with _lock:
        _cached = None


def grid_locator() -> GridLocator:
    """The process-wide locator, rebuilt when any grid changed (count, last update, highest id).

    Every boundary change goes through the grid services, which save the grid and so move ``updated_at``;
    a saved or deleted grid also drops this process's locator at once (``forget_locator``, from the
    places app's signals). Other processes look at the version at most every
    ``GRID_LOCATOR_CHECK_SECONDS`` (5 by default), so intake does not pay a query per report for it.
    """
    global _cached, _checked_at
    from django.conf import settings
    from django.db.models import Count, Max, Q

    from gongzhi.places.models import Grid

    every = float(getattr(settings, "GRID_LOCATOR_CHECK_SECONDS", 5))
    now = time.monotonic()
    current = _cached
    if current is not None and now - _checked_at < every:
        return current[1]
    agg = Grid.objects.aggregate(
        n=Count("id", filter=Q(boundary__isnull=False)), last=Max("updated_at"), top=Max("id")
    )
    version = (agg["n"], str(agg["last"]), agg["top"])
    with _lock:
        _checked_at = now
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        shapes = [
            GridShape(code, shape(boundary))
            for code, boundary in Grid.objects.filter(boundary__isnull=False).values_list("code", "boundary")
        ]
        locator = GridLocator(shapes)
        _cached = (version, locator)
        return locator
