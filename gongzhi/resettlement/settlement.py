"""The settlement of area differences (面积差结算), in Decimal only.

The difference is chosen area − entitled area (m², 2 decimals). The project's price bands cover the
signed difference in half-open bands (lower, upper]; the part of the difference inside each band is
priced at that band's price per m². Above zero the household pays; below zero it is paid back (the
amount is negative). Each line's amount is rounded to the fen (0.01 yuan) half up, and the total is the
sum of the rounded lines, so the statement adds up as printed. No float is used anywhere.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0")


class BandError(ValueError):
    """The bands do not cover the difference, or overlap."""


@dataclass(frozen=True)
class Band:
    lower: Decimal  # exclusive
    upper: Decimal | None  # inclusive; None: no upper bound
    price: Decimal  # yuan per m²
    label: str = ""


@dataclass(frozen=True)
class Line:
    label: str
    area: Decimal  # m² of the difference in this band (positive)
    price: Decimal
    amount: Decimal  # signed: positive the household pays


@dataclass(frozen=True)
class Settlement:
    entitled: Decimal
    chosen: Decimal
    difference: Decimal
    lines: tuple[Line, ...]
    amount: Decimal


def _d(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("settlement arithmetic takes Decimal, never float")
    return Decimal(value)


def check_bands(bands: list[Band]) -> None:
    ordered = sorted(bands, key=lambda b: b.lower)
    for a, b in itertools.pairwise(ordered):
        if a.upper is None or a.upper > b.lower:
            raise BandError("价格档区间重叠")
    for b in ordered:
        if b.upper is not None and b.upper <= b.lower:
            raise BandError("价格档上限应大于下限")
        if b.price < 0:
            raise BandError("单价不能为负")


def settle(entitled: Decimal, chosen: Decimal, bands: list[Band]) -> Settlement:
    entitled, chosen = _d(entitled).quantize(FEN), _d(chosen).quantize(FEN)
    check_bands(bands)
    diff = chosen - entitled
    lines: list[Line] = []
    # the stretch of the signed axis the difference covers: (0, diff] above zero, (diff, 0] below
    lo_end, hi_end, sign = (ZERO, diff, 1) if diff > 0 else (diff, ZERO, -1)
    covered = ZERO
    for band in sorted(bands, key=lambda b: b.lower):
        lo = max(_d(band.lower), lo_end)
        hi = hi_end if band.upper is None else min(_d(band.upper), hi_end)
        if hi <= lo:
            continue
        area = (hi - lo).quantize(FEN)
        amount = (area * _d(band.price) * sign).quantize(FEN, rounding=ROUND_HALF_UP)
        lines.append(Line(label=band.label, area=area, price=_d(band.price), amount=amount))
        covered += area
    if covered != abs(diff):
        raise BandError(f"价格档未覆盖面积差{diff}㎡")
    total = sum((line.amount for line in lines), ZERO).quantize(FEN)
    return Settlement(entitled=entitled, chosen=chosen, difference=diff, lines=tuple(lines), amount=total)
