"""Writes of the stairwell's posts: the captain's election (candidates living there, one vote per
household — on the phone or from a paper ballot — and the count), the 红色楼长 post claimed by a party
member living there, and the end of a post."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move
from gongzhi.stairwells.enums import CaptainKind, ElectionStatus
from gongzhi.stairwells.models import Captain, CaptainElection, ElectionCandidate, ElectionVote, Stairwell
from gongzhi.stairwells.transitions import ELECTION

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _stairwell(actor: Actor, stairwell_id: Any, *, lock: bool = True) -> Stairwell:
    from gongzhi.stairwells.selectors import stairwell_visible_q

    if not isinstance(stairwell_id, int) or not bounds.int_in_range(stairwell_id):
        raise NotFound("楼道不存在或无权查看")
    qs = Stairwell.objects.filter(stairwell_visible_q(actor), pk=stairwell_id)
    pk = qs.values_list("pk", flat=True).first()
    sw = (
        Stairwell.objects.select_for_update(of=("self",)).filter(pk=pk).first() if pk and lock else qs.first()
    )
    if sw is None:
        raise NotFound("楼道不存在或无权查看")
    return sw


def _persons_living_on(sw: Stairwell, person_ids: Iterable[Any]) -> list[Any]:
    from gongzhi.people.models import Person

    ids = sorted({int(p) for p in person_ids if isinstance(p, int) and bounds.int_in_range(p)})
    return list(
        Person.objects.filter(
            pk__in=ids, household__building_id=sw.building_id, household__entrance=sw.entrance
        )
    )


@transaction.atomic
def captain_election_open(*, actor: Actor, stairwell_id: int, candidate_ids: list[int]) -> CaptainElection:
    """An election of the stairwell captain among residents living there (等额 or 差额)."""
    from gongzhi.stairwells.selectors import stairwell_households

    sw = _stairwell(actor, stairwell_id)
    require(actor, "stairwells.manage_stairwell", sw)
    if not isinstance(candidate_ids, list) or not 1 <= len(candidate_ids) <= 10:
        raise ValidationFailed("请选择1到10名候选人", fields={"candidate_ids": "请选择1到10名候选人"})
    persons = _persons_living_on(sw, candidate_ids)
    if len(persons) != len(set(candidate_ids)):
        raise ValidationFailed("候选人应为本楼道的居民", fields={"candidate_ids": "候选人应为本楼道的居民"})
    if CaptainElection.objects.filter(stairwell=sw, status=ElectionStatus.OPEN).exists():
        raise Conflict("本楼道已有进行中的选举", code="duplicate")
    election = CaptainElection(
        stairwell=sw,
        opened_on=timezone.localdate(),
        opened_by_id=getattr(actor, "pk", None),
        households=stairwell_households(sw).count(),
    )
    election.set_place_codes(grid_code=sw.grid_code, community_code=sw.community_code)
    election.save()
    ElectionCandidate.objects.bulk_create(
        [ElectionCandidate(election=election, person=p, name=p.name) for p in persons]
    )
    audit_record(
        actor=actor,
        target=election,
        event="stairwells.election_opened",
        data={"stairwell": sw.pk, "candidates": len(persons), "households": election.households},
    )
    return election


def _election_locked(actor: Actor, election_id: Any) -> CaptainElection:
    from gongzhi.stairwells.selectors import stairwell_visible_q

    if not isinstance(election_id, int) or not bounds.int_in_range(election_id):
        raise NotFound("选举不存在或无权查看")
    visible = Stairwell.objects.filter(stairwell_visible_q(actor)).values("pk")
    election = (
        CaptainElection.objects.select_for_update(of=("self",))
        .filter(pk=election_id, stairwell_id__in=visible)
        .select_related("stairwell")
        .first()
    )
    if election is None:
        raise NotFound("选举不存在或无权查看")
    return election


def _vote(
    actor: Actor, election: CaptainElection, household_id: int, candidate_id: Any, paper: bool
) -> ElectionVote:
    check_move(ELECTION, "vote", election.status)
    candidate = (
        ElectionCandidate.objects.filter(election=election, pk=candidate_id).first()
        if isinstance(candidate_id, int) and bounds.int_in_range(candidate_id)
        else None
    )
    if candidate is None:
        raise ValidationFailed("请选择候选人", fields={"candidate_id": "请选择候选人"})
    if ElectionVote.objects.filter(election=election, household_id=household_id).exists():
        raise Conflict("本户已投过票，每户只能投一票", code="already_voted")
    try:
        with transaction.atomic():
            vote = ElectionVote.objects.create(
                election=election,
                household_id=household_id,
                candidate=candidate,
                recorded_by_id=getattr(actor, "pk", None),
                paper=paper,
            )
    except IntegrityError:
        raise Conflict("本户已投过票，每户只能投一票", code="already_voted") from None
    audit_record(
        actor=actor,
        target=election,
        event="stairwells.vote_cast",
        data={"household": household_id, "paper": paper},
    )
    return vote


@transaction.atomic
def captain_vote_cast(*, actor: Actor, election_id: int, candidate_id: int) -> ElectionVote:
    """A household's vote, cast on the phone by its resident account: one per household."""
    from gongzhi.places.models import Household

    election = _election_locked(actor, election_id)
    sw = election.stairwell
    require(actor, "stairwells.vote_election", sw, error=Forbidden("只有本楼道的住户可以投票"))
    own = sorted(scope_of(actor).household_ids)
    household = Household.objects.filter(pk__in=own, building_id=sw.building_id, entrance=sw.entrance).first()
    if household is None:
        raise Forbidden("只有本楼道的住户可以投票")
    return _vote(actor, election, household.pk, candidate_id, paper=False)


