"""Demo: civilised stairwells (seed 001) through the stairwells services, in bulk — every entrance of the
district's buildings on the register (one batch per community), a year of quarterly checklist inspections
replayed through the naming rule (300+ stairwells named 五彩楼道/文明楼道 at scale 1.0, a few named and then
revoked after two failures, some on their way with one pass), captains and 红色楼长 from the residents and
party members living there, and one election of each kind through the one-by-one services: a counted one
that made its captain, and one still open for the households to vote in."""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

from django.db import transaction

from gongzhi.accounts.models import User
from gongzhi.demo.population import TODAY
from gongzhi.places.models import Community
from gongzhi.stairwells.enums import CHECKLIST_KEYS, CaptainKind, Title
from gongzhi.stairwells.models import Stairwell
from gongzhi.stairwells.selectors import stairwell_counts, stairwell_households
from gongzhi.stairwells.services.captains import (
    captain_election_close,
    captain_election_open,
    captain_vote_record_paper,
    captains_bulk_appoint,
)
from gongzhi.stairwells.services.inspections import InspectionHistory, inspections_bulk_record
from gongzhi.stairwells.services.register import stairwells_register_community

NAMED_SHARE = 0.07  # of every stairwell: about 350 of the ~5,000 at scale 1.0
NAMED_AT_LEAST = 300
ALL_PASS = dict.fromkeys(CHECKLIST_KEYS, True)
FAIL_NOTES = {
    "clutter": "楼道堆放纸箱杂物，已督促清理",
    "fire_safety": "电动车停放在楼道，已劝离",
    "lighting": "三楼声控灯损坏，已报物业维修",
    "hygiene": "楼梯扶手积灰，已通知保洁",
    "notice_board": "公示栏楼道长信息未更新",
}


def seed_stairwells(seeder: Any) -> dict[str, Any]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed(seeder)


def _quarter_days(rng: Any, n: int, skipped: int = 0) -> list[dt.date]:
    """``n`` inspection days, one per quarter, the last in the quarter before TODAY's (so the quarterly
    re-inspection is due by the end of TODAY's quarter), or ``skipped`` quarters earlier (overdue)."""
    days = []
    q_end = dt.date(TODAY.year, ((TODAY.month - 1) // 3) * 3 + 1, 1) - dt.timedelta(days=1)
    for _ in range(skipped):
        q_end = dt.date(q_end.year, q_end.month - 2, 1) - dt.timedelta(days=1)
    for _ in range(n):
        start = dt.date(q_end.year, q_end.month - 2, 1)
        days.append(start + dt.timedelta(days=rng.randint(5, 80)))
        q_end = start - dt.timedelta(days=1)
    return sorted(days)


def _seed(seeder: Any) -> dict[str, Any]:
    from gongzhi.party.models import PartyMember
    from gongzhi.people.models import Person

    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    for community in Community.objects.order_by("code"):
        stairwells_register_community(actor=admin, community_id=community.pk)
    everyone = list(Stairwell.objects.order_by("pk").values_list("pk", flat=True))
    floor = NAMED_AT_LEAST if len(everyone) > 1000 else 0
    target = min(len(everyone), max(floor, math.ceil(len(everyone) * NAMED_SHARE)))
    ids = rng.sample(everyone, k=min(len(everyone), target + target // 10 + target // 10))
    rows_by_pk = Stairwell.objects.in_bulk(ids)
    picked = [rows_by_pk[pk] for pk in ids]
    named, revoked, started = (
        picked[:target],
        picked[target : target + target // 10],
        picked[target + target // 10 :],
    )
    histories: list[InspectionHistory] = []
    for sw in named:
        days = _quarter_days(rng, rng.randint(2, 4), skipped=1 if rng.random() < 0.05 else 0)
        visits: list[tuple[dt.date, dict[str, bool], str]] = [(d, ALL_PASS, "") for d in days]
        if len(days) == 4 and rng.random() < 0.2:  # a failure after the naming: named still, warned
            item = rng.choice(CHECKLIST_KEYS)
            visits[2] = (days[2], {**ALL_PASS, item: False}, FAIL_NOTES[item])
        if rng.random() < 0.3:
            sw.title = Title.FIVE_COLOUR
        sw.pact_on_file = True
        histories.append(InspectionHistory(sw, visits, admin))
    for sw in revoked:
        days = _quarter_days(rng, 4)
        item = rng.choice(CHECKLIST_KEYS)
        bad = {**ALL_PASS, item: False}
        visits = [(days[0], ALL_PASS, ""), (days[1], ALL_PASS, ""), (days[2], bad, FAIL_NOTES[item])]
        visits.append((days[3], bad, FAIL_NOTES[item] + "，仍未整改"))
        histories.append(InspectionHistory(sw, visits, admin))
    for sw in started:
        (day,) = _quarter_days(rng, 1)
        histories.append(InspectionHistory(sw, [(day, ALL_PASS, "")], admin))
    inspections = inspections_bulk_record(actor=admin, rows=histories)

    # posts: a captain for every inspected stairwell, a red captain where a party member lives on it
    keyed = {(sw.building_id, sw.entrance): sw for sw in picked}
    persons: dict[int, Any] = {}
    for pk, name, user_id, building_id, entrance in (
        Person.objects.filter(household__building_id__in={sw.building_id for sw in picked})
        .order_by("pk")
        .values_list("pk", "name", "user_id", "household__building_id", "household__entrance")
    ):
        found = keyed.get((building_id, entrance))
        if found is not None and found.pk not in persons:
            persons[found.pk] = Person(pk=pk, name=name, user_id=user_id)
    members: dict[int, Any] = {}
    for pk, name, user_id, building_id, entrance in (
        PartyMember.objects.filter(person__household__building__isnull=False)
        .order_by("pk")
        .values_list("pk", "name", "user_id", "person__household__building_id", "person__household__entrance")
    ):
        found = keyed.get((building_id, entrance))
        if found is not None and found.pk not in members:
            members[found.pk] = PartyMember(pk=pk, name=name, user_id=user_id)
    first = named[0] if named else None
    rows: list[tuple[Stairwell, str, Any, Any]] = [
        (sw, CaptainKind.CAPTAIN, persons[sw.pk], None) for sw in picked if sw.pk in persons and sw != first
    ]
    rows += [(sw, CaptainKind.RED_CAPTAIN, None, members[sw.pk]) for sw in picked if sw.pk in members]
    posts = captains_bulk_appoint(actor=admin, rows=rows)

    # one counted election (a captain made) and one open, through the services
    elections = 0
    for one, close in ((first, True), (started[0] if started else None, False)):
        if one is None:
            continue
        residents = list(Person.objects.filter(household__in=stairwell_households(one)).order_by("pk")[:3])
        if not residents:
            continue
        e = captain_election_open(
            actor=admin, stairwell_id=one.pk, candidate_ids=[p.pk for p in residents[:2]]
        )
        candidates = list(e.candidates.order_by("pk"))
        households = list(stairwell_households(one))
        for n, hh in enumerate(households[: len(households) // 2 + 1] if close else households[:1]):
            choice = candidates[-1] if n % 3 == 2 else candidates[0]
            captain_vote_record_paper(
                actor=admin, election_id=e.pk, household_id=hh.pk, candidate_id=choice.pk
            )
        if close:
            captain_election_close(actor=admin, election_id=e.pk)
        elections += 1
    return {
        **stairwell_counts(),
        "inspections": inspections,
        "posts": len(posts),
        "elections": elections,
        "seconds": round(time.monotonic() - t, 2),
    }
