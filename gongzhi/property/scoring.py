"""The quarterly assessment's arithmetic, on plain figures (no database): each indicator scored 0–100,
the weighted score, the ranking.

- 居民评价 (resident_rating): the average of the residents' 1–5 ratings × 20.
- 按时办结率 (on_time_rate): property-category tickets handled by their deadline / those due × 100.
- 满意率 (satisfaction_rate): satisfied or fairly satisfied / called back × 100.
- 重复投诉 (repeat_complaints): 100 − repeated complaints / property tickets reported × 100.
- 决议落实率 (resolutions_done): joint-meeting resolutions carried out / resolutions to carry out × 100.

An indicator without figures (nothing rated, nothing due …) is left out, and the weights of the others are
scaled up to 100: a company is neither rewarded nor punished for a quarter without complaints. A subject
with no figures at all scores 0. Equal scores share a rank (1, 1, 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gongzhi.property.enums import INDICATORS

_TWO = Decimal("0.01")


@dataclass
class Figures:
    rating_sum: int = 0
    ratings: int = 0
    due: int = 0
    on_time: int = 0
    callbacks: int = 0
    satisfied: int = 0
    reported: int = 0
    repeats: int = 0
    resolutions_due: int = 0
    resolutions_done: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _q(value: Decimal) -> Decimal:
    return value.quantize(_TWO, ROUND_HALF_UP)


def _ratio(num: int, den: int) -> dict[str, Any]:
    if den <= 0:
        return {"value": None, "numerator": num, "denominator": den, "score": None}
    share = Decimal(num) / Decimal(den)
    return {
        "value": float(_q(share * 100)),
        "numerator": num,
        "denominator": den,
        "score": float(_q(share * 100)),
    }


def indicators(f: Figures) -> dict[str, dict[str, Any]]:
    """Each indicator's value, numerator, denominator and 0–100 score (None without figures)."""
    out: dict[str, dict[str, Any]] = {}
    if f.ratings > 0:
        avg = Decimal(f.rating_sum) / Decimal(f.ratings)
        out["resident_rating"] = {
            "value": float(_q(avg)),
            "numerator": f.rating_sum,
            "denominator": f.ratings,
            "score": float(_q(avg * 20)),
        }
    else:
        out["resident_rating"] = {"value": None, "numerator": 0, "denominator": 0, "score": None}
    out["on_time_rate"] = _ratio(f.on_time, f.due)
    out["satisfaction_rate"] = _ratio(f.satisfied, f.callbacks)
    repeat = _ratio(f.repeats, f.reported)
    if repeat["score"] is not None:
        repeat["score"] = float(_q(Decimal(100) - Decimal(str(repeat["score"]))))
    out["repeat_complaints"] = repeat
    out["resolutions_done"] = _ratio(f.resolutions_done, f.resolutions_due)
    return out


def weighted_score(values: dict[str, dict[str, Any]], weights: dict[str, Any]) -> Decimal:
    """Σ weight × score / Σ weight over the indicators that have a score (0 when none has)."""
    total = Decimal(0)
    used = Decimal(0)
    for key in INDICATORS:
        score = values.get(key, {}).get("score")
        w = Decimal(str(weights.get(key, 0) or 0))
        if score is None or w <= 0:
            continue
        total += Decimal(str(score)) * w
        used += w
    return _q(total / used) if used > 0 else Decimal("0.00")


def ranks(scores: list[Decimal]) -> list[int]:
    """Competition ranks of ``scores`` in their given order (best = 1; equal scores share a rank)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    out = [0] * len(scores)
    rank = 0
    for pos, i in enumerate(order):
        if pos == 0 or scores[i] != scores[order[pos - 1]]:
            rank = pos + 1
        out[i] = rank
    return out
