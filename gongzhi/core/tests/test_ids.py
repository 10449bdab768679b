import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from gongzhi.core import ids
from gongzhi.core.errors import ValidationFailed


def make_id(area: str, birth: dt.date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@settings(max_examples=300, deadline=None)
@given(
    area=st.sampled_from(["372425", "370125", "370115", "110105", "440305", "999999", "370100"]),
    birth=st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31)),
    seq=st.integers(0, 999),
    corrupt=st.booleans(),
)
def test_id_validation_agrees_with_python_stdnum(area, birth, seq, corrupt):
    number = make_id(area, birth, seq)
    if corrupt:
        number = number[:17] + ("0" if number[17] != "0" else "1")
    try:
        ids.normalise_id_number(number)
        ours = True
    except ValidationFailed:
        ours = False
    assert ours == ric.is_valid(number)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "请填写"),
        ("1234", "18位"),
        ("11010519491231002A", "格式错误"),
        ("110105194913310021", "出生日期"),
        ("110105194912310020", "校验位"),
    ],
)
def test_bad_id_numbers_get_a_chinese_field_message(value, fragment):
    with pytest.raises(ValidationFailed) as exc:
        ids.normalise_id_number(value)
    assert fragment in exc.value.fields["id_number"]


def _phonenumbers_says(raw: str) -> str | None:
    """What normalise_phone answered before its fast path: phonenumbers' parse + is_valid_number."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return None
    digits = str(parsed.national_number)
    return digits if ids.is_mobile(digits) else "0" + digits


@settings(max_examples=2000, deadline=None)
@given(prefix=st.integers(100, 199), rest=st.integers(0, 10**8 - 1))
def test_the_mobile_fast_path_agrees_with_phonenumbers(prefix, rest):
    """Every 11-digit string starting with 1 (carrier prefixes 11x/12x/179 included): same answer."""
    raw = f"{prefix}{rest:08d}"
    try:
        ours: str | None = ids.normalise_phone(raw)
    except ValidationFailed:
        ours = None
    assert ours == _phonenumbers_says(raw)


def test_the_fast_paths_leave_unusual_input_to_the_libraries():
    assert ids.normalise_phone("1３８12345678") == "13812345678"  # a full-width digit, as phonenumbers
    assert _phonenumbers_says("17951381234") is None  # an IP-dialling prefix, not a mobile number
    with pytest.raises(ValidationFailed):
        ids.normalise_phone("17951381234")


@settings(max_examples=300, deadline=None)
@given(birth=st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), seq=st.integers(0, 999))
def test_birth_date_agrees_with_python_stdnum(birth, seq):
    number = make_id("370102", birth, seq)
    assert ids.birth_date_of(number) == ric.get_birth_date(number) == birth


def test_phones():
    assert ids.normalise_phone("138 1234 5678") == "13812345678"
    assert ids.normalise_phone("+86-138-1234-5678") == "13812345678"
    assert ids.normalise_phone("0531-88886666") == "053188886666"
    for bad in ["12345", "10012345678", "abc", "+1 415 555 0100"]:
        with pytest.raises(ValidationFailed) as exc:
            ids.normalise_phone(bad)
        assert "phone" in exc.value.fields


def test_masks():
    assert ids.mask_phone("13812345678") == "138****5678"
    assert ids.mask_id_number("11010519491231002X") == "1101**********002X"


def test_encryption_round_trip_and_tamper(settings):
    token = ids.encrypt("11010519491231002X")
    assert "1101" not in token
    assert ids.encrypt("11010519491231002X") != token  # random nonce: equal values do not look equal
    assert ids.decrypt(token) == "11010519491231002X"
    raw = bytearray(__import__("base64").b64decode(token))
    raw[-1] ^= 1
    with pytest.raises(ValueError, match="authentication"):
        ids.decrypt(__import__("base64").b64encode(bytes(raw)).decode())
    assert ids.keyed_hash("13812345678") == ids.keyed_hash("13812345678")
    settings.GONGZHI_DATA_KEY = "another-key"
    with pytest.raises(ValueError):
        ids.decrypt(token)
