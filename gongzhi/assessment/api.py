"""The assessment API under /api/v1/assessment/: the indicator catalogue, indicator sets (list, create),
runs (compute, publish, read with their results) and a grid worker's own sheets.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.assessment import indicators, selectors
from gongzhi.assessment.models import IndicatorSet, Result, Run
from gongzhi.assessment.services import runs, sets
from gongzhi.assessment.services._validation import LineInput, SetInput
from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth

router = Router(tags=["考核"], auth=session_auth)


class AssessmentIndicatorOut(Schema):
    key: str
    label: str
    unit: str
    direction: str
    kinds: list[str]
    how: str


class AssessmentLineIn(Schema):
    indicator: str = Field(..., max_length=40)
    weight: float = Field(..., ge=0, le=100)
    target: float = Field(..., ge=-1e9, le=1e9)
    floor: float = Field(0, ge=-1e9, le=1e9)
    rule: str = Field("linear", max_length=12)


class AssessmentSetIn(Schema):
    place_code: str = Field(..., max_length=12, description="区县代码（6位）或街道代码（12位）")
    name: str = Field(..., max_length=100)
    year: int = Field(..., ge=2000, le=2100)
    subject_kind: str = Field(..., max_length=12)
    note: str = Field("", max_length=500)
    lines: list[AssessmentLineIn] = Field(..., max_length=20)


class AssessmentLineOut(Schema):
    indicator: str
    weight: float
    rule: str
    floor: float
    target: float


class AssessmentSetOut(Schema):
    id: int
    name: str
    year: int
    subject_kind: str
    district_code: str
    subdistrict_code: str
    note: str
    lines: list[AssessmentLineOut]


class AssessmentSetFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


class AssessmentRunIn(Schema):
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class AssessmentResultOut(Schema):
    id: int
    rank: int
    subject_kind: str
    subject_key: str
    subject_name: str
    place_name: str
    total: float
    values: dict[str, Any]


class AssessmentRunOut(Schema):
    id: int
    set_id: int
    set_name: str
    year: int
    subject_kind: str
    version: int
    status: str
    period_start: dt.date
    period_end: dt.date
    subjects: int
    lines: list[dict[str, Any]]
    computed_at: dt.datetime
    published_at: dt.datetime | None
    results: list[AssessmentResultOut]


class AssessmentSheetOut(Schema):
    run_id: int
    set_name: str
    year: int
    version: int
    status: str
    period_start: dt.date
    period_end: dt.date
    subjects: int
    lines: list[dict[str, Any]]
    result: AssessmentResultOut


def _set_out(s: IndicatorSet) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "year": s.year,
        "subject_kind": s.subject_kind,
        "district_code": s.district_code,
        "subdistrict_code": s.subdistrict_code,
        "note": s.note,
        "lines": [
            {
                "indicator": x.indicator,
                "weight": float(x.weight),
                "rule": x.rule,
                "floor": float(x.floor),
                "target": float(x.target),
            }
            for x in s.lines.all()
        ],
    }


def _result_out(r: Result) -> dict[str, Any]:
    return {
        "id": r.pk,
        "rank": r.rank,
        "subject_kind": r.subject_kind,
        "subject_key": r.subject_key,
        "subject_name": r.subject_name,
        "place_name": r.place_name,
        "total": float(r.total),
        "values": r.values,
    }


def _run_out(run: Run, results: list[Result]) -> dict[str, Any]:
    s = run.indicator_set
    return {
        "id": run.pk,
        "set_id": s.pk,
        "set_name": s.name,
        "year": s.year,
        "subject_kind": s.subject_kind,
        "version": run.version,
        "status": run.status,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "subjects": run.subjects,
        "lines": run.lines,
        "computed_at": run.computed_at,
        "published_at": run.published_at,
        "results": [_result_out(r) for r in results],
    }


@router.get("/indicators", response={200: list[AssessmentIndicatorOut], **ERRORS}, summary="考核指标库")
def indicator_list(request: HttpRequest):
    return [
        {
            "key": i.key,
            "label": str(i.label),
            "unit": str(i.unit),
            "direction": i.direction,
            "kinds": sorted(i.kinds),
            "how": str(i.how),
        }
        for i in indicators.CATALOGUE.values()
    ]


@router.get("/sets", response={200: list[AssessmentSetOut], **ERRORS}, summary="考核方案列表")
def set_list(request: HttpRequest, filters: Query[AssessmentSetFilter]):
    qs = selectors.indicator_set_list_for_actor(actor=actor_of(request), year=filters.year)
    return [_set_out(s) for s in qs.prefetch_related("lines")[:500]]


@router.post("/sets", response={201: AssessmentSetOut, **ERRORS}, summary="制定考核方案（权重之和为100）")
def set_create(request: HttpRequest, payload: AssessmentSetIn):
    s = sets.indicator_set_create(
        actor=actor_of(request),
        place_code=payload.place_code,
        data=SetInput(
            name=payload.name,
            year=payload.year,
            subject_kind=payload.subject_kind,
            note=payload.note,
            lines=[LineInput(x.indicator, x.weight, x.target, x.floor, x.rule) for x in payload.lines],
        ),
    )
    return Status(201, _set_out(s))


@router.post(
    "/sets/{set_id}/runs", response={201: AssessmentRunOut, **ERRORS}, summary="计算考核结果（草稿）"
)
def run_compute(request: HttpRequest, set_id: int, payload: AssessmentRunIn):
    actor = actor_of(request)
    run = runs.assessment_run_compute(
        actor=actor, set_id=set_id, period_start=payload.period_start, period_end=payload.period_end
    )
    return Status(201, _run_out(run, list(selectors.result_list_for_actor(actor=actor, run=run))))


@router.post(
    "/runs/{run_id}/publish", response={200: AssessmentRunOut, **ERRORS}, summary="发布考核结果（发布后冻结）"
)
def run_publish(request: HttpRequest, run_id: int):
    actor = actor_of(request)
    run = runs.assessment_run_publish(actor=actor, run_id=run_id)
    return _run_out(run, list(selectors.result_list_for_actor(actor=actor, run=run)))


@router.get("/runs/{run_id}", response={200: AssessmentRunOut, **ERRORS}, summary="考核结果与排名")
def run_get(request: HttpRequest, run_id: int):
    actor = actor_of(request)
    run = selectors.run_get_for_actor(actor=actor, run_id=run_id)
    return _run_out(run, list(selectors.result_list_for_actor(actor=actor, run=run)))


@router.get("/my-sheets", response={200: list[AssessmentSheetOut], **ERRORS}, summary="我的考核（已发布）")
def my_sheets(request: HttpRequest):
    out = []
    for r in selectors.my_sheet_list(actor=actor_of(request))[:50]:
        run = r.run
        out.append(
            {
                "run_id": run.pk,
                "set_name": run.indicator_set.name,
                "year": run.indicator_set.year,
                "version": run.version,
                "status": run.status,
                "period_start": run.period_start,
                "period_end": run.period_end,
                "subjects": run.subjects,
                "lines": run.lines,
                "result": _result_out(r),
            }
        )
    return out
