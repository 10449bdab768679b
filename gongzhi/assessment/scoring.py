"""The arithmetic of a run, on plain numbers (no database): a line's 0–100 score, the weighted total, ranks.

- 线性计分 (linear): 0 at the floor, 100 at the target, straight in between, capped at 0 and 100. For a
  lower-is-better indicator the floor is the larger number (e.g. 10 reworks → 0, none → 100).
- 达标计分 (threshold): 100 when the target is reached (≥ it, or ≤ it when lower is better), else 0.
- A line's points are its score × its weight ÷ 100; the total is the sum of the points. A line whose
  value is missing (a rate with nothing to divide by: no ticket due, nobody to visit) is left out and the
  total is scaled up by 100 ÷ the weight of the lines that have a value, so that a grid is neither
  rewarded nor punished for having had nothing to do; without any value the total is 0.
- Equal totals share a rank (1, 1, 3).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gongzhi.assessment.enums import Direction, Rule

TWO = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(x: Decimal) -> Decimal:
    return x.quantize(TWO, ROUND_HALF_UP)


def line_score(
    value: float | None, *, rule: str, floor: Decimal, target: Decimal, direction: str
) -> Decimal | None:
    if value is None:
        return None
    v = Decimal(str(value))
    if rule == Rule.THRESHOLD:
        reached = v >= target if direction == Direction.HIGHER else v <= target
        return HUNDRED if reached else Decimal(0)
    if target == floor:
        return HUNDRED if (v >= target if direction == Direction.HIGHER else v <= target) else Decimal(0)
    share = (v - floor) / (target - floor)
    return q2(min(max(share, Decimal(0)), Decimal(1)) * HUNDRED)


def total(
    lines: list[dict[str, Any]], scores: dict[str, Decimal | None]
) -> tuple[Decimal, dict[str, Decimal | None]]:
    """The weighted total and each line's points (``None`` for a line without a value)."""
    points: dict[str, Decimal | None] = {}
    used = Decimal(0)
    s = Decimal(0)
    for line in lines:
        w = Decimal(str(line["weight"]))
        score = scores.get(line["indicator"])
        if score is None:
            points[line["indicator"]] = None
            continue
        p = q2(score * w / HUNDRED)
        points[line["indicator"]] = p
        s += score * w / HUNDRED
        used += w
    if used <= 0:
        return Decimal("0.00"), points
    return q2(s * HUNDRED / used), points


def ranks(totals: list[Decimal]) -> list[int]:
    """Competition ranks of ``totals`` in their given order (best = 1; equal totals share a rank)."""
    order = sorted(range(len(totals)), key=lambda i: -totals[i])
    out = [0] * len(totals)
    rank = 0
    for pos, i in enumerate(order):
        if pos == 0 or totals[i] != totals[order[pos - 1]]:
            rank = pos + 1
        out[i] = rank
    return out
