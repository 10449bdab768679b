"""Grid boundaries as GeoJSON: reading an import file, checking how a community's grids fit, export.

Nothing here touches the database; ``services.grids_import_geojson`` reads and writes, and this module
does the parsing and the geometry. Areas are in square metres on a local equirectangular projection
around the community (good to well under 1% at grid scale, which is all a sliver tolerance needs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from gongzhi.core import codes
from gongzhi.core.errors import ValidationFailed
from gongzhi.places import geo
from gongzhi.places.enums import DedicatedCover, GridKind

if TYPE_CHECKING:
    from gongzhi.places.models import Grid

# Overlaps and gaps smaller than this, or thinner than this, are digitising noise along shared edges
# (two tools never put a shared edge at exactly the same coordinates), not a real problem.
SLIVER_M2 = 1.0
SLIVER_WIDTH_M = 0.1
MAX_FEATURES = 5000

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LNG_EQUATOR = 111_320.0

# Property names as they come out of common GIS tools and hand-made sheets, first one wins.
_PROPERTY_KEYS: dict[str, tuple[str, ...]] = {
    "code": ("code", "grid_code", "网格编码", "编码"),
    "name": ("name", "网格名称", "名称"),
    "kind": ("kind", "网格类型", "类型"),
    "covers": ("covers", "专属对象类型"),
    "covers_name": ("covers_name", "专属对象名称"),
}

_KIND_ALIASES: dict[str, str] = {
    "居民网格": GridKind.RESIDENTIAL,
    "居民": GridKind.RESIDENTIAL,
    "预留网格": GridKind.RESERVED,
    "预留": GridKind.RESERVED,
    "专属网格": GridKind.DEDICATED,
    "专属": GridKind.DEDICATED,
}

_COVER_ALIASES: dict[str, str] = {
    "园区": DedicatedCover.CAMPUS,
    "院区": DedicatedCover.CAMPUS,
    "园区/院区": DedicatedCover.CAMPUS,
    "楼宇": DedicatedCover.OFFICE_BUILDING,
    "商务楼宇": DedicatedCover.OFFICE_BUILDING,
    "市场": DedicatedCover.MARKET,
    "商贸市场": DedicatedCover.MARKET,
    "医院": DedicatedCover.HOSPITAL,
    "学校": DedicatedCover.SCHOOL,
    "工业园区": DedicatedCover.INDUSTRIAL_PARK,
    "机关单位": DedicatedCover.AGENCY,
    "机关": DedicatedCover.AGENCY,
    "景区": DedicatedCover.SCENIC_AREA,
    "其他": DedicatedCover.OTHER,
}

# A legacy GeoJSON "crs" member naming one of these is WGS-84 (or CGCS2000, the same to within a metre).
_GEOGRAPHIC_CRS = ("CRS84", "4326", "4490")


def normalise_kind(value: Any) -> str:
    text = str(value if value is not None else "").strip()
    if text.lower() in GridKind.values:
        return text.lower()
    return _KIND_ALIASES.get(text, text)


def normalise_cover(value: Any) -> str:
    text = str(value if value is not None else "").strip()
    if text.lower() in DedicatedCover.values:
        return text.lower()
    return _COVER_ALIASES.get(text, text)


# --- the report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureError:
    index: int | None  # 0-based position in ``features``; None for the file as a whole
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Overlap:
    codes: tuple[str, str]
    area_m2: float
    lng: float
    lat: float

    def as_dict(self) -> dict[str, Any]:
        return {"codes": list(self.codes), "area_m2": self.area_m2, "lng": self.lng, "lat": self.lat}


@dataclass(frozen=True)
class Gap:
    area_m2: float
    lng: float
    lat: float
    geometry: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"area_m2": self.area_m2, "lng": self.lng, "lat": self.lat, "geometry": self.geometry}


@dataclass(frozen=True)
class Outside:
    """Part of a grid lying outside its community's boundary (reported, does not block)."""

    code: str
    area_m2: float

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "area_m2": self.area_m2}


