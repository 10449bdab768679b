"""Writes of inspections: the checklist on the phone with photos, by the stairwell's captains or the
staff of its place; the naming standing (``naming.py``) moves with each one. The demo's history is
recorded in a batch through the same rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.bulk import insert_rows
from gongzhi.core.errors import Forbidden, ValidationFailed
from gongzhi.core.images import CleanImage, clean_images, store_photo_rows
from gongzhi.core.permissions import allowed, require
from gongzhi.stairwells import naming
from gongzhi.stairwells.enums import CHECKLIST_KEYS, InspectorRole
from gongzhi.stairwells.models import InspectionPhoto, Stairwell, StairwellInspection
from gongzhi.stairwells.services.captains import _stairwell

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_PHOTOS = 6


def _results(raw: Any) -> dict[str, bool]:
    if not isinstance(raw, Mapping):
        raise ValidationFailed("检查结果格式不正确", fields={"results": "检查结果格式不正确"})
    stray = sorted(set(map(str, raw)) - set(CHECKLIST_KEYS))
    if stray:
        raise ValidationFailed(
            f"无法识别的检查项：{'、'.join(stray)}",
            fields={"results": f"无法识别的检查项：{'、'.join(stray)}"},
        )
    return {k: bool(raw.get(k)) for k in CHECKLIST_KEYS}


def _apply(sw: Stairwell, ok: bool, on: dt.date) -> naming.Standing:
    from gongzhi.stairwells.selectors import standing_of

    s = naming.apply(standing_of(sw), ok, on)
    sw.status, sw.passes_in_row, sw.fails_in_row = s.status, s.passes, s.fails
    sw.last_inspected_on, sw.last_passed = s.last_on, s.last_passed
    sw.named_on, sw.revoked_on, sw.next_due_on = s.named_on, s.revoked_on, s.next_due
    return s


STANDING_FIELDS = [
    "status",
    "passes_in_row",
    "fails_in_row",
    "last_inspected_on",
    "last_passed",
    "named_on",
    "revoked_on",
    "next_due_on",
]


def _save_photos(inspection: StairwellInspection, images: list[CleanImage]) -> None:
    store_photo_rows(
        images, folder=f"stairwells/{inspection.district_code}", model=InspectionPhoto, inspection=inspection
    )


@transaction.atomic
def stairwell_inspect(
    *,
    actor: Actor,
    stairwell_id: int,
    results: Mapping[str, Any],
    inspected_on: dt.date | None = None,
    note: str = "",
    photos: list[Any] | None = None,
) -> StairwellInspection:
    """One checklist inspection: every item passed or not, photos, a note; the naming standing moves
    (named at the second pass in a row, revoked at the second failure in a row)."""
    sw = _stairwell(actor, stairwell_id)
    require(
        actor,
        "stairwells.inspect_stairwell",
        sw,
        error=Forbidden("只有本楼道的楼道长或网格、社区工作人员可以检查"),
    )
    clean = _results(results)
    errors: dict[str, str] = {}
    day = inspected_on or timezone.localdate()
    if not bounds.date_in_range(day) or day > timezone.localdate():
        errors["inspected_on"] = "检查日期不能晚于今天"
    elif sw.last_inspected_on and day < sw.last_inspected_on:
        errors["inspected_on"] = f"检查日期不能早于上次检查（{sw.last_inspected_on:%Y-%m-%d}）"
    note = bounds.clean_text(note or "").strip()
    ok = naming.passed(clean, CHECKLIST_KEYS)
    if len(note) > 500:
        errors["note"] = "整改意见不能超过500字"
    elif not ok and not note:
        errors["note"] = "检查不合格，请填写整改意见"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    images = clean_images(list(photos or []), max_count=MAX_PHOTOS)
    before = sw.status
    standing = _apply(sw, ok, day)
    sw.save(update_fields=[*STANDING_FIELDS, "updated_at"])
    staff = allowed(actor, "stairwells.manage_stairwell", sw)
    inspection = StairwellInspection(
        stairwell=sw,
        inspected_on=day,
        inspector_id=getattr(actor, "pk", None),
        inspector_name=(getattr(actor, "display_name", "") or str(actor))[:50],
        inspector_role=InspectorRole.STAFF if staff else InspectorRole.CAPTAIN,
        results=clean,
        passed=ok,
        note=note,
        status_after=standing.status,
    )
    inspection.set_place_codes(grid_code=sw.grid_code, community_code=sw.community_code)
    inspection.save()
    if images:
        _save_photos(inspection, images)
    audit_record(
        actor=actor,
        target=inspection,
        event="stairwells.inspected",
        data={"stairwell": sw.pk, "passed": ok, "from": before, "to": standing.status, "photos": len(images)},
    )
    return inspection


# --- the demo's batch path ------------------------------------------------------------------------


def _update_rows(model: type[Any], objs: list[Any], names: list[str]) -> None:
    """One compiled UPDATE run with ``executemany`` (``bulk_update`` builds a CASE per field and row);
    each value prepared by its field as the ORM would."""
    from django.db import connection

    fields = [model._meta.get_field(n) for n in names]
    quote = connection.ops.quote_name
    # Only model metadata goes into the statement (quoted names); every value is a bound parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    rows = [
        (*(f.get_db_prep_save(getattr(o, f.attname), connection=connection) for f in fields), o.pk)
        for o in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass
class InspectionHistory:
    stairwell: Stairwell
    visits: list[tuple[dt.date, dict[str, bool], str]]  # (day, results, note)
    inspector: Any = None


@transaction.atomic
def inspections_bulk_record(*, actor: Actor | None, rows: list[InspectionHistory]) -> int:
    """Past inspections of many stairwells at once (the demo district, the paper ledger): the same
    checklist and the same naming rule, replayed in date order; one audit row."""
    inspections: list[StairwellInspection] = []
    stairwells: list[Stairwell] = []
    for r in rows:
        sw = r.stairwell
        for day, raw, note in sorted(r.visits, key=lambda v: v[0]):
            clean = _results(raw)
            ok = naming.passed(clean, CHECKLIST_KEYS)
            standing = _apply(sw, ok, day)
            i = StairwellInspection(
                stairwell=sw,
                inspected_on=day,
                inspector=r.inspector,
                inspector_name=(getattr(r.inspector, "display_name", "") or "")[:50],
                inspector_role=InspectorRole.STAFF,
                results=clean,
                passed=ok,
                note=note,
                status_after=standing.status,
            )
            i.set_place_codes(grid_code=sw.grid_code, community_code=sw.community_code)
            inspections.append(i)
        stairwells.append(sw)
    insert_rows(StairwellInspection, inspections)
    _update_rows(Stairwell, stairwells, [*STANDING_FIELDS, "title", "pact_on_file"])
    if inspections:
        audit_record(
            actor=actor,
            target=stairwells[0],
            event="stairwells.inspections_imported",
            data={"count": len(inspections)},
        )
    return len(inspections)
