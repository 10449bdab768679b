"""Overdue visits on hand-made cases: weekly and monthly frequencies, the day a visit falls due, a visit
that moves the due day on, a visit before entry that does not count, a person leaving and coming back;
per carer and per grid."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.care import selectors
from gongzhi.care.enums import due_after
from gongzhi.care.services import membership_exit
from gongzhi.care.tests.factories import days_ago, enter, visit
from gongzhi.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_due_after_weekly_biweekly_monthly_quarterly():
    day = dt.date(2026, 1, 31)
    assert due_after(day, "weekly") == dt.date(2026, 2, 7)
    assert due_after(day, "biweekly") == dt.date(2026, 2, 14)
    assert due_after(day, "monthly") == dt.date(2026, 2, 28)  # no 31 February: the month's last day
    assert due_after(dt.date(2024, 1, 31), "monthly") == dt.date(2024, 2, 29)  # a leap year
    assert due_after(dt.date(2026, 12, 15), "monthly") == dt.date(2027, 1, 15)
    assert due_after(dt.date(2026, 11, 30), "quarterly") == dt.date(2027, 2, 28)


def _ids(d, today, **kw):
    return {
        m.person_id for m in selectors.overdue_list_for_actor(actor=d.user("grid_worker"), today=today, **kw)
    }


def test_weekly_member_is_overdue_the_day_after_the_seventh(district):
    d = district
    p = d.persons["g1"][0]
    m = enter(d, p, on=dt.date(2026, 3, 2), frequency="weekly")
    assert m.due_on == dt.date(2026, 3, 9)
    assert p.pk not in _ids(d, dt.date(2026, 3, 9))  # due that day, not yet overdue
    assert p.pk in _ids(d, dt.date(2026, 3, 10))


def test_a_visit_moves_the_due_day_and_one_before_entry_does_not_count(district):
    d = district
    p = d.persons["g1"][0]
    m = enter(d, p, on=days_ago(20), frequency="weekly")
    visit(d, p, on=days_ago(25))  # before the person entered: does not count for the group
    m.refresh_from_db()
    assert m.last_visited_on is None and m.due_on == days_ago(13)
    assert p.pk in _ids(d, days_ago(0))
    visit(d, p, on=days_ago(3))
    m.refresh_from_db()
    assert m.last_visited_on == days_ago(3) and m.due_on == days_ago(3) + dt.timedelta(days=7)
    assert p.pk not in _ids(d, days_ago(0))
    visit(d, p, on=days_ago(10))  # a late entry of an older visit does not move the due day back
    m.refresh_from_db()
    assert m.last_visited_on == days_ago(3)


def test_monthly_frequency(district):
    d = district
    p = d.persons["g1"][1]
    enter(d, p, "low_income", on=dt.date(2026, 1, 31), frequency="monthly")
    assert p.pk not in _ids(d, dt.date(2026, 2, 28))
    assert p.pk in _ids(d, dt.date(2026, 3, 1))


def test_leaving_and_coming_back(district):
    d = district
    p = d.persons["g1"][2]
    m = enter(d, p, on=days_ago(60), frequency="monthly")
    assert p.pk in _ids(d, days_ago(0))
    membership_exit(
        actor=d.user("grid_worker"), membership_id=m.pk, exited_on=days_ago(1), reason="搬离本社区"
    )
    assert p.pk not in _ids(d, days_ago(0))
    again = enter(d, p, on=days_ago(2), frequency="monthly")  # back in the group: a new membership
    assert again.pk != m.pk and again.due_on == due_after(days_ago(2), "monthly")
    assert p.pk not in _ids(d, days_ago(0))
    assert p.pk in _ids(d, again.due_on + dt.timedelta(days=1))


def test_exit_refusals_write_nothing(district):
    d = district
    m = enter(d, d.persons["g1"][0], on=days_ago(5))
    for when, reason, field in ((days_ago(9), "搬走", "exited_on"), (days_ago(1), "", "reason")):
        with pytest.raises(ValidationFailed) as exc:
            membership_exit(actor=d.user("grid_worker"), membership_id=m.pk, exited_on=when, reason=reason)
        assert field in exc.value.fields
        m.refresh_from_db()
        assert m.status == "active" and m.exited_on is None


def test_overdue_per_carer_and_per_grid(district):
    d = district
    a, b = d.persons["g1"][0], d.persons["g1"][1]
    enter(d, a, on=days_ago(40), frequency="monthly", carer="grid_worker")
    enter(d, b, on=days_ago(40), frequency="monthly", carer="grid_head")
    enter(d, d.persons["g2"][0], on=days_ago(40), frequency="monthly", actor="community_worker", carer=None)
    mine = selectors.overdue_counts_for_actor(actor=d.user("grid_worker"))
    assert mine.mine == 1 and mine.total == 2 and mine.by_grid == [(d.grids["g1"].code, 2)]
    assert _ids(d, None, carer_id=d.user("grid_worker").pk) == {a.pk}
    community = selectors.overdue_counts_for_actor(actor=d.user("community_worker"))
    assert community.total == 3 and dict(community.by_grid) == {d.grids["g1"].code: 2, d.grids["g2"].code: 1}


def test_the_supervision_sweep_records_when_a_person_fell_overdue_and_clears_it_after_a_visit(district):
    from io import StringIO

    from django.core.management import call_command

    from gongzhi.audit.models import AuditEvent
    from gongzhi.care.models import CareMembership

    d = district
    late, fine = d.persons["g1"][0], d.persons["g1"][1]
    m = enter(d, late, on=days_ago(20), frequency="weekly")  # due 13 days ago
    ok = enter(d, fine, on=days_ago(2), frequency="weekly")  # due in 5 days
    out = StringIO()
    call_command("tickets_supervise", stdout=out)
    line = out.getvalue()
    assert "黄牌督办 0 件" in line  # the tickets' part still runs first
    assert "重点人群走访新超期（人） 1" in line and "重点人群走访超期（人） 1" in line
    m.refresh_from_db()
    ok.refresh_from_db()
    assert m.overdue_since == days_ago(0) and ok.overdue_since is None
    swept = AuditEvent.objects.filter(event_type="care.overdue_swept")
    assert swept.count() == 1 and swept.get().data["newly_overdue"] == 1

    out = StringIO()
    call_command("tickets_supervise", stdout=out)  # nothing new: the day found stays, no second audit row
    assert "重点人群走访新超期（人） 0" in out.getvalue() and "重点人群走访超期（人） 1" in out.getvalue()
    assert swept.count() == 1
    m.refresh_from_db()
    assert m.overdue_since == days_ago(0)

    visit(d, late, on=days_ago(0))
    call_command("tickets_supervise", stdout=StringIO())
    assert CareMembership.objects.filter(overdue_since__isnull=False).count() == 0
    assert swept.count() == 2 and swept.order_by("-id")[0].data["cleared"] == 1
