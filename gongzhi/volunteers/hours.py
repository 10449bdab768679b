"""How service hours are counted (志愿服务记录): the rule in one place.

- Counted from check-in to check-out, **within the session's scheduled time**: arriving early, staying on
  after the end and the journey there and back are not service time (travel excluded). An organiser who
  knows a volunteer served longer corrects it through an edit request.
- Rounded **to the nearest half hour**, a quarter hour or more counting as a half (1 h 44 min → 1.5 h,
  1 h 45 min → 2 h, 14 min → 0 h), at most 24 h: the few seconds between scanning the code and the
  scheduled end never cost anyone half an hour.
- Recorded by whoever organised the activity (谁组织谁记录): hours are pending until the activity's
  organiser confirms them; only confirmed hours count towards a volunteer's total and star level.
- Star levels at 100 / 300 / 600 / 1000 / 1500 confirmed hours (一星 … 五星).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from gongzhi.volunteers.enums import STAR_LABELS, STAR_THRESHOLDS, star_level_for

HALF = Decimal("0.5")
MAX_HOURS = Decimal("24")


def round_hours(seconds: float) -> Decimal:
    raw = Decimal(max(0.0, seconds)) / Decimal(3600)
    value = (raw / HALF).to_integral_value(rounding=ROUND_HALF_UP) * HALF
    return min(value, MAX_HOURS).quantize(Decimal("0.1"))


def counted_span(
    check_in: dt.datetime, check_out: dt.datetime, starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The part of [check-in, check-out] inside the session's time; an empty span when they miss."""
    start = max(check_in, starts_at)
    end = min(check_out, ends_at)
    return (start, end) if end > start else (start, start)


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    return round_hours((end - start).total_seconds())


def star_label(level: int) -> str:
    return STAR_LABELS[max(0, min(level, len(STAR_LABELS) - 1))]


def next_star(hours: Decimal) -> tuple[str, Decimal] | None:
    """The next level and the hours still missing, or None at five stars."""
    level = star_level_for(hours)
    if level >= len(STAR_THRESHOLDS):
        return None
    return STAR_LABELS[level + 1], STAR_THRESHOLDS[level] - hours


# The "678" pattern (党员驿站): Saturdays, Sundays, and after the 8 working hours on weekdays.
PATTERN_678 = [
    *({"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)),
    {"weekday": 5, "start": "08:00", "end": "21:00"},
    {"weekday": 6, "start": "08:00", "end": "21:00"},
]
PATTERNS = {"678": PATTERN_678}
