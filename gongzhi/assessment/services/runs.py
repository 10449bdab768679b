"""Computing and publishing runs (考核结果).

``assessment_run_compute`` computes a set over a period for every subject of the set's place at once
(``indicators``: grouped queries per indicator), scores and ranks them (``scoring``) and stores a draft:
computing again while the latest run is a draft replaces that draft; once a run is published, computing
makes a new version (the next number) and the published one stays as it was. ``assessment_run_publish``
freezes a draft — nobody publishes a run they computed themself — and marks the set's older published
version superseded (still readable)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.assessment import indicators, scoring
from gongzhi.assessment.enums import RUN_COMPUTED, RUN_PUBLISHED, RunStatus
from gongzhi.assessment.models import IndicatorSet, Result, Run
from gongzhi.assessment.services._validation import clean_period
from gongzhi.assessment.transitions import RUN
from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import allowed
from gongzhi.core.workflow import check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_RUNNERS_ONLY = gettext_noop("只有区级管理员或本街道工作人员可以计算和发布考核结果")


def _refusal(actor: Actor | None, obj: Any) -> Exception:
    """Forbidden for a reader of the set's place who may not act on it; 404 for anyone else."""
    from gongzhi.assessment.selectors import set_visible_to

    return Forbidden(_(_RUNNERS_ONLY)) if set_visible_to(actor, obj) else NotFound()


def source_text(text: Any) -> str:
    """A catalogue text in the code's language (Chinese): a run keeps its lines as computed, in one
    language whoever computed it; the pages translate them back (``indicators.line_texts``)."""
    with translation.override("zh-hans"):
        return str(text)


def snapshot_lines(s: IndicatorSet) -> list[dict[str, Any]]:
    """The set's lines with each indicator's label, unit, direction and how it is computed."""
    out = []
    for line in s.lines.all():
        ind = indicators.CATALOGUE.get(line.indicator)
        if ind is None:  # an indicator retired from the catalogue since the set was written
            continue
        out.append(
            {
                "indicator": ind.key,
                "label": source_text(ind.label),
                "unit": source_text(ind.unit),
                "direction": ind.direction,
                "how": source_text(ind.how),
                "weight": str(line.weight),
                "rule": line.rule,
                "floor": str(line.floor),
                "target": str(line.target),
            }
        )
    return out


def compute_results(
    s: IndicatorSet, lines: list[dict[str, Any]], start: dt.date, end: dt.date
) -> list[Result]:
    """Every subject's result, ranked, unsaved (no run yet)."""
    subjects = indicators.subjects_of(
        s.subject_kind, district_code=s.district_code, subdistrict_code=s.subdistrict_code
    )
    span = indicators.Span(start, end)
    figures = indicators.compute([x["indicator"] for x in lines], s.subject_kind, subjects, span)
    rows: list[Result] = []
    for subj in subjects:
        values: dict[str, Any] = {}
        scores: dict[str, Decimal | None] = {}
        for x in lines:
            f = figures[x["indicator"]].get(subj.key) or indicators.Figure(None)
            scores[x["indicator"]] = scoring.line_score(
                f.value,
                rule=x["rule"],
                floor=Decimal(x["floor"]),
                target=Decimal(x["target"]),
                direction=x["direction"],
            )
            values[x["indicator"]] = {
                "value": f.value,
                "numerator": f.numerator,
                "denominator": f.denominator,
            }
        total, points = scoring.total(lines, scores)
        for key, v in values.items():
            v["score"] = None if scores[key] is None else float(scores[key])  # type: ignore[arg-type]
            v["points"] = None if points[key] is None else float(points[key])  # type: ignore[arg-type]
        rows.append(
            Result(
                subject_kind=subj.kind,
                subject_key=subj.key,
                subject_user_id=subj.user_id,
                subject_name=subj.name[:100],
                place_name=subj.place_name[:200],
                values=values,
                total=total,
                rank=0,
                district_code=subj.district_code,
                subdistrict_code=subj.subdistrict_code,
                community_code=subj.community_code,
                grid_code=subj.grid_code,
            )
        )
    for r, rank in zip(rows, scoring.ranks([r.total for r in rows]), strict=True):
        r.rank = rank
    return rows


@transaction.atomic
def assessment_run_compute(
    *,
    actor: Actor | None,
    set_id: int,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Run:
    s = IndicatorSet.objects.select_for_update().filter(pk=set_id).first()
    if s is None:
        raise NotFound()
    if not allowed(actor, "assessment.compute_run", s):
        raise _refusal(actor, s)
    start, end = clean_period(period_start, period_end, s.year)
    lock_name(f"assessment.set:{s.pk}")
    lines = snapshot_lines(s)
    rows = compute_results(s, lines, start, end)
    now = timezone.now()
    who: int | None = getattr(actor, "pk", None)
    latest = Run.objects.select_for_update().filter(indicator_set=s).order_by("-version").first()
    replaced = None
    if latest is not None and latest.status == RunStatus.DRAFT:
        check_move(RUN, "recompute", latest.status)
        run = latest
        replaced = run.results.count()
        run.results.all().delete()
        run.period_start, run.period_end, run.lines = start, end, lines
        run.subjects, run.computed_by_id, run.computed_at = len(rows), who, now
        run.save(
            update_fields=[
                "period_start",
                "period_end",
                "lines",
                "subjects",
                "computed_by",
                "computed_at",
                "updated_at",
            ]
        )
    else:
        version = (Run.objects.filter(indicator_set=s).aggregate(v=Max("version"))["v"] or 0) + 1
        run = Run.objects.create(
            indicator_set=s,
            version=version,
            status=RunStatus.DRAFT,
            period_start=start,
            period_end=end,
            lines=lines,
            subjects=len(rows),
            computed_by_id=who,
            computed_at=now,
            district_code=s.district_code,
            subdistrict_code=s.subdistrict_code,
            community_code="",
            grid_code="",
        )
    for r in rows:
        r.run = run
    Result.objects.bulk_create(rows, batch_size=500)
    audit_record(
        actor=actor,
        target=run,
        event=RUN_COMPUTED,
        data={
            "set": s.pk,
            "version": run.version,
            "period": [start.isoformat(), end.isoformat()],
            "subjects": len(rows),
            "replaced_draft_results": replaced,
        },
    )
    return run


@transaction.atomic
def assessment_run_publish(*, actor: Actor | None, run_id: int) -> Run:
    run = Run.objects.select_for_update().select_related("indicator_set").filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    if not allowed(actor, "assessment.publish_run", run):
        raise _refusal(actor, run.indicator_set)
    refuse_own_work(actor, run.computed_by_id, what="发布本人计算的考核结果")
    run.status = check_move(RUN, "publish", run.status)
    run.published_by_id = getattr(actor, "pk", None)
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    superseded = []
    for old in (
        Run.objects.select_for_update()
        .filter(indicator_set_id=run.indicator_set_id, status=RunStatus.PUBLISHED)
        .exclude(pk=run.pk)
    ):
        old.status = check_move(RUN, "supersede", old.status)
        old.save(update_fields=["status", "updated_at"])
        superseded.append(old.version)
    audit_record(
        actor=actor,
        target=run,
        event=RUN_PUBLISHED,
        data={"version": run.version, "superseded": superseded, "subjects": run.subjects},
    )
    return run
