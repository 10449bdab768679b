"""The campaigns' part of the supervision sweep (``tickets_supervise`` runs it through ``core.sweeps``):
a duty whose round was due before today and not walked is flagged as missed (漏巡) from the day the
sweep first finds it; a round recorded moves its due day on and clears the flag."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from gongzhi.audit.services import audit_record_about
from gongzhi.campaigns.enums import CampaignStatus
from gongzhi.campaigns.models import InspectionDuty

NEWLY_MISSED = "巡查岗位新漏巡（个）"
STILL_MISSED = "巡查岗位漏巡（个）"


def _live(today: dt.date) -> Q:
    return Q(active=True, campaign__status=CampaignStatus.ACTIVE, campaign__ends_on__gte=today)


@transaction.atomic
def campaign_missed_rounds_sweep(today: dt.date) -> dict[str, int]:
    cleared = (
        InspectionDuty.objects.filter(missed_since__isnull=False)
        .exclude(_live(today) & Q(due_on__lt=today))
        .update(missed_since=None)
    )
    live = InspectionDuty.objects.filter(_live(today))
    found = live.filter(due_on__lt=today, missed_since__isnull=True).update(missed_since=today)
    missed = live.filter(due_on__lt=today).count()
    if found or cleared:
        audit_record_about(
            actor=None,
            event="campaigns.missed_rounds_swept",
            target_type="campaigns.inspectionduty",
            target_label="巡查漏巡检查",
            data={"newly_missed": found, "cleared": cleared, "missed": missed, "day": today.isoformat()},
        )
    return {NEWLY_MISSED: found, STILL_MISSED: missed}
