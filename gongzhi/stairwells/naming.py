"""The naming rules of a civilised stairwell, pure: what one inspection does to the stairwell's standing.

- An inspection passes when every checklist item passes.
- A stairwell not named (or whose name was revoked) is named (五彩楼道/文明楼道) at its second passing
  inspection in a row, on different days.
- A named stairwell is re-inspected every calendar quarter: after each inspection the next is due by the
  end of the following quarter; past that day it is *overdue* (flagged, not revoked).
- A named stairwell loses its name (摘牌) at its second failing inspection in a row.
- A second inspection on the same day with the same outcome counts once; inspections are applied in date
  order (the service refuses one dated before the last).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

NONE, NAMED, REVOKED = "none", "named", "revoked"
PASSES_TO_NAME = 2
FAILS_TO_REVOKE = 2


@dataclass(frozen=True)
class Standing:
    status: str = NONE
    passes: int = 0  # passing inspections in a row
    fails: int = 0  # failing inspections in a row
    last_on: dt.date | None = None
    last_passed: bool | None = None
    named_on: dt.date | None = None
    revoked_on: dt.date | None = None
    next_due: dt.date | None = None


def passed(results: Mapping[str, bool], items: Iterable[str]) -> bool:
    """Every checklist item passes."""
    return all(bool(results.get(k)) for k in items)


def quarter_end(day: dt.date) -> dt.date:
    month = ((day.month - 1) // 3 + 1) * 3
    nxt = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def next_quarter_end(day: dt.date) -> dt.date:
    return quarter_end(quarter_end(day) + dt.timedelta(days=1))


def apply(s: Standing, ok: bool, on: dt.date) -> Standing:
    """The standing after one inspection on ``on`` (not before ``s.last_on``)."""
    if s.last_on is not None and on < s.last_on:
        raise ValueError("inspections are applied in date order")
    if s.last_on == on and s.last_passed == ok:
        return s  # the same finding twice in a day counts once
    if ok:
        s = replace(s, passes=s.passes + 1, fails=0, last_on=on, last_passed=True)
        if s.status != NAMED and s.passes >= PASSES_TO_NAME:
            s = replace(s, status=NAMED, named_on=on, revoked_on=None)
    else:
        s = replace(s, fails=s.fails + 1, passes=0, last_on=on, last_passed=False)
        if s.status == NAMED and s.fails >= FAILS_TO_REVOKE:
            s = replace(s, status=REVOKED, revoked_on=on)
    return replace(s, next_due=next_quarter_end(on) if s.status == NAMED else None)


def replay(outcomes: Iterable[tuple[dt.date, bool]], start: Standing | None = None) -> Standing:
    s = start or Standing()
    for on, ok in sorted(outcomes, key=lambda o: o[0]):
        s = apply(s, ok, on)
    return s


def overdue(s: Standing, today: dt.date) -> bool:
    """A named stairwell whose quarterly re-inspection is late."""
    return s.status == NAMED and s.next_due is not None and today > s.next_due
