"""Deadlines in bulk: ``workdays.calendar.deadline_for`` against chinesecalendar's own arithmetic.

    python -m bench.deadlines [--n 20000] [--seed 1]

Times N working-day deadlines (random starts in 2026, 1–15 working days) through ``deadline_for``
and, as the bare baseline, ``chinese_calendar.find_workday`` for the same inputs (a lookup in the
package's own holiday sets, no time of day, no table, no fallback); then N working-hour deadlines.
Prints one JSON document: deadlines per second of each, the ratio against the baseline, whether the
working-day dates agree, and the database queries made during the timed loops (the cache should make
that 0, or 1 when the version check falls due).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from collections.abc import Sequence


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def run(n: int, seed: int) -> dict:
    import chinese_calendar
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.workdays.calendar import SHANGHAI, deadline_for
    from gongzhi.workdays.enums import LimitUnit

    rng = random.Random(seed)
    base = dt.datetime(2026, 1, 1, tzinfo=SHANGHAI)
    # stay inside the years chinesecalendar covers, so the baseline can answer
    inputs = [
        (base + dt.timedelta(minutes=rng.randrange(0, 330 * 24 * 60)), rng.randint(1, 15)) for _ in range(n)
    ]
    deadline_for(base, 1, LimitUnit.WORKING_DAYS)  # warm the cache, as a running process has it

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        ours = [deadline_for(start, amount, LimitUnit.WORKING_DAYS).at.date() for start, amount in inputs]
        t_days = time.perf_counter() - t0
        t0 = time.perf_counter()
        for start, amount in inputs:
            deadline_for(start, amount * 4, LimitUnit.WORKING_HOURS)
        t_hours = time.perf_counter() - t0
    t0 = time.perf_counter()
    one = dt.timedelta(days=1)  # the start day is not counted: the first working day after it is day 1
    theirs = [chinese_calendar.find_workday(amount - 1, start.date() + one) for start, amount in inputs]
    t_base = time.perf_counter() - t0
    return {
        "benchmark": "deadlines",
        "n": n,
        "working_days": {"per_second": round(n / t_days), "ratio_vs_baseline": round(t_base / t_days, 2)},
        "working_hours": {"per_second": round(n / t_hours)},
        "baseline_find_workday": {"per_second": round(n / t_base)},
        "agree": ours == theirs,
        "queries": len(queries),
        "python": platform.python_version(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    _setup()
    json.dump(run(args.n, args.seed), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
