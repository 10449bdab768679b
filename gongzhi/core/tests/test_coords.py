import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.core.coords import CHINA_BBOX, CoordSystem, clean_point, from_wgs84, to_wgs84
from gongzhi.core.errors import ValidationFailed
from gongzhi.places.geo import CHINA_BBOX as PLACES_CHINA_BBOX

TIANANMEN_WGS84 = (116.397128, 39.916527)

china_lng = st.floats(min_value=CHINA_BBOX[0], max_value=CHINA_BBOX[2])
china_lat = st.floats(min_value=CHINA_BBOX[1], max_value=CHINA_BBOX[3])
shifted = st.sampled_from([CoordSystem.GCJ02, CoordSystem.BD09])


def close(a, b, tol=1e-6):
    return abs(a[0] - b[0]) < tol and abs(a[1] - b[1]) < tol


def test_the_bbox_is_the_places_one():
    assert CHINA_BBOX == PLACES_CHINA_BBOX


@settings(max_examples=300, deadline=None)
@given(lng=china_lng, lat=china_lat, system=shifted)
def test_wgs84_there_and_back(lng, lat, system):
    there = from_wgs84(lng, lat, system)
    assert not close(
        there, (lng, lat), tol=1e-4
    )  # inside China the shift is real (tens to hundreds of metres)
    assert close(to_wgs84(*there, system), (lng, lat))


@settings(max_examples=300, deadline=None)
@given(lng=china_lng, lat=china_lat, system=shifted)
def test_reported_point_there_and_back(lng, lat, system):
    assert close(from_wgs84(*to_wgs84(lng, lat, system), system), (lng, lat))


def test_tiananmen_gcj02_offset_and_precise_inverse():
    gcj = from_wgs84(*TIANANMEN_WGS84, "gcj02")
    assert gcj[0] - TIANANMEN_WGS84[0] == pytest.approx(0.0062, abs=0.0002)
    assert gcj[1] - TIANANMEN_WGS84[1] == pytest.approx(0.0014, abs=0.0002)
    back = to_wgs84(*gcj, "gcj02")
    assert close(back, TIANANMEN_WGS84)
    # the one-step approximation (subtract the offset computed at the GCJ-02 point) is measurably worse
    naive = (2 * gcj[0] - from_wgs84(*gcj, "gcj02")[0], 2 * gcj[1] - from_wgs84(*gcj, "gcj02")[1])
    assert not close(naive, TIANANMEN_WGS84, tol=1e-7)
    assert close(back, TIANANMEN_WGS84, tol=1e-9)


def test_tiananmen_bd09():
    bd = from_wgs84(*TIANANMEN_WGS84, "bd09")
    # Baidu adds roughly +0.0065 lng, +0.006 lat on top of GCJ-02
    assert bd[0] - TIANANMEN_WGS84[0] == pytest.approx(0.0062 + 0.0065, abs=0.0005)
    assert bd[1] - TIANANMEN_WGS84[1] == pytest.approx(0.0014 + 0.006, abs=0.0005)
    assert close(to_wgs84(*bd, "bd09"), TIANANMEN_WGS84)


def test_outside_china_gcj02_is_wgs84():
    tokyo = (139.6917, 35.6895)
    assert from_wgs84(*tokyo, "gcj02") == tokyo
    assert to_wgs84(*tokyo, "gcj02") == tokyo


def test_wgs84_passes_through():
    assert to_wgs84(116.5, 39.9, "wgs84") == (116.5, 39.9)


def test_clean_point_converts_and_rounds():
    gcj = from_wgs84(*TIANANMEN_WGS84, "gcj02")
    lng, lat = clean_point(gcj[0], gcj[1], "gcj02")
    assert (lng, lat) == (round(lng, 7), round(lat, 7))
    assert close((lng, lat), TIANANMEN_WGS84, tol=1e-6)
    assert clean_point("116.397128", "39.916527") == TIANANMEN_WGS84  # form posts send strings
    assert clean_point(116.397128, 39.916527, "GCJ-02") == clean_point(116.397128, 39.916527, "gcj02")


@pytest.mark.parametrize(
    ("lng", "lat", "system", "fragment"),
    [
        (math.nan, 39.9, "wgs84", "有限"),
        (116.4, math.inf, "wgs84", "有限"),
        ("abc", 39.9, "wgs84", "经度必须是数字"),
        (116.4, "北纬39度", "wgs84", "纬度必须是数字"),
        (None, 39.9, "wgs84", "缺少经度"),
        (116.4, "", "wgs84", "缺少纬度"),
        (True, 39.9, "wgs84", "经度必须是数字"),
        ([116.4], 39.9, "wgs84", "经度必须是数字"),
        ("1e999", 39.9, "wgs84", "有限"),
        (39.916527, 116.397128, "wgs84", "写反"),
        (200.0, 39.9, "wgs84", "-180到180"),
        (116.4, -95.0, "wgs84", "-90到90"),
        (-0.1276, 51.5072, "wgs84", "不在中国境内"),
        (116.4, 39.9, "mercator", "未知的坐标系"),
        (116.4, 39.9, None, "未知的坐标系"),
    ],
)
def test_clean_point_refuses(lng, lat, system, fragment):
    with pytest.raises(ValidationFailed) as exc:
        clean_point(lng, lat, system, field="where")
    assert fragment in exc.value.fields["where"]
    assert exc.value.status == 400


def test_unknown_system_in_the_plain_functions():
    with pytest.raises(ValueError, match="unknown coordinate system"):
        to_wgs84(116.4, 39.9, "utm")
