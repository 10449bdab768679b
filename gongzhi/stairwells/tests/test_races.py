"""One vote per household and one red captain per stairwell under concurrency: real threads at a barrier
(gongzhi.testing.concurrency), each on its own connection; the election's row is locked first and the
unique constraints stand behind it. Runs on the SQLite file database and on PostgreSQL."""

from __future__ import annotations

import pytest

from gongzhi.core.errors import ApplicationError
from gongzhi.stairwells.models import Captain, ElectionVote
from gongzhi.stairwells.services.captains import (
    captain_election_open,
    captain_vote_cast,
    captain_vote_record_paper,
    red_captain_claim,
)
from gongzhi.stairwells.tests.factories import member_living_on, resident_account, stairwells
from gongzhi.testing.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_ballots_of_one_household_at_once_count_once(district):
    sw = stairwells(district)["g1"]
    e = captain_election_open(
        actor=district.user("grid_worker"), stairwell_id=sw.pk, candidate_ids=[district.persons["g1"][0].pk]
    )
    cand = e.candidates.get()
    hh = district.households["g1"][0]  # the resident's household
    calls = [
        lambda: captain_vote_cast(actor=district.user("resident"), election_id=e.pk, candidate_id=cand.pk)
    ]
    calls += [
        lambda: captain_vote_record_paper(
            actor=district.user("grid_worker"), election_id=e.pk, household_id=hh.pk, candidate_id=cand.pk
        )
        for _ in range(9)
    ]
    results = race(*calls)
    wins = [r for r in results if not isinstance(r, BaseException)]
    assert len(wins) == 1, results
    for err in results:
        if isinstance(err, BaseException):
            assert isinstance(err, ApplicationError) and err.status == 409, repr(err)
            assert err.message == "本户已投过票，每户只能投一票"
    assert ElectionVote.objects.filter(election=e, household=hh).count() == 1


def test_two_members_claim_the_red_post_at_once_one_wins(district):
    sw = stairwells(district)["g1"]
    first = district.user("party_member")
    member_living_on(district, district.persons["g1"][2], first)
    second = resident_account(district, district.persons["g1"][4], "member-two")
    member_living_on(district, district.persons["g1"][4], second)
    results = race(
        lambda: red_captain_claim(actor=first, stairwell_id=sw.pk),
        lambda: red_captain_claim(actor=second, stairwell_id=sw.pk),
    )
    wins = [r for r in results if not isinstance(r, BaseException)]
    assert len(wins) == 1, results
    loss = next(r for r in results if isinstance(r, BaseException))
    assert isinstance(loss, ApplicationError) and loss.status == 409 and "红色楼长" in loss.message
    assert Captain.objects.filter(stairwell=sw, kind="red_captain", active=True).count() == 1
