"""The scheduled work the task worker runs: the supervision sweep, the weekly warnings, the weekly
retraining and the nightly rollup rebuild are registered; heavy ones wait for their first boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.jobs.models import ScheduledRun
from gongzhi.jobs.tasks import schedules
from gongzhi.jobs.worker import schedule_due

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_every_scheduled_job_of_the_issue_is_registered():
    got = schedules()
    assert {
        "tickets.supervision",
        "mediation.weekly_warnings",
        "routing.retrain",
        "tickets.rollup_rebuild",
    } <= set(got)
    # 02:00 and Sunday 03:00 Beijing time (UTC+8) start their periods
    nightly, weekly = got["tickets.rollup_rebuild"], got["routing.retrain"]
    assert nightly.slot(dt.datetime(2026, 12, 7, 17, 59, tzinfo=UTC).timestamp()) + 1 == nightly.slot(
        dt.datetime(2026, 12, 7, 18, 0, tzinfo=UTC).timestamp()
    )
    sat = dt.datetime(2026, 12, 5, 19, 0, tzinfo=UTC)  # Sunday 03:00 in Beijing
    assert sat.weekday() == 5
    assert weekly.slot(sat.timestamp()) == weekly.slot((sat - dt.timedelta(seconds=1)).timestamp()) + 1


def test_heavy_schedules_wait_for_their_next_period_after_the_first_start():
    t0 = dt.datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    schedule_due(t0)
    first = {r.name: r for r in ScheduledRun.objects.all()}
    assert first["tickets.supervision"].finished_at is None  # queued to run now
    for heavy in ("tickets.rollup_rebuild", "routing.retrain"):
        assert first[heavy].finished_at is not None and first[heavy].result == {"skipped": "first start"}
    schedule_due(t0 + dt.timedelta(hours=13))  # 19:00 UTC: past 02:00 Beijing time
    runs = ScheduledRun.objects.filter(name="tickets.rollup_rebuild").order_by("slot")
    assert [r.finished_at is None for r in runs] == [False, True]  # the night's rebuild is queued


def test_the_nightly_rebuild_puts_the_rollup_back_to_what_the_records_say(district):
    from gongzhi.tickets import rollup
    from gongzhi.tickets.models import DailyStat
    from gongzhi.tickets.services import TicketInput, ticket_report

    ticket_report(
        actor=district.user("resident"),
        data=TicketInput(description="楼道灯坏了，晚上看不见", grid_code=district.grids["g1"].code),
    )
    want = rollup.computed()
    assert want
    DailyStat.objects.all().delete()  # drifted: a bug, a restore of one table
    out = schedules()["tickets.rollup_rebuild"].run()
    assert out[district.grids["g1"].code[:6]] > 0
    assert rollup.computed() == want and DailyStat.objects.count() == out[district.grids["g1"].code[:6]]


def test_the_weekly_retraining_with_too_few_decisions_says_so_and_fails_nothing(district):
    out = schedules()["routing.retrain"].run()
    assert "不足" in out["skipped"]
