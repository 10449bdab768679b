"""Demo: the year-end assessment (考核) through the assessment services — 济阳街道's indicator sets for its
grids (patrols, tickets, satisfaction, care visits, party and volunteer figures) and its grid workers this
year, computed by the subdistrict office for the year so far and published by the district admin (someone
else: nobody publishes their own run)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.assessment.services._validation import LineInput, SetInput
from gongzhi.assessment.services.runs import assessment_run_compute, assessment_run_publish
from gongzhi.assessment.services.sets import indicator_set_create
from gongzhi.core.roles import Role

JIYANG = "370115001000"  # 济阳街道
GRID_LINES = [
    # indicator, weight, target, floor
    ("patrol_coverage", 20, 90, 0),
    ("tickets_found", 15, 20, 0),
    ("on_time_rate", 20, 100, 60),
    ("rework_count", 10, 0, 5),
    ("satisfaction_rate", 15, 100, 60),
    ("care_visits", 10, 100, 0),
    ("volunteer_hours", 5, 50, 0),
    ("party_members", 5, 10, 0),
]
WORKER_LINES = [
    ("patrol_coverage", 25, 90, 0),
    ("tickets_found", 25, 20, 0),
    ("on_time_rate", 20, 100, 60),
    ("satisfaction_rate", 15, 100, 60),
    ("care_visits", 15, 100, 0),
]


def seed_assessment(seeder: Any) -> dict[str, Any]:
    t = time.monotonic()
    with transaction.atomic():
        admin = User.objects.get(username="admin")
        staff_ra = (
            RoleAssignment.objects.filter(role=Role.SUBDISTRICT_STAFF, place_code=JIYANG, active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if staff_ra is None:
            return {"sets": 0, "grids": 0, "workers": 0, "seconds": 0.0}
        today = timezone.localdate()
        runs = []
        for name, kind, lines, note in (
            ("网格综合考核", "grid", GRID_LINES, "定区域、定事项、定人员、定职责、定考核：按年度考核各网格"),
            ("网格员履职考核", "worker", WORKER_LINES, "网格员本人巡查、上报、处置、走访情况"),
        ):
            s = indicator_set_create(
                actor=staff_ra.user,
                place_code=JIYANG,
                data=SetInput(
                    name=name,
                    year=today.year,
                    subject_kind=kind,
                    note=note,
                    lines=[LineInput(k, w, target, floor) for k, w, target, floor in lines],
                ),
            )
            run = assessment_run_compute(
                actor=staff_ra.user, set_id=s.pk, period_start=dt.date(today.year, 1, 1), period_end=today
            )
            runs.append(assessment_run_publish(actor=admin, run_id=run.pk))
    return {
        "sets": len(runs),
        "grids": runs[0].subjects,
        "workers": runs[1].subjects,
        "seconds": round(time.monotonic() - t, 1),
    }
