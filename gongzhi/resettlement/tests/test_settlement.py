"""Settlement of area differences on hand-made cases, in decimals: each case's figures were worked out by
hand below; the half-up case is one a float gets wrong (0.35 × 1.50 = 0.525, a float says 0.5249…)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gongzhi.resettlement.settlement import Band, BandError, settle

BANDS = [
    Band(D("-1000"), D("0"), D("2500.00"), "面积不足部分退款"),
    Band(D("0"), D("5"), D("3000.00"), "超出5㎡以内"),
    Band(D("5"), None, D("4500.50"), "超出5㎡以上"),
]


def test_more_area_than_entitled_is_paid_band_by_band():
    s = settle(D("120.00"), D("128.37"), BANDS)
    # 5.00 × 3000.00 = 15000.00; 3.37 × 4500.50 = 15166.685 → 15166.69; total 30166.69
    assert s.difference == D("8.37")
    assert [(x.area, x.amount) for x in s.lines] == [(D("5.00"), D("15000.00")), (D("3.37"), D("15166.69"))]
    assert s.amount == D("30166.69")


def test_less_area_than_entitled_is_paid_back():
    s = settle(D("150"), D("143.55"), BANDS)
    # −6.45 × 2500.00 = −16125.00
    assert s.difference == D("-6.45") and s.amount == D("-16125.00")
    assert [x.label for x in s.lines] == ["面积不足部分退款"]


def test_half_a_fen_rounds_up_where_a_float_would_round_down():
    s = settle(D("80.00"), D("80.35"), [Band(D("0"), None, D("1.50"), "补差")])
    assert 0.35 * 1.5 < 0.525  # the float product falls short of the half fen …
    assert s.amount == D("0.53")  # … the decimal one does not


def test_no_difference_no_money():
    s = settle(D("100.00"), D("100.00"), BANDS)
    assert s.difference == D("0.00") and s.lines == () and s.amount == D("0.00")


def test_bands_must_cover_and_not_overlap_and_floats_are_refused():
    with pytest.raises(BandError, match="未覆盖"):
        settle(D("100"), D("90"), BANDS[1:])
    with pytest.raises(BandError, match="重叠"):
        settle(D("100"), D("101"), [Band(D("0"), D("5"), D("1"), "a"), Band(D("4"), None, D("2"), "b")])
    with pytest.raises(TypeError):
        settle(100.0, D("101"), BANDS)  # type: ignore[arg-type]