@transaction.atomic
def captain_vote_record_paper(
    *, actor: Actor, election_id: int, household_id: int, candidate_id: int
) -> ElectionVote:
    """A paper ballot of a household entered by staff (same rule: one vote per household)."""
    from gongzhi.places.models import Household

    election = _election_locked(actor, election_id)
    sw = election.stairwell
    require(actor, "stairwells.manage_stairwell", sw)
    household = (
        Household.objects.filter(pk=household_id, building_id=sw.building_id, entrance=sw.entrance).first()
        if isinstance(household_id, int) and bounds.int_in_range(household_id)
        else None
    )
    if household is None:
        raise ValidationFailed("该户不住在本楼道", fields={"household_id": "该户不住在本楼道"})
    return _vote(actor, election, household.pk, candidate_id, paper=True)


def tally(votes: dict[int, int], households: int) -> tuple[int | None, str]:
    """The winner (candidate id) and a note: more than half of the households voted, and one candidate
    has the most votes; otherwise no winner."""
    cast = sum(votes.values())
    if households and cast * 2 <= households:
        return None, f"参与投票{cast}户，未过应投{households}户的半数，未产生楼道长"
    if not cast:
        return None, "无人投票，未产生楼道长"
    top = max(votes.values())
    leaders = [c for c, n in votes.items() if n == top]
    if len(leaders) > 1:
        return None, f"得票最多的{len(leaders)}名候选人票数相同（各{top}票），未产生楼道长"
    return leaders[0], f"参与投票{cast}户，当选人得{top}票"


@transaction.atomic
def captain_election_close(*, actor: Actor, election_id: int) -> CaptainElection:
    """计票: the candidate with the most votes, with more than half of the households voting, becomes the
    captain (the previous captain's post ends); otherwise no one is elected (a new election may open)."""
    election = _election_locked(actor, election_id)
    sw = election.stairwell
    require(actor, "stairwells.manage_stairwell", sw)
    candidates = {c.pk: c for c in election.candidates.select_related("person")}
    votes = dict.fromkeys(candidates, 0)
    for cid in ElectionVote.objects.filter(election=election).values_list("candidate_id", flat=True):
        votes[cid] += 1
    winner_id, note = tally(votes, election.households)
    new = check_move(ELECTION, "close" if winner_id else "void", election.status)
    for c in candidates.values():
        c.votes = votes[c.pk]
    ElectionCandidate.objects.bulk_update(list(candidates.values()), ["votes"])
    election.status, election.closed_at, election.result_note = new, timezone.now(), note
    election.save(update_fields=["status", "closed_at", "result_note", "updated_at"])
    if winner_id:
        today = timezone.localdate()
        Captain.objects.filter(stairwell=sw, kind=CaptainKind.CAPTAIN, active=True).update(
            active=False, ended_on=today
        )
        person = candidates[winner_id].person
        post = Captain(
            stairwell=sw,
            kind=CaptainKind.CAPTAIN,
            person=person,
            user_id=person.user_id,
            name=person.name,
            election=election,
            started_on=today,
        )
        post.set_place_codes(grid_code=sw.grid_code, community_code=sw.community_code)
        post.save()
    audit_record(
        actor=actor,
        target=election,
        event=f"stairwells.election_{new}",
        data={"votes": {str(k): v for k, v in votes.items()}, "winner": winner_id, "note": note},
    )
    return election