@dataclass
class ImportReport:
    community_code: str
    community_name: str = ""
    dry_run: bool = False
    accept_gaps: bool = False
    features: int = 0
    # "community": gaps are the parts of the community boundary no grid covers;
    # "holes": the community has no boundary, so gaps are holes enclosed by the grids.
    gap_basis: str = "holes"
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[FeatureError] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    outside: list[Outside] = field(default_factory=list)
    saved: bool = False

    def error(self, index: int | None, code: str, field_name: str, message: str) -> None:
        self.errors.append(FeatureError(index, code, field_name, message))

    def errors_from(self, index: int | None, code: str, exc: ValidationFailed) -> None:
        for name, message in (exc.fields or {"feature": exc.message}).items():
            self.error(index, code, name, message)

    @property
    def gap_area_m2(self) -> float:
        return round(float(sum(g.area_m2 for g in self.gaps)), 1)

    @property
    def blocked(self) -> bool:
        return bool(self.errors or self.overlaps or (self.gaps and not self.accept_gaps))

    @property
    def message(self) -> str:
        if self.saved:
            return (
                f"已导入：新增{len(self.created)}个网格，更新{len(self.updated)}个，"
                f"{len(self.unchanged)}个未变化"
            )
        problems = []
        if self.errors:
            problems.append(f"{len(self.errors)}处错误")
        if self.overlaps:
            problems.append(f"{len(self.overlaps)}处网格重叠")
        if self.gaps and not self.accept_gaps:
            problems.append(f"{len(self.gaps)}处空白区域（约{self.gap_area_m2:g}平方米）未被网格覆盖")
        if problems:
            head = "检查未通过：" if self.dry_run else "未导入："
            if self.errors or self.overlaps:
                return head + "、".join(problems) + "，请修改后重新上传"
            return head + "、".join(problems) + "；核对无误后，选择“允许空白区域”即可导入"
        return (
            f"检查通过：将新增{len(self.created)}个网格，更新{len(self.updated)}个，"
            f"{len(self.unchanged)}个未变化"
        )

    def field_messages(self) -> dict[str, str]:
        """The report's problems in the API error shape's ``fields`` (``features.3.code`` → message)."""
        out: dict[str, str] = {}
        for e in self.errors:
            key = "feature_collection" if e.index is None else f"features.{e.index}.{e.field}"
            out.setdefault(key, e.message)
        for o in self.overlaps:
            out.setdefault(f"overlaps.{o.codes[0]}.{o.codes[1]}", f"网格重叠约{o.area_m2:g}平方米")
        if self.gaps and not self.accept_gaps:
            out.setdefault("gaps", f"{len(self.gaps)}处空白区域未被网格覆盖")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "community_code": self.community_code,
            "community_name": self.community_name,
            "dry_run": self.dry_run,
            "accept_gaps": self.accept_gaps,
            "saved": self.saved,
            "blocked": self.blocked,
            "message": self.message,
            "features": self.features,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "overlaps": [o.as_dict() for o in self.overlaps],
            "gaps": [g.as_dict() for g in self.gaps],
            "gap_area_m2": self.gap_area_m2,
            "gap_basis": self.gap_basis,
            "outside": [o.as_dict() for o in self.outside],
        }


# --- reading a FeatureCollection ---------------------------------------------------------------------


@dataclass
class GridFeature:
    index: int
    code: str
    name: str
    kind: str
    covers: str
    covers_name: str
    # None: the feature has no geometry and the grid keeps the boundary it has.
    geom: Polygon | MultiPolygon | None
    boundary: dict[str, Any] | None
    code_ok: bool = True  # a valid code of this community, first use in the file


def _prop(props: Mapping[str, Any], key: str) -> Any:
    for name in _PROPERTY_KEYS[key]:
        if props.get(name) not in (None, ""):
            return props[name]
    return None


def _pick(props: Mapping[str, Any], key: str, saved_value: str) -> str:
    value = _prop(props, key)
    return _text(value) if value is not None else saved_value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _crs_problem(fc: Mapping[str, Any]) -> str:
    crs = fc.get("crs")
    if not crs:
        return ""
    name = _text((crs.get("properties") or {}).get("name")) if isinstance(crs, dict) else _text(crs)
    if any(tag in name.upper() for tag in _GEOGRAPHIC_CRS):
        return ""
    return f"坐标系“{name}”不受支持，请导出为WGS-84经纬度（EPSG:4326）"


