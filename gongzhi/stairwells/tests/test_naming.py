"""The naming rules on hand-made cases: named at the second pass in a row, quarterly re-inspection,
revoked at the second failure in a row, named again after two passes."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.stairwells import naming
from gongzhi.stairwells.naming import NAMED, NONE, REVOKED, Standing

D = dt.date


def test_two_passes_in_a_row_name_the_stairwell():
    s = naming.apply(Standing(), True, D(2026, 1, 10))
    assert (s.status, s.passes, s.named_on, s.next_due) == (NONE, 1, None, None)
    s = naming.apply(s, True, D(2026, 2, 20))
    assert (s.status, s.passes, s.named_on) == (NAMED, 2, D(2026, 2, 20))
    # the next re-inspection is due by the end of the following quarter
    assert s.next_due == D(2026, 6, 30)


def test_a_failure_between_two_passes_restarts_the_count():
    s = naming.replay([(D(2026, 1, 5), True), (D(2026, 1, 20), False), (D(2026, 2, 3), True)])
    assert (s.status, s.passes, s.fails) == (NONE, 1, 0)
    s = naming.apply(s, True, D(2026, 3, 1))
    assert s.status == NAMED


def test_the_same_pass_twice_in_a_day_counts_once():
    s = naming.replay([(D(2026, 4, 1), True), (D(2026, 4, 1), True)])
    assert (s.status, s.passes) == (NONE, 1)


def test_one_failure_keeps_the_name_two_in_a_row_revoke_it():
    named = naming.replay([(D(2026, 1, 5), True), (D(2026, 1, 25), True)])
    one = naming.apply(named, False, D(2026, 4, 2))
    assert (one.status, one.fails) == (NAMED, 1)
    assert one.next_due == D(2026, 9, 30)
    back = naming.apply(one, True, D(2026, 4, 20))
    assert (back.status, back.fails, back.passes) == (NAMED, 0, 1)
    two = naming.apply(naming.apply(back, False, D(2026, 7, 1)), False, D(2026, 7, 15))
    assert (two.status, two.revoked_on, two.next_due) == (REVOKED, D(2026, 7, 15), None)


def test_a_revoked_stairwell_is_named_again_after_two_passes():
    s = naming.replay(
        [
            (D(2026, 1, 5), True),
            (D(2026, 1, 25), True),
            (D(2026, 3, 1), False),
            (D(2026, 3, 9), False),
            (D(2026, 4, 1), True),
        ]
    )
    assert s.status == REVOKED
    s = naming.apply(s, True, D(2026, 4, 15))
    assert (s.status, s.named_on, s.revoked_on) == (NAMED, D(2026, 4, 15), None)


def test_failures_of_an_unnamed_stairwell_revoke_nothing():
    s = naming.replay([(D(2026, 1, 5), False), (D(2026, 1, 6), False), (D(2026, 1, 7), False)])
    assert (s.status, s.fails) == (NONE, 3)


def test_a_named_stairwell_past_its_quarter_is_overdue_not_revoked():
    s = naming.replay([(D(2026, 1, 5), True), (D(2026, 2, 25), True)])
    assert s.next_due == D(2026, 6, 30)
    assert not naming.overdue(s, D(2026, 6, 30))
    assert naming.overdue(s, D(2026, 7, 1))
    assert s.status == NAMED
    assert not naming.overdue(Standing(), D(2030, 1, 1))


def test_quarter_ends():
    assert naming.quarter_end(D(2026, 12, 5)) == D(2026, 12, 31)
    assert naming.next_quarter_end(D(2026, 11, 30)) == D(2027, 3, 31)
    assert naming.next_quarter_end(D(2026, 1, 1)) == D(2026, 6, 30)


def test_inspections_go_in_date_order():
    s = naming.apply(Standing(), True, D(2026, 5, 1))
    with pytest.raises(ValueError):
        naming.apply(s, True, D(2026, 4, 30))


def test_an_inspection_passes_only_when_every_item_passes():
    items = ["hygiene", "fire_safety"]
    assert naming.passed({"hygiene": True, "fire_safety": True}, items)
    assert not naming.passed({"hygiene": True, "fire_safety": False}, items)
    assert not naming.passed({"hygiene": True}, items)
