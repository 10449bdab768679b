"""The contest's arithmetic on hand-made cases: sheet totals in Decimal, half points, competition ranking
with ties, the winners' edge."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongzhi.socialorgs import ranking
from gongzhi.socialorgs.enums import DEFAULT_CRITERIA

D = Decimal


def test_a_sheet_adds_its_points_exactly():
    scores = {"need": "28.5", "innovation": 17, "feasibility": "18", "effect": 19.5, "sustainability": "9"}
    clean, total = ranking.sheet_total(DEFAULT_CRITERIA, scores)
    assert total == D("92.0") and clean["need"] == "28.5" and clean["innovation"] == "17"


@pytest.mark.parametrize(
    "scores, message",
    [
        ({"need": 31, "innovation": 1, "feasibility": 1, "effect": 1, "sustainability": 1}, "需求契合度"),
        ({"need": "10.3", "innovation": 1, "feasibility": 1, "effect": 1, "sustainability": 1}, "0.5"),
        ({"need": 10, "innovation": 1, "feasibility": 1, "effect": 1}, "请为“可持续性”打分"),
        ({"need": 10, "innovation": 1, "feasibility": 1, "effect": 1, "sustainability": 1, "x": 1}, "未知"),
        ({"need": "abc", "innovation": 1, "feasibility": 1, "effect": 1, "sustainability": 1}, "数字"),
        ({"need": -1, "innovation": 1, "feasibility": 1, "effect": 1, "sustainability": 1}, "需求契合度"),
    ],
)
def test_a_bad_sheet_is_refused_in_chinese(scores, message):
    with pytest.raises(ranking.SheetError) as exc:
        ranking.sheet_total(DEFAULT_CRITERIA, scores)
    assert message in exc.value.message


def test_means_round_half_up_to_cents():
    assert ranking.mean([D("90"), D("85"), D("80.5")]) == D("85.17")
    assert ranking.mean([D("80.5"), D("80")]) == D("80.25")
    assert ranking.mean([D("1"), D("0"), D("0")]) == D("0.33")


def test_ties_share_a_rank_and_the_next_rank_skips():
    out = ranking.rank({1: [D("90")], 2: [D("95")], 3: [D("90")], 4: [D("70")], 5: []}, winners=2)
    by = {r.key: r for r in out}
    assert [(k, by[k].rank) for k in (2, 1, 3, 4)] == [(2, 1), (1, 2), (3, 2), (4, 4)]
    # a tie at the edge lets both in
    assert [by[k].winner for k in (2, 1, 3, 4)] == [True, True, True, False]
    assert (by[5].rank, by[5].winner, by[5].average) == (None, False, None)


def test_criteria_must_add_up_to_one_hundred():
    assert ranking.check_criteria(DEFAULT_CRITERIA)[0]["key"] == "need"
    with pytest.raises(ranking.SheetError):
        ranking.check_criteria([{"key": "a", "label": "甲", "max": 50}])
    with pytest.raises(ranking.SheetError):
        ranking.check_criteria(
            [{"key": "a", "label": "甲", "max": 50}, {"key": "a", "label": "乙", "max": 50}]
        )
