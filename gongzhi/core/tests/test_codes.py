import pytest

from gongzhi.core import codes
from gongzhi.core.errors import ValidationFailed


@pytest.mark.parametrize("code", ["370115", "110105", "500101", "370125", "429004"])
def test_valid_district_codes(code):
    assert codes.validate_district_code(code) == code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("37011", "6位数字"),
        ("3701a5", "6位数字"),
        ("990115", "省级代码"),
        ("370100", "县级代码不能为00"),
        ("377515", "地市代码"),
    ],
)
def test_invalid_district_codes_say_why_in_chinese(code, fragment):
    with pytest.raises(ValidationFailed) as exc:
        codes.validate_district_code(code, field="district_code")
    assert fragment in exc.value.fields["district_code"]


def test_township_segments():
    assert codes.township_kind(1) == codes.TownshipKind.SUBDISTRICT
    assert codes.township_kind(99) == codes.TownshipKind.SUBDISTRICT
    assert codes.township_kind(100) == codes.TownshipKind.TOWN
    assert codes.township_kind(250) == codes.TownshipKind.TOWNSHIP
    assert codes.validate_subdistrict_code("370115001000", "370115") == "370115001000"
    with pytest.raises(ValidationFailed, match="最后三位应为000"):
        codes.validate_subdistrict_code("370115001001")
    with pytest.raises(ValidationFailed, match="不属于区县"):
        codes.validate_subdistrict_code("370116001000", "370115")
    with pytest.raises(ValidationFailed, match="001–599"):
        codes.validate_subdistrict_code("370115000000")


def test_community_kind_follows_the_village_segment():
    assert codes.community_kind("370115001001") == codes.CommunityKind.URBAN
    assert codes.community_kind("370115101201") == codes.CommunityKind.VILLAGE
    with pytest.raises(ValidationFailed, match="村委会"):
        codes.validate_community_code("370115101201", kind="urban")
    with pytest.raises(ValidationFailed, match="001–399"):
        codes.validate_community_code("370115001400")
    with pytest.raises(ValidationFailed, match="不属于街道"):
        codes.validate_community_code("370115002001", subdistrict_code="370115001000")


def test_grid_code_is_community_code_plus_sequence():
    assert codes.validate_grid_code("370115001001003", "370115001001") == "370115001001003"
    with pytest.raises(ValidationFailed, match="前12位应为所属社区代码"):
        codes.validate_grid_code("370115001002003", "370115001001")
    with pytest.raises(ValidationFailed, match="顺序号不能为000"):
        codes.validate_grid_code("370115001001000")
    with pytest.raises(ValidationFailed, match="15位数字"):
        codes.validate_grid_code("37011500100100")
