"""Writes of indicator sets (考核方案): created and edited by the district admin for the district, or by the
subdistrict office (or the district admin) for one subdistrict. A set's lines are replaced whole on each
edit; runs already computed keep the lines they were computed with (``Run.lines``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.assessment.enums import SET_CREATED, SET_UPDATED
from gongzhi.assessment.models import IndicatorLine, IndicatorSet
from gongzhi.assessment.services._validation import CleanLine, SetInput, clean_set
from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.permissions import require

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_MANAGERS_ONLY = gettext_noop("只有区级管理员或本街道工作人员可以制定考核方案")


def place_for_code(code: str) -> Any:
    """The district (6 digits) or subdistrict (12 digits) a set belongs to; 404 otherwise."""
    from gongzhi.places.models import District, Subdistrict

    code = (code or "").strip()
    place: Any = None
    if len(code) == 6 and code.isdigit():
        place = District.objects.filter(code=code).first()
    elif len(code) == 12 and code.isdigit():
        place = Subdistrict.objects.filter(code=code).first()
    if place is None:
        raise NotFound(_("区县或街道不存在"))
    return place


def _write_lines(s: IndicatorSet, lines: list[CleanLine]) -> list[dict[str, Any]]:
    IndicatorLine.objects.filter(indicator_set=s).delete()
    IndicatorLine.objects.bulk_create(
        [
            IndicatorLine(
                indicator_set=s,
                indicator=line.indicator,
                weight=line.weight,
                rule=line.rule,
                floor=line.floor,
                target=line.target,
                order=n,
            )
            for n, line in enumerate(lines)
        ]
    )
    return [
        {
            "indicator": x.indicator,
            "weight": str(x.weight),
            "rule": x.rule,
            "floor": str(x.floor),
            "target": str(x.target),
        }
        for x in lines
    ]


@transaction.atomic
def indicator_set_create(*, actor: Actor | None, place_code: str, data: SetInput) -> IndicatorSet:
    place = place_for_code(place_code)
    require(actor, "assessment.manage_set", place, error=Forbidden(_(_MANAGERS_ONLY)))
    name, year, kind, note, lines = clean_set(data)
    s = IndicatorSet(
        name=name,
        year=year,
        subject_kind=kind,
        note=note,
        created_by_id=getattr(actor, "pk", None),
        district_code=place.district_code,
        subdistrict_code=getattr(place, "subdistrict_code", ""),
        community_code="",
        grid_code="",
    )
    s.save()
    written = _write_lines(s, lines)
    audit_record(
        actor=actor,
        target=s,
        event=SET_CREATED,
        data={"name": name, "year": year, "kind": kind, "lines": written},
    )
    return s


@transaction.atomic
def indicator_set_update(*, actor: Actor | None, set_id: int, data: SetInput) -> IndicatorSet:
    s = IndicatorSet.objects.select_for_update().filter(pk=set_id).first()
    if s is None:
        raise NotFound()
    require(actor, "assessment.manage_set", s)
    name, year, kind, note, lines = clean_set(data)
    old_lines = [
        {k: str(v) for k, v in x.items()}
        for x in s.lines.values("indicator", "weight", "rule", "floor", "target")
    ]
    old = {"name": s.name, "year": s.year, "kind": s.subject_kind, "lines": old_lines}
    s.name, s.year, s.subject_kind, s.note = name, year, kind, note
    s.save(update_fields=["name", "year", "subject_kind", "note", "updated_at"])
    written = _write_lines(s, lines)
    audit_record(
        actor=actor,
        target=s,
        event=SET_UPDATED,
        data={
            "from": old,
            "to": {"name": name, "year": year, "kind": kind, "lines": written},
        },
    )
    return s
