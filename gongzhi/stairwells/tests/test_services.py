"""The stairwell services on the small district: the register, the captain's election (one vote per
household, the count, ties and turnout), the red-captain post, inspections with the naming rule, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.stairwells import selectors
from gongzhi.stairwells.enums import CaptainKind, ElectionStatus, NamingStatus
from gongzhi.stairwells.models import Captain, ElectionVote, Stairwell, StairwellInspection
from gongzhi.stairwells.services.captains import (
    captain_election_close,
    captain_election_open,
    captain_post_end,
    captain_vote_cast,
    captain_vote_record_paper,
    red_captain_claim,
    tally,
)
from gongzhi.stairwells.services.inspections import stairwell_inspect
from gongzhi.stairwells.services.register import stairwell_register, stairwells_register_community
from gongzhi.stairwells.tests.factories import (
    ALL_PASS,
    failing,
    member_living_on,
    resident_account,
    stairwells,
)

pytestmark = pytest.mark.django_db


def test_a_community_registers_every_entrance_once(district):
    a1 = district.communities["A1"]
    added = stairwells_register_community(actor=district.user("community_worker"), community_id=a1.pk)
    assert added == 2  # g1 and g2: one building each, entrance 1
    labels = set(Stairwell.objects.filter(community_code=a1.code).values_list("label", flat=True))
    assert labels == {"银山社区小区1号楼1单元", "银山社区小区2号楼1单元"}
    assert stairwells_register_community(actor=district.user("community_worker"), community_id=a1.pk) == 0
    with pytest.raises(ValidationFailed):
        stairwells_register_community(
            actor=district.user("community_worker"), community_id=district.communities["B1"].pk
        )


def test_one_stairwell_is_registered_by_the_grid_worker_of_its_grid_only(district):
    from gongzhi.places.models import Building

    b1 = Building.objects.get(grid=district.grids["g1"])
    sw = stairwell_register(actor=district.user("grid_worker"), building_id=b1.pk, entrance="2单元")
    assert (sw.entrance, sw.grid_code) == ("2", district.grids["g1"].code)
    with pytest.raises(Conflict):
        stairwell_register(actor=district.user("grid_worker"), building_id=b1.pk, entrance="2")
    with pytest.raises(ValidationFailed):
        stairwell_register(actor=district.user("grid_worker_g2"), building_id=b1.pk, entrance="3")


def _election(d, sw):
    persons = list(d.persons["g1"])[:2]
    e = captain_election_open(
        actor=d.user("grid_worker"), stairwell_id=sw.pk, candidate_ids=[p.pk for p in persons]
    )
    return e, {c.person_id: c for c in e.candidates.all()}, persons


def test_the_election_counts_one_vote_per_household_and_makes_the_captain(district):
    sw = stairwells(district)["g1"]
    election, cands, persons = _election(district, sw)
    assert election.households == 3
    resident = district.user("resident")  # household g1[0]
    captain_vote_cast(actor=resident, election_id=election.pk, candidate_id=cands[persons[0].pk].pk)
    with pytest.raises(Conflict) as exc:
        captain_vote_cast(actor=resident, election_id=election.pk, candidate_id=cands[persons[1].pk].pk)
    assert "每户只能投一票" in exc.value.message
    # a paper ballot of the same household is refused too; another household's is counted
    hh = district.households["g1"]
    with pytest.raises(Conflict):
        captain_vote_record_paper(
            actor=district.user("grid_worker"),
            election_id=election.pk,
            household_id=hh[0].pk,
            candidate_id=cands[persons[1].pk].pk,
        )
    captain_vote_record_paper(
        actor=district.user("grid_worker"),
        election_id=election.pk,
        household_id=hh[1].pk,
        candidate_id=cands[persons[0].pk].pk,
    )
    assert ElectionVote.objects.filter(election=election).count() == 2
    done = captain_election_close(actor=district.user("grid_worker"), election_id=election.pk)
    assert done.status == ElectionStatus.CLOSED
    captain = Captain.objects.get(stairwell=sw, kind=CaptainKind.CAPTAIN, active=True)
    assert (captain.person_id, captain.election_id) == (persons[0].pk, election.pk)
    with pytest.raises(Conflict):  # counted once
        captain_election_close(actor=district.user("grid_worker"), election_id=election.pk)
    with pytest.raises(Conflict):
        captain_vote_cast(actor=resident, election_id=election.pk, candidate_id=cands[persons[0].pk].pk)


def test_a_resident_of_another_stairwell_cannot_vote_and_a_stranger_cannot_see_it(district):
    sw = stairwells(district)["g1"]
    election, cands, _persons = _election(district, sw)
    other = resident_account(district, district.persons["g2"][0], "g2-resident")
    with pytest.raises(NotFound):
        captain_vote_cast(actor=other, election_id=election.pk, candidate_id=next(iter(cands.values())).pk)
    with pytest.raises(NotFound):  # the grid worker of another grid does not see it either
        captain_vote_record_paper(
            actor=district.user("grid_worker_g2"),
            election_id=election.pk,
            household_id=district.households["g1"][1].pk,
            candidate_id=next(iter(cands.values())).pk,
        )


def test_the_count_needs_half_the_households_and_a_single_leader():
    assert tally({1: 1, 2: 0}, 3) == (None, "参与投票1户，未过应投3户的半数，未产生楼道长")
    winner, _note = tally({1: 2, 2: 0}, 3)
    assert winner == 1
    assert tally({1: 2, 2: 2}, 4)[0] is None
    assert "票数相同" in tally({1: 2, 2: 2}, 4)[1]


def test_a_void_count_names_nobody_and_a_new_election_may_open(district):
    sw = stairwells(district)["g1"]
    election, _cands, _persons = _election(district, sw)
    done = captain_election_close(actor=district.user("grid_worker"), election_id=election.pk)
    assert done.status == ElectionStatus.VOID and "未过" in done.result_note
    assert not Captain.objects.filter(stairwell=sw).exists()
    again, *_ = _election(district, sw)
    assert again.pk != election.pk


def test_candidates_must_live_on_the_stairwell(district):
    sw = stairwells(district)["g1"]
    with pytest.raises(ValidationFailed) as exc:
        captain_election_open(
            actor=district.user("grid_worker"),
            stairwell_id=sw.pk,
            candidate_ids=[district.persons["g2"][0].pk],
        )
    assert "本楼道的居民" in exc.value.message


def test_a_party_member_living_there_claims_the_red_post_once(district):
    sw = stairwells(district)["g1"]
    member_user = district.user("party_member")
    member_living_on(district, district.persons["g1"][2], member_user)  # household g1[1]
    post = red_captain_claim(actor=member_user, stairwell_id=sw.pk)
    assert (post.kind, post.user_id) == (CaptainKind.RED_CAPTAIN, member_user.pk)
    with pytest.raises(Conflict):
        red_captain_claim(actor=member_user, stairwell_id=sw.pk)
    # a member living elsewhere may not
    other_user = resident_account(district, district.persons["g2"][0], "g2-member")
    member_living_on(district, district.persons["g2"][0], other_user)
    with pytest.raises((Forbidden, NotFound)):
        red_captain_claim(actor=other_user, stairwell_id=sw.pk)
    ended = captain_post_end(actor=district.user("community_worker"), captain_id=post.pk, reason="搬离本楼")
    assert not ended.active
    assert red_captain_claim(actor=member_user, stairwell_id=sw.pk).active


def test_two_passing_inspections_name_the_stairwell_two_failures_revoke_it(district):
    sw = stairwells(district)["g1"]
    worker = district.user("grid_worker")
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in (40, 30, 20, 10)]
    stairwell_inspect(actor=worker, stairwell_id=sw.pk, results=ALL_PASS, inspected_on=days[0])
    i2 = stairwell_inspect(actor=worker, stairwell_id=sw.pk, results=ALL_PASS, inspected_on=days[1])
    assert i2.status_after == NamingStatus.NAMED
    sw.refresh_from_db()
    assert (sw.status, sw.named_on) == (NamingStatus.NAMED, days[1])
    stairwell_inspect(
        actor=worker, stairwell_id=sw.pk, results=failing(), inspected_on=days[2], note="电动车停在楼道"
    )
    sw.refresh_from_db()
    assert sw.status == NamingStatus.NAMED
    i4 = stairwell_inspect(
        actor=worker, stairwell_id=sw.pk, results=failing("clutter"), inspected_on=days[3], note="杂物"
    )
    sw.refresh_from_db()
    assert (i4.passed, sw.status, sw.revoked_on) == (False, NamingStatus.REVOKED, days[3])
    assert AuditEvent.objects.filter(event_type="stairwells.inspected").count() == 4


def test_an_inspection_is_refused_with_a_chinese_message_and_writes_nothing(district):
    sw = stairwells(district)["g1"]
    worker = district.user("grid_worker")
    before = (StairwellInspection.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        stairwell_inspect(actor=worker, stairwell_id=sw.pk, results=failing())
    assert exc.value.fields == {"note": "检查不合格，请填写整改意见"}
    with pytest.raises(ValidationFailed) as exc:
        stairwell_inspect(actor=worker, stairwell_id=sw.pk, results={"hygene": True})
    assert "无法识别的检查项" in exc.value.message
    with pytest.raises(ValidationFailed):
        stairwell_inspect(
            actor=worker,
            stairwell_id=sw.pk,
            results=ALL_PASS,
            inspected_on=timezone.localdate() + dt.timedelta(days=1),
        )
    stairwell_inspect(actor=worker, stairwell_id=sw.pk, results=ALL_PASS)
    with pytest.raises(ValidationFailed) as exc:
        stairwell_inspect(
            actor=worker,
            stairwell_id=sw.pk,
            results=ALL_PASS,
            inspected_on=timezone.localdate() - dt.timedelta(days=3),
        )
    assert "不能早于上次检查" in exc.value.message
    assert StairwellInspection.objects.count() == before[0] + 1
    assert AuditEvent.objects.count() == before[1] + 1
    sw.refresh_from_db()
    assert sw.passes_in_row == 1


def test_the_elected_captain_inspects_on_the_phone_and_others_may_not(district):
    sw = stairwells(district)["g1"]
    person = district.persons["g1"][0]
    user = resident_account(district, person, "captain-g1")
    e = captain_election_open(
        actor=district.user("grid_worker"), stairwell_id=sw.pk, candidate_ids=[person.pk]
    )
    cand = e.candidates.get()
    for hh in district.households["g1"][:2]:
        captain_vote_record_paper(
            actor=district.user("grid_worker"), election_id=e.pk, household_id=hh.pk, candidate_id=cand.pk
        )
    captain_election_close(actor=district.user("grid_worker"), election_id=e.pk)
    row = stairwell_inspect(actor=user, stairwell_id=sw.pk, results=ALL_PASS)
    assert row.inspector_role == "captain"
    neighbour = resident_account(district, district.persons["g1"][2], "neighbour-g1")
    with pytest.raises(Forbidden):
        stairwell_inspect(actor=neighbour, stairwell_id=sw.pk, results=ALL_PASS)


def test_grid_staff_see_and_inspect_only_their_grid(district):
    s = stairwells(district)
    g1, g4 = s["g1"], s["g4"]
    for key in ("grid_worker_g2",):
        user = district.user(key)
        assert g1.pk not in set(selectors.stairwell_list_for_actor(actor=user).values_list("pk", flat=True))
        with pytest.raises(NotFound):
            selectors.stairwell_get_for_actor(actor=user, stairwell_id=g1.pk)
        with pytest.raises(NotFound):
            stairwell_inspect(actor=user, stairwell_id=g1.pk, results=ALL_PASS)
    cw = district.user("community_worker")
    visible = set(selectors.stairwell_list_for_actor(actor=cw).values_list("pk", flat=True))
    assert g1.pk in visible and g4.pk not in visible
    assert Stairwell.objects.count() == 4


def test_the_register_and_figures_per_community(district):
    s = stairwells(district)
    worker = district.user("grid_worker")
    today = timezone.localdate()
    stairwell_inspect(
        actor=worker, stairwell_id=s["g1"].pk, results=ALL_PASS, inspected_on=today - dt.timedelta(days=2)
    )
    stairwell_inspect(actor=worker, stairwell_id=s["g1"].pk, results=ALL_PASS, inspected_on=today)
    rows = selectors.stairwell_figures(actor=district.user("community_worker"))
    assert [(r["name"], r["stairwells"], r["named"]) for r in rows] == [("银山社区", 2, 1)]
    reg = selectors.register_rows(actor=district.user("district_admin"))
    assert len(reg) == 4 and sum(r["status"] == "named" for r in reg) == 1
