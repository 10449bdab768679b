"""How grids fit together (overlaps, gaps, slivers) and how a file is read: pure, no database."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from gongzhi.places import boundaries
from gongzhi.places.boundaries import ImportReport, check_layout, normalise_cover, normalise_kind


def _check(shapes, community=None) -> ImportReport:
    report = ImportReport(community_code="370115001001")
    check_layout(report, shapes, community)
    return report


def test_neighbours_sharing_an_edge_neither_overlap_nor_leave_a_gap():
    report = _check({"a": box(117.0, 36.0, 117.01, 36.01), "b": box(117.01, 36.0, 117.02, 36.01)})
    assert report.overlaps == [] and report.gaps == [] and not report.blocked


def test_overlap_pairs_are_ordered_and_measured():
    report = _check(
        {
            "c": box(117.0, 36.0, 117.01, 36.01),
            "a": box(117.005, 36.0, 117.015, 36.01),
            "b": box(117.5, 36.0, 117.51, 36.01),
        }
    )
    assert [o.codes for o in report.overlaps] == [("a", "c")]
    # 0.005° × 0.01° at 36°N: 450.3 m × 1105.7 m
    assert abs(report.overlaps[0].area_m2 - 497_900) / 497_900 < 0.01
    assert report.blocked


def test_hairline_overlaps_and_cracks_are_noise():
    # A shared edge digitised twice, 2 cm apart: a 1 km strip of about 20 m², but a hairline.
    eps = 0.02 / 89_000
    shapes = {"a": box(117.0, 36.0, 117.01 + eps, 36.01), "b": box(117.01, 36.0, 117.02, 36.01)}
    assert _check(shapes).overlaps == []
    cracked = {"a": box(117.0, 36.0, 117.01 - eps, 36.01), "b": box(117.01, 36.0, 117.02, 36.01)}
    assert _check(cracked, community=box(117.0, 36.0, 117.02, 36.01)).gaps == []


def test_a_hole_with_a_cracked_rim_is_still_a_hole():
    eps = 0.02 / 89_000
    ring = {
        "w": box(117.00, 36.00, 117.01 - eps, 36.03),  # a hairline crack along its eastern edge
        "e": box(117.02, 36.00, 117.03, 36.03),
        "s": box(117.01, 36.00, 117.02, 36.01),
        "n": box(117.01, 36.02, 117.02, 36.03),
    }
    report = _check(ring)
    assert report.gap_basis == "holes"
    assert len(report.gaps) == 1
    assert abs(report.gaps[0].lng - 117.015) < 0.005 and abs(report.gaps[0].lat - 36.015) < 0.005


def test_gaps_against_the_community_boundary():
    report = _check({"a": box(117.0, 36.0, 117.01, 36.01)}, community=box(117.0, 36.0, 117.02, 36.01))
    assert report.gap_basis == "community" and len(report.gaps) == 1
    assert report.blocked
    report.accept_gaps = True
    assert not report.blocked


def test_kind_and_cover_aliases():
    assert normalise_kind("居民网格") == "residential"
    assert normalise_kind(" Dedicated ") == "dedicated"
    assert normalise_kind("预留") == "reserved"
    assert normalise_kind("其他") == "其他"  # left for the validator to refuse with its message
    assert normalise_cover("学校") == "school"
    assert normalise_cover("商务楼宇") == "office_building"


def test_numeric_codes_from_spreadsheets_are_read_as_text():
    report = ImportReport(community_code="370115001001")
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[117, 36], [117.01, 36], [117.01, 36.01], [117, 36]]],
                },
                "properties": {"code": 370115001001001.0, "name": "一网格", "kind": "居民网格"},
            }
        ],
    }
    features = boundaries.read_features(fc, community_code="370115001001", existing={}, report=report)
    assert report.errors == []
    assert [(f.code, f.kind, f.code_ok) for f in features] == [("370115001001001", "residential", True)]


@pytest.mark.parametrize(
    ("fc", "message"),
    [
        ([], "文件不是GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "文件中没有网格要素（features为空）"),
        (
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                "features": [{}],
            },
            "坐标系“EPSG:3857”不受支持，请导出为WGS-84经纬度（EPSG:4326）",
        ),
    ],
)
def test_file_level_errors(fc, message):
    report = ImportReport(community_code="370115001001")
    assert boundaries.read_features(fc, community_code="370115001001", existing={}, report=report) == []
    assert [(e.index, e.field, e.message) for e in report.errors] == [(None, "feature_collection", message)]
    assert report.blocked
