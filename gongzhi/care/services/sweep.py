"""Care's part of the supervision sweep (``tickets_supervise`` runs it through ``core.sweeps``): the day
a person in a care group is first found overdue for a visit is recorded on the membership, so the overdue
list can say since when, and a visit (which moves ``due_on`` on) clears it at the next sweep."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongzhi.audit.services import audit_record_about
from gongzhi.care.enums import MembershipStatus
from gongzhi.care.models import CareMembership

NEWLY_OVERDUE = "重点人群走访新超期（人）"
STILL_OVERDUE = "重点人群走访超期（人）"


@transaction.atomic
def care_overdue_sweep(today: dt.date) -> dict[str, int]:
    active = CareMembership.objects.filter(status=MembershipStatus.ACTIVE)
    cleared = (
        CareMembership.objects.filter(overdue_since__isnull=False)
        .exclude(status=MembershipStatus.ACTIVE, due_on__lt=today)
        .update(overdue_since=None)
    )
    found = active.filter(due_on__lt=today, overdue_since__isnull=True).update(overdue_since=today)
    overdue = active.filter(due_on__lt=today).count()
    if found or cleared:
        audit_record_about(
            actor=None,
            event="care.overdue_swept",
            target_type="care.caremembership",
            target_label="重点人群走访超期巡检",
            data={"newly_overdue": found, "cleared": cleared, "overdue": overdue, "day": today.isoformat()},
        )
    return {NEWLY_OVERDUE: found, STILL_OVERDUE: overdue}
