"""Small builders for GeoJSON test files (grid squares on the test district's lattice)."""

from __future__ import annotations

from typing import Any

from gongzhi.testing import square


def feature(
    code: str, geometry: dict | None, name: str = "", kind: str = "residential", **extra: Any
) -> dict:
    props: dict[str, Any] = {"code": code, "kind": kind, **extra}
    props["name"] = name or f"网格{code[-3:]}"
    return {"type": "Feature", "geometry": geometry, "properties": props}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def rect(lng0: float, lat0: float, lng1: float, lat1: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lng0, lat0], [lng1, lat0], [lng1, lat1], [lng0, lat1], [lng0, lat0]]],
    }


__all__ = ["collection", "feature", "rect", "square"]
