"""Claims generated from other modules, by rule: this app sits above volunteers and party, so it pulls.
``claims_harvest`` scans the confirmed records of a community that no claim cites yet (confirmed
volunteer hours for a rule of source ``volunteer_hours``, confirmed in-service records for
``service_record``; for the sources of the apps above points — a stairwell's naming, a resolution's
volunteers — the readers they register in ``points/sources.py``) and makes a pending claim for each, for
the volunteer's, member's or record's household.
Idempotent: a record is claimed once per rule (``source_key`` and a unique constraint); the claims go to
the daily review like any other."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.points import sources
from gongzhi.points.enums import RuleSource
from gongzhi.points.models import Claim, PointRule
from gongzhi.points.services.claims import rule_in_force

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _hours_rows(community_code: str) -> list[tuple[str, Any, Any, int, int]]:
    from gongzhi.volunteers.enums import HoursStatus
    from gongzhi.volunteers.models import ServiceHours

    rows = ServiceHours.objects.filter(
        community_code=community_code, status=HoursStatus.CONFIRMED, volunteer__person__isnull=False
    ).values_list("pk", "served_on", "hours", "volunteer__person__household_id", "volunteer__person_id")
    return [(f"hours:{pk}", day, hours, hh, person) for pk, day, hours, hh, person in rows]


def _service_rows(community_code: str) -> list[tuple[str, Any, Any, int, int]]:
    from gongzhi.party.enums import RecordStatus
    from gongzhi.party.models import ServiceRecord

    rows = ServiceRecord.objects.filter(
        community_code=community_code, status=RecordStatus.CONFIRMED, member__person__isnull=False
    ).values_list("pk", "served_on", "hours", "member__person__household_id", "member__person_id")
    return [(f"service:{pk}", day, hours, hh, person) for pk, day, hours, hh, person in rows]


BUILT_IN = (RuleSource.VOLUNTEER_HOURS, RuleSource.SERVICE_RECORD)


def _earned(source: str, community_code: str) -> list[sources.Earned]:
    """The community's records of ``source`` that earn points: the two this app reads itself, else the
    registered reader's."""
    if source in BUILT_IN:
        rows = (
            _hours_rows(community_code)
            if source == RuleSource.VOLUNTEER_HOURS
            else _service_rows(community_code)
        )
        label = RuleSource(source).label
        return [
            sources.Earned(
                key=key,
                day=day,
                household_id=hh,
                person_id=person,
                quantity=max(1, math.ceil(float(hours))),
                description=f"{label}{hours}小时（{day:%m月%d日}）",
            )
            for key, day, hours, hh, person in rows
        ]
    reader = sources.reader_for(source)
    return list(reader(community_code)) if reader is not None else []


@transaction.atomic
def claims_harvest(*, actor: Actor | None, community_id: int) -> int:
    """Pending claims for the community's confirmed records not yet claimed; returns how many were made."""
    from gongzhi.places.models import Community, Household

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "points.review_claim", community)
    rules = [
        r
        for r in PointRule.objects.filter(district_code=community.district_code).exclude(
            source=RuleSource.MANUAL
        )
        if (not r.community_code or r.community_code == community.code)
        and (r.source in BUILT_IN or sources.reader_for(r.source) is not None)
    ]
    made: list[Claim] = []
    households = {h.pk: h for h in Household.objects.filter(community_code=community.code)}
    read: dict[str, list[sources.Earned]] = {}  # each source read once per harvest
    for rule in rules:
        if rule.source not in read:
            read[rule.source] = _earned(rule.source, community.code)
        taken = set(
            Claim.objects.filter(rule__code=rule.code, rule__community_code=rule.community_code)
            .exclude(source_key="")
            .values_list("source_key", flat=True)
        )
        for e in read[rule.source]:
            household = households.get(e.household_id)
            if e.key in taken or household is None or not rule_in_force(rule, e.day):
                continue
            claim = Claim(
                rule=rule,
                household=household,
                person_id=e.person_id,
                source=rule.source,  # ClaimSource has every generated RuleSource's value
                source_key=e.key,
                quantity=e.quantity,
                points=rule.points_min,
                description=e.description,
                occurred_on=e.day,
            )
            claim.set_place_codes(grid_code=household.grid_code)
            made.append(claim)
            taken.add(e.key)
    if made:
        Claim.objects.bulk_create(made, batch_size=500)
        audit_record(
            actor=actor, target=community, event="points.claims_harvested", data={"count": len(made)}
        )
    return len(made)
