"""Claims generated from other modules, by rule: this app sits above volunteers and party, so it pulls.
``claims_harvest`` scans the confirmed records of a community that no claim cites yet (confirmed
volunteer hours for a rule of source ``volunteer_hours``, confirmed in-service records for
``service_record``) and makes a pending claim for each, for the volunteer's or member's household.
Idempotent: a record is claimed once per rule (``source_key`` and a unique constraint); the claims go to
the daily review like any other."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.points.enums import ClaimSource, RuleSource
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
        for r in PointRule.objects.filter(
            district_code=community.district_code,
            source__in=[RuleSource.VOLUNTEER_HOURS, RuleSource.SERVICE_RECORD],
        )
        if not r.community_code or r.community_code == community.code
    ]
    made: list[Claim] = []
    households = {h.pk: h for h in Household.objects.filter(community_code=community.code)}
    for rule in rules:
        rows = (
            _hours_rows(community.code)
            if rule.source == RuleSource.VOLUNTEER_HOURS
            else _service_rows(community.code)
        )
        taken = set(
            Claim.objects.filter(rule__code=rule.code, rule__community_code=rule.community_code)
            .exclude(source_key="")
            .values_list("source_key", flat=True)
        )
        source = (
            ClaimSource.VOLUNTEER_HOURS
            if rule.source == RuleSource.VOLUNTEER_HOURS
            else ClaimSource.SERVICE_RECORD
        )
        for key, day, hours, household_id, person_id in rows:
            household = households.get(household_id)
            if key in taken or household is None or not rule_in_force(rule, day):
                continue
            quantity = max(1, math.ceil(float(hours)))
            claim = Claim(
                rule=rule,
                household=household,
                person_id=person_id,
                source=source,
                source_key=key,
                quantity=quantity,
                points=rule.points_min,
                description=f"{rule.get_source_display()}{hours}小时（{day:%m月%d日}）",
                occurred_on=day,
            )
            claim.set_place_codes(grid_code=household.grid_code)
            made.append(claim)
            taken.add(key)
    if made:
        Claim.objects.bulk_create(made, batch_size=500)
        audit_record(
            actor=actor, target=community, event="points.claims_harvested", data={"count": len(made)}
        )
    return len(made)
