"""The cockpit's writes: the rebuild of its rollup from the modules' records, and starting it as a job."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.audit.services import audit_record_about
from gongzhi.cockpit import rollups
from gongzhi.cockpit.models import FigureRollup
from gongzhi.core.errors import field_error
from gongzhi.core.permissions import require

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# A nightly rebuild covers this many months (the cockpit's year and its trend).
MONTHS = 12
JOB_KIND = "cockpit.rollup_rebuild"


def _clean_place(place: str | None) -> str:
    place = (place or "").strip()
    if not place:
        return ""
    if not place.isdigit() or not rollups.level_of(place):
        raise field_error("place", _("区划代码应为6位区县、12位街道或社区、15位网格代码"))
    return place[:6]


def rollup_rebuild(
    *,
    actor: Actor | None = None,
    place: str | None = None,
    month: dt.date | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Computes every figure from the records and replaces the cockpit's rows: the last ``MONTHS`` months
    (or only ``month``), for every place or only the district of ``place`` (a place's figures add up to its
    district's, so the whole district is rebuilt). One grouped query per figure; the rows of the months are
    deleted and inserted in one transaction with one audit row. ``actor`` None is the scheduled run."""
    if actor is not None:
        require(actor, "cockpit.rebuild_rollup", None)
    district = _clean_place(place)
    today = timezone.localdate()
    if month is not None:
        if month > today:
            raise field_error("month", _("不能统计未来的月份"))
        months = [rollups.month_start(month)]
    else:
        months = rollups.months_back(today, MONTHS)
    values = rollups.compute_all(months, today, district)
    if progress is not None:
        progress(len(values))
    now = timezone.now()
    rows = [
        FigureRollup(
            place_code=code,
            level=rollups.level_of(code),
            parent_code=rollups.parent_of(code),
            period=period,
            key=key,
            value=value,
            computed_at=now,
        )
        for (period, code), figures in values.items()
        for key, value in figures.items()
        if rollups.level_of(code)
    ]
    with transaction.atomic():
        old = FigureRollup.objects.filter(period__in=months)
        if district:
            old = old.filter(place_code__startswith=district)
        deleted = old.delete()[0]
        FigureRollup.objects.bulk_create(rows, batch_size=2000)
        audit_record_about(
            actor=actor,
            event="cockpit.rollup_rebuilt",
            target_type="cockpit.figurerollup",
            target_label=district or "全部区县",
            data={
                "months": [m.isoformat() for m in months],
                "district": district,
                "rows": len(rows),
                "deleted": deleted,
            },
        )
    return {"rows": len(rows), "months": len(months), "district": district}


@transaction.atomic
def rollup_rebuild_start(*, actor: Actor, place: str = "") -> Any:
    """The district admin's "rebuild now": the rebuild as a background job with its progress."""
    from gongzhi.jobs.services import job_start

    require(actor, "cockpit.rebuild_rollup", None)
    district = _clean_place(place)
    return job_start(actor=actor, kind=JOB_KIND, label="驾驶舱指标重算", params={"district": district})