@transaction.atomic
def red_captain_claim(*, actor: Actor, stairwell_id: int) -> Captain:
    """认领红色楼长: a party member living on the stairwell takes its red-captain post (one at a time)."""
    from gongzhi.party.models import PartyMember

    sw = _stairwell(actor, stairwell_id)
    require(actor, "stairwells.claim_red_post", sw, error=Forbidden("只有住在本楼道的党员可以认领红色楼长"))
    member = (
        PartyMember.objects.filter(
            user_id=actor.pk,
            person__household__building_id=sw.building_id,
            person__household__entrance=sw.entrance,
        )
        .select_related("person")
        .first()
    )
    if member is None:
        raise Forbidden("只有住在本楼道的党员可以认领红色楼长")
    holder = Captain.objects.filter(stairwell=sw, kind=CaptainKind.RED_CAPTAIN, active=True).first()
    if holder is not None:
        msg = (
            "您已是本楼道的红色楼长"
            if holder.party_member_id == member.pk
            else f"本楼道的红色楼长已由{holder.name}认领"
        )
        raise Conflict(msg, code="taken")
    post = Captain(
        stairwell=sw,
        kind=CaptainKind.RED_CAPTAIN,
        party_member=member,
        person=member.person,
        user_id=actor.pk,
        name=member.name,
        started_on=timezone.localdate(),
    )
    post.set_place_codes(grid_code=sw.grid_code, community_code=sw.community_code)
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        raise Conflict("本楼道的红色楼长已有人认领", code="taken") from None
    audit_record(actor=actor, target=post, event="stairwells.red_captain_claimed", data={"stairwell": sw.pk})
    return post


@transaction.atomic
def captain_post_end(*, actor: Actor, captain_id: int, reason: str) -> Captain:
    """A post ends (moved away, stepped down): by the staff of the place, with the reason."""
    post = (
        Captain.objects.select_for_update(of=("self",))
        .filter(pk=captain_id)
        .select_related("stairwell")
        .first()
        if isinstance(captain_id, int) and bounds.int_in_range(captain_id)
        else None
    )
    from gongzhi.stairwells.selectors import stairwell_staff_q

    if post is None or not Stairwell.objects.filter(stairwell_staff_q(actor), pk=post.stairwell_id).exists():
        raise NotFound("楼道长记录不存在或无权查看")
    require(actor, "stairwells.manage_stairwell", post.stairwell)
    reason = bounds.clean_text(reason or "").strip()
    if not reason or len(reason) > 200:
        raise ValidationFailed(
            "请填写卸任原因（不超过200字）", fields={"reason": "请填写卸任原因（不超过200字）"}
        )
    if not post.active:
        raise Conflict("该岗位已卸任")
    post.active, post.ended_on = False, timezone.localdate()
    post.save(update_fields=["active", "ended_on", "updated_at"])
    audit_record(
        actor=actor, target=post, event="stairwells.post_ended", data={"kind": post.kind, "reason": reason}
    )
    return post


# --- the demo's batch path ------------------------------------------------------------------------


@transaction.atomic
def captains_bulk_appoint(
    *, actor: Actor | None, rows: list[tuple[Stairwell, str, Any, Any]]
) -> list[Captain]:
    """Posts recorded at once from the paper roster (the demo district): (stairwell, kind, person, member)."""
    out = []
    today = timezone.localdate()
    for sw, kind, person, member in rows:
        if kind == CaptainKind.RED_CAPTAIN and member is None:
            raise ValidationFailed("红色楼长应为党员")
        c = Captain(
            stairwell=sw,
            kind=kind,
            person=person,
            party_member=member,
            user_id=(member.user_id if member is not None else getattr(person, "user_id", None)),
            name=(member.name if member is not None else person.name),
            started_on=today,
        )
        c.set_place_codes(grid_code=sw.grid_code, community_code=sw.community_code)
        out.append(c)
    Captain.objects.bulk_create(out, batch_size=1000)
    if out:
        audit_record(actor=actor, target=out[0], event="stairwells.posts_imported", data={"count": len(out)})
    return out
