"""The public-text filter: what it hides and what it leaves alone."""

from __future__ import annotations

import pytest

from gongzhi.core.masking import coarse, mask_public_text, road_of


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话***"),
        ("电话138 1234 5678", "电话***"),
        ("电话138-1234-5678", "电话***"),
        ("电话+86 13812345678", "电话***"),
        ("座机0531-88881234", "座机***"),
        ("座机(0531)88881234转12", "座机***"),
        ("座机010 1234 5678", "座机***"),
        ("身份证370125194503021234", "身份证***"),
        ("身份证37012519450302123X", "身份证***"),
        ("身份证 370125 19450302 123x", "身份证 ***"),
        ("老身份证370125450302123", "老身份证***"),
        ("卡号6222021234567890123", "卡号***"),
        ("住3号楼2单元301室", "住某处"),
        ("住3栋201", "住某处"),
        ("住三号楼二单元", "住某处"),
        ("住3-2-301", "住某处"),
        ("楼上302装修", "楼上某处装修"),
        ("A座1203", "某处"),
        ("幸福路12号路灯不亮", "幸福路某处路灯不亮"),
    ],
)
def test_numbers_and_doors_are_replaced(text, masked):
    assert mask_public_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "12月10号下午路灯不亮",
        "地铁1号线出口",
        "两户人家在一楼大厅",
        "共5户，费用30元，15个小时",
        "工单20261201-0000123已合并",
        "2026-12-01T09:30:00+08:00",
        "银山社区小区东门",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert mask_public_text(text) == text


def test_names_are_replaced_longest_first_and_single_characters_kept():
    text = "独居老人张桂兰，儿子张桂兰子，邻居王"
    assert mask_public_text(text, ["张桂兰", "张桂兰子", "王", ""]) == "独居老人某某，儿子某某，邻居王"
    assert mask_public_text(None) == ""


def test_road_and_points():
    assert road_of("银山路与济北路路口东侧") == "银山路"
    assert road_of("济南市历城区幸福路88号") == "济南市历城区幸福路"
    assert road_of("银山社区小区1号楼1单元101") == ""
    assert road_of("3号楼旁边的路") == ""
    assert coarse(36.985123) == 36.985 and coarse(36.985123, 2) == 36.99 and coarse(None) is None
