"""The contest's arithmetic, pure: a scoring sheet's total against the criteria, and the ranking.

A sheet gives each criterion whole or half points from 0 to its maximum; its total is their sum. An
entry's score is the mean of its sheets' totals, rounded half up to two places (Decimal throughout). The
ranking is standard competition ranking ("1, 2, 2, 4"): equal scores share a rank, the next rank skips.
The first ``winners`` ranks win (so a tie at the edge lets both in). An entry without a sheet is not
ranked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

HALF = Decimal("0.5")
CENT = Decimal("0.01")


class SheetError(ValueError):
    """A sheet or criteria list that does not add up; ``field`` names what, ``message`` says it in Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def check_criteria(criteria: Any) -> list[dict[str, Any]]:
    """``[{"key", "label", "max"}]``: 1–10 criteria, distinct keys, positive whole maxima summing to 100."""
    if not isinstance(criteria, list) or not 1 <= len(criteria) <= 10:
        raise SheetError("criteria", "评分标准应有1到10项")
    out: list[dict[str, Any]] = []
    keys: set[str] = set()
    for c in criteria:
        if not isinstance(c, Mapping):
            raise SheetError("criteria", "评分标准格式不正确")
        key, label, top = str(c.get("key", "")).strip(), str(c.get("label", "")).strip(), c.get("max")
        if not key or not label or key in keys or len(key) > 30 or len(label) > 30:
            raise SheetError("criteria", "每项评分标准应有不重复的名称")
        if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= 100:
            raise SheetError("criteria", f"“{label}”的满分应为1到100之间的整数")
        keys.add(key)
        out.append({"key": key, "label": label, "max": top})
    if sum(c["max"] for c in out) != 100:
        raise SheetError("criteria", "各项评分标准的满分合计应为100分")
    return out


def sheet_total(
    criteria: Sequence[Mapping[str, Any]], scores: Mapping[str, Any]
) -> tuple[dict[str, str], Decimal]:
    """The sheet's points per criterion (as text, exact) and their total; every criterion scored once."""
    known = {c["key"]: c for c in criteria}
    stray = set(scores) - set(known)
    if stray:
        raise SheetError("scores", f"评分表中有未知的评分项：{'、'.join(sorted(map(str, stray)))}")
    clean: dict[str, str] = {}
    total = Decimal(0)
    for key, c in known.items():
        if key not in scores or scores[key] is None or scores[key] == "":
            raise SheetError("scores", f"请为“{c['label']}”打分")
        raw = scores[key]
        try:
            points = Decimal(repr(raw) if isinstance(raw, float) else str(raw).strip())
        except (InvalidOperation, ValueError):
            raise SheetError("scores", f"“{c['label']}”的得分应为数字") from None
        if not points.is_finite() or points < 0 or points > c["max"] or points % HALF != 0:
            raise SheetError("scores", f"“{c['label']}”的得分应为0到{c['max']}分（可含0.5分）")
        clean[key] = str(points.normalize() if points == points.to_integral() else points)
        total += points
    return clean, total


def mean(totals: Sequence[Decimal]) -> Decimal:
    return (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ranked:
    key: Any
    average: Decimal | None
    rank: int | None
    winner: bool


def rank(totals: Mapping[Any, Sequence[Decimal]], winners: int) -> list[Ranked]:
    """Entries (key → their sheets' totals) ranked by mean; unscored entries last, unranked."""
    scored = sorted(((key, mean(ts)) for key, ts in totals.items() if ts), key=lambda kv: (-kv[1], kv[0]))
    out: list[Ranked] = []
    previous: Decimal | None = None
    current = 0
    for position, (key, avg) in enumerate(scored, start=1):
        if avg != previous:
            current, previous = position, avg
        out.append(Ranked(key, avg, current, current <= winners))
    out.extend(Ranked(key, None, None, False) for key, ts in totals.items() if not ts)
    return out
