"""Opening hours of a venue and the "678" after-hours pattern (错时延时服务): besides its regular hours a
"678" venue is open on weekday evenings (after the 8 working hours) and at the weekend, so residents who
work can come. The evening and weekend windows are data here (``AFTER_HOURS``), one place to change them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

WEEKDAYS = "一二三四五六日"
WEEKDAY_NAMES = [
    gettext_noop("周一"),
    gettext_noop("周二"),
    gettext_noop("周三"),
    gettext_noop("周四"),
    gettext_noop("周五"),
    gettext_noop("周六"),
    gettext_noop("周日"),
]
# "678": weekday evenings and the weekend day time (weekday → (from, to)).
AFTER_HOURS: dict[int, tuple[dt.time, dt.time]] = {
    **{d: (dt.time(17, 0), dt.time(21, 0)) for d in range(5)},
    5: (dt.time(9, 0), dt.time(18, 0)),
    6: (dt.time(9, 0), dt.time(18, 0)),
}


def windows(venue: Any, day: int) -> list[tuple[dt.time, dt.time]]:
    """The open windows of a venue on a weekday (0 = Monday)."""
    out: list[tuple[dt.time, dt.time]] = []
    if day in (venue.open_weekdays or []):
        out.append((venue.opens_at, venue.closes_at))
    if venue.after_hours_678 and day in AFTER_HOURS:
        out.append(AFTER_HOURS[day])
    return out


def is_open_between(venue: Any, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether [starts_at, ends_at) lies on one day inside the union of that day's windows."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date() and not (
        end.date() == start.date() + dt.timedelta(days=1) and end.time() == dt.time(0)
    ):
        return False
    spans = sorted(windows(venue, start.weekday()))
    t0, t1 = start.time(), end.time() if end.date() == start.date() else dt.time(23, 59, 59)
    reach = None  # the end of the joined windows that cover t0
    for a, b in spans:
        if reach is None:
            if a <= t0 < b:
                reach = b
        elif a <= reach:
            reach = max(reach, b)
    return reach is not None and t1 <= reach


def describe(venue: Any) -> str:
    """“周一至周五 09:00–17:00；“678”：工作日17:00–21:00、周末09:00–18:00” for pages and the register."""
    days = sorted(venue.open_weekdays or [])
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        day_text = gettext("%(first)s至%(last)s") % {
            "first": gettext(WEEKDAY_NAMES[days[0]]),
            "last": gettext(WEEKDAY_NAMES[days[-1]]),
        }
    else:
        day_text = gettext("、").join(gettext(WEEKDAY_NAMES[d]) for d in days) or gettext("不定期")
    text = f"{day_text} {venue.opens_at:%H:%M}–{venue.closes_at:%H:%M}"
    if venue.after_hours_678:
        ev, we = AFTER_HOURS[0], AFTER_HOURS[5]
        text += gettext("；“678”：工作日%(evening)s、周末%(weekend)s") % {
            "evening": f"{ev[0]:%H:%M}–{ev[1]:%H:%M}",
            "weekend": f"{we[0]:%H:%M}–{we[1]:%H:%M}",
        }
    return text