def read_features(
    feature_collection: Any,
    *,
    community_code: str,
    existing: Mapping[str, Grid],
    report: ImportReport,
) -> list[GridFeature]:
    """Structure, grid codes and geometry of each feature; problems go to ``report.errors``.

    A property left out of a feature keeps the saved grid's value, so a file holding only codes and
    geometry (what most GIS tools export) updates boundaries without touching names or kinds.
    """
    fc = feature_collection
    if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection":
        report.error(None, "", "feature_collection", "文件不是GeoJSON FeatureCollection")
        return []
    raw_features = fc.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        report.error(None, "", "feature_collection", "文件中没有网格要素（features为空）")
        return []
    if len(raw_features) > MAX_FEATURES:
        report.error(
            None, "", "feature_collection", f"一次最多导入{MAX_FEATURES}个网格，文件中有{len(raw_features)}个"
        )
        return []
    if problem := _crs_problem(fc):
        report.error(None, "", "feature_collection", problem)
        return []
    report.features = len(raw_features)

    out: list[GridFeature] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(raw_features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            report.error(index, "", "feature", "不是GeoJSON Feature")
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            report.error(index, "", "properties", "properties应为对象")
            continue
        raw_code = _text(_prop(props, "code"))
        code, code_ok = raw_code, True
        try:
            code = codes.validate_grid_code(raw_code, community_code)
        except ValidationFailed as exc:
            report.errors_from(index, raw_code, exc)
            code_ok = False
        if code_ok and code in seen:
            report.error(index, code, "code", f"网格编码{code}在文件中重复（第{seen[code] + 1}个要素已使用）")
            code_ok = False
        elif code_ok:
            seen[code] = index
        saved = existing.get(code) if code_ok else None

        geom: Polygon | MultiPolygon | None = None
        boundary: dict[str, Any] | None = None
        if feature.get("geometry") is None:
            if saved is None:
                report.error(index, code, "geometry", "缺少网格边界（geometry为空）")
        else:
            try:
                geom = geo.parse_boundary(feature["geometry"], "geometry")
                boundary = geo.to_geojson(geom)
            except ValidationFailed as exc:
                report.errors_from(index, code, exc)

        out.append(
            GridFeature(
                index=index,
                code=code,
                name=_pick(props, "name", saved.name if saved else ""),
                kind=normalise_kind(_pick(props, "kind", saved.kind if saved else "")),
                covers=normalise_cover(_pick(props, "covers", saved.covers if saved else "")),
                covers_name=_pick(props, "covers_name", saved.covers_name if saved else ""),
                geom=geom,
                boundary=boundary,
                code_ok=code_ok,
            )
        )
    return out


# --- how the grids fit together ----------------------------------------------------------------------


class _LocalMetres:
    """Degrees → metres around a reference latitude, and back."""

    def __init__(self, lat0: float) -> None:
        self.kx = _M_PER_DEG_LNG_EQUATOR * math.cos(math.radians(lat0))
        self.ky = _M_PER_DEG_LAT
        self._scale = np.array([self.kx, self.ky])

    def forward(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: xy * self._scale)

    def back(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: xy / self._scale)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [p for part in getattr(geom, "geoms", []) for p in _polygons(part)]


def _area(value: float) -> float:
    return round(float(value), 1)


def _significant(piece: BaseGeometry, tolerance_m2: float) -> bool:
    """Bigger than the area tolerance and not a hairline: something survives shrinking by half the width."""
    if piece.area < tolerance_m2:
        return False
    return not shapely.buffer(piece, -SLIVER_WIDTH_M / 2, join_style="mitre").is_empty


def check_layout(
    report: ImportReport,
    shapes: Mapping[str, Polygon | MultiPolygon],
    community_boundary: Polygon | MultiPolygon | None,
    tolerance_m2: float = SLIVER_M2,
) -> None:
    """Overlaps between grids, gaps the grids leave, and grid parts outside the community."""
    report.gap_basis = "community" if community_boundary is not None else "holes"
    if not shapes:
        return
    codes_sorted = sorted(shapes)
    all_bounds = np.array([shapes[c].bounds for c in codes_sorted])
    lat0 = float((all_bounds[:, 1].min() + all_bounds[:, 3].max()) / 2)
    proj = _LocalMetres(lat0)
    metric = [proj.forward(shapes[c]) for c in codes_sorted]

    tree = STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        common = shapely.intersection(metric[i], metric[j])
        if not _significant(common, tolerance_m2):
            continue
        where = proj.back(common.representative_point())
        report.overlaps.append(
            Overlap((codes_sorted[i], codes_sorted[j]), _area(common.area), where.x, where.y)
        )

    union = shapely.union_all(metric)
    if community_boundary is not None:
        area = proj.forward(community_boundary)
        uncovered = shapely.difference(area, union)
        for code, g in zip(codes_sorted, metric, strict=True):
            out = shapely.difference(g, area)
            if _significant(out, tolerance_m2):
                report.outside.append(Outside(code, _area(out.area)))
    else:
        # Close hairline cracks first, or a hole whose rim has one would leak to the outside and vanish.
        half = SLIVER_WIDTH_M / 2
        closed = shapely.buffer(shapely.buffer(union, half, join_style="mitre"), -half, join_style="mitre")
        holes = [Polygon(ring) for p in _polygons(closed) for ring in p.interiors]
        uncovered = shapely.difference(shapely.union_all(holes), union) if holes else Polygon()
    for piece in sorted(_polygons(uncovered), key=lambda p: -p.area):
        if not _significant(piece, tolerance_m2):
            continue
        back = proj.back(piece)
        where = back.representative_point()
        report.gaps.append(Gap(_area(piece.area), where.x, where.y, shapely.geometry.mapping(back)))


# --- export ------------------------------------------------------------------------------------------


def grid_feature(grid: Grid) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": grid.boundary,
        "properties": {
            "code": grid.code,
            "name": grid.name,
            "kind": grid.kind,
            "kind_label": str(grid.get_kind_display()),
            "covers": grid.covers,
            "covers_name": grid.covers_name,
            "community_code": grid.community_code,
        },
    }


def feature_collection(grids: list[Grid]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [grid_feature(g) for g in grids]}


def same_boundary(saved: dict[str, Any] | None, geom: Polygon | MultiPolygon | None) -> bool:
    """Topologically equal: a re-export that lists the same ring from another vertex is no change."""
    if saved is None or geom is None:
        return saved is None and geom is None
    try:
        return bool(shape(saved).equals(geom))
    except (ValueError, TypeError, AttributeError, KeyError):
        return False
