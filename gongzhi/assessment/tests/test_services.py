"""The assessment on a hand-made case in the small district: computed from the records, ranked, frozen when
published, a new version on recomputation; weights that do not sum to 100 refused in Chinese; nobody
publishes their own run; scope."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.assessment.enums import RunStatus, SubjectKind
from gongzhi.assessment.models import Result, Run
from gongzhi.assessment.services._validation import LineInput, SetInput
from gongzhi.assessment.services.runs import assessment_run_compute, assessment_run_publish
from gongzhi.assessment.services.sets import indicator_set_create, indicator_set_update
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.testing import SmallDistrict, build_small_district
from gongzhi.testing.worlds import shared_world
from gongzhi.tickets import services as tsvc
from gongzhi.tickets.enums import Level

G1 = (117.105, 36.985)
G2 = (117.115, 36.985)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SmallDistrict]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("assessment-media")):
        yield build_small_district()


def closed_ticket(d: SmallDistrict, point: tuple[float, float] = G1, satisfaction: str = "satisfied") -> Any:
    """A resident's report in g1 handled by the grid worker, verified, called back and closed."""
    t = tsvc.ticket_report(
        actor=d.user("resident"),
        data=tsvc.TicketInput(description="楼道杂物堆放", category_code="301005", lng=point[0], lat=point[1]),
    )
    worker = d.user("grid_worker")
    tsvc.ticket_accept(actor=worker, ticket_id=t.pk)
    tsvc.ticket_dispatch(actor=worker, ticket_id=t.pk, level=Level.GRID)
    tsvc.ticket_handle(actor=worker, ticket_id=t.pk, result="已清理")
    tsvc.ticket_verify(actor=d.user("grid_head"), ticket_id=t.pk, passed=True)
    tsvc.ticket_callback(
        actor=d.user("community_worker"), ticket_id=t.pk, satisfaction=satisfaction, note="已回访"
    )
    return t


def patrol_report(d: SmallDistrict, key: str = "grid_worker", point: tuple[float, float] = G1) -> Any:
    return tsvc.ticket_report(
        actor=d.user(key),
        data=tsvc.TicketInput(
            description="路灯不亮", category_code="301005", channel="patrol", lng=point[0], lat=point[1]
        ),
    )


def lines(**weights: Any) -> list[LineInput]:
    targets = {"on_time_rate": 100, "satisfaction_rate": 100, "tickets_found": 4, "rework_count": 0}
    floors = {"rework_count": 5}
    return [LineInput(k, w, targets[k], floors.get(k, 0)) for k, w in weights.items()]


def grid_set(d: SmallDistrict, actor_key: str = "subdistrict_staff", **weights: Any) -> Any:
    weights = weights or {"on_time_rate": 40, "satisfaction_rate": 30, "tickets_found": 30}
    return indicator_set_create(
        actor=d.user(actor_key),
        place_code=d.subdistricts["A"].code,
        data=SetInput(
            name="网格综合考核",
            year=timezone.localdate().year,
            subject_kind=SubjectKind.GRID,
            lines=lines(**weights),
        ),
    )


def frozen(run: Run) -> list[tuple[Any, ...]]:
    return list(
        Result.objects.filter(run=run)
        .order_by("subject_key")
        .values_list("subject_key", "values", "total", "rank")
    )


def by_key(run: Run) -> dict[str, Result]:
    return {r.subject_key: r for r in Result.objects.filter(run=run)}


def test_computed_from_the_records_ranked_frozen_on_publication_and_versioned(world, db):
    d = world
    g1, g2 = d.grids["g1"].code, d.grids["g2"].code
    closed_ticket(d)
    patrol_report(d)
    s = grid_set(d)
    run = assessment_run_compute(actor=d.user("subdistrict_staff"), set_id=s.pk)
    assert (run.version, run.status, run.subjects) == (1, RunStatus.DRAFT, 3)  # g1, g2, g3 of subdistrict A
    res = by_key(run)
    assert set(res) == {g1, g2, d.grids["g3"].code}
    one = res[g1].values
    assert one["on_time_rate"] == {
        "value": 100.0,
        "numerator": 1.0,
        "denominator": 1.0,
        "score": 100.0,
        "points": 40.0,
    }
    assert one["satisfaction_rate"]["value"] == 100.0
    assert one["tickets_found"]["value"] == 1.0 and one["tickets_found"]["score"] == 25.0
    assert res[g1].total == Decimal("77.50") and res[g1].rank == 1
    # g2 has no ticket due and no callback: those lines are left out, its total is its patrol finds (0).
    assert res[g2].values["on_time_rate"]["value"] is None and res[g2].total == Decimal("0.00")
    assert res[g2].rank == 2

    published = assessment_run_publish(actor=d.user("district_admin"), run_id=run.pk)
    assert published.status == RunStatus.PUBLISHED
    before = frozen(run)

    # The records change: another ticket handled in g1 (a dissatisfied resident), another patrol find.
    closed_ticket(d, satisfaction="dissatisfied")
    patrol_report(d)
    assert frozen(run) == before
    with pytest.raises(Conflict, match="已发布"):
        assessment_run_publish(actor=d.user("district_admin"), run_id=run.pk)

    run2 = assessment_run_compute(actor=d.user("subdistrict_staff"), set_id=s.pk)
    assert (run2.version, run2.status) == (2, RunStatus.DRAFT) and run2.pk != run.pk
    two = by_key(run2)[g1]
    assert two.values["tickets_found"]["value"] == 2.0
    assert two.values["satisfaction_rate"]["value"] == 50.0
    assert two.total != by_key(run)[g1].total
    assert frozen(run) == before
    # Computing the draft again replaces the draft (still version 2); publishing it supersedes version 1.
    again = assessment_run_compute(actor=d.user("subdistrict_staff"), set_id=s.pk)
    assert again.pk == run2.pk and Run.objects.filter(indicator_set=s).count() == 2
    assessment_run_publish(actor=d.user("district_admin"), run_id=run2.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED and frozen(run) == before

    # Editing the set later changes neither published version's lines nor results.
    indicator_set_update(
        actor=d.user("subdistrict_staff"),
        set_id=s.pk,
        data=SetInput(name="网格综合考核", year=s.year, subject_kind="grid", lines=lines(on_time_rate=100)),
    )
    run.refresh_from_db()
    assert [x["indicator"] for x in run.lines] == ["on_time_rate", "satisfaction_rate", "tickets_found"]
    assert frozen(run) == before


def test_weights_must_sum_to_100_in_chinese(world, db):
    with pytest.raises(ValidationFailed) as exc:
        grid_set(world, on_time_rate=40, satisfaction_rate=30)
    assert exc.value.status == 400
    assert exc.value.message == "各项指标权重之和应为100，当前为70"
    assert exc.value.fields == {"lines": "各项指标权重之和应为100，当前为70"}


def test_an_indicator_must_fit_the_subject_kind_and_the_direction(world, db):
    d = world
    bad_kind = SetInput(
        name="x", year=2026, subject_kind="worker", lines=[LineInput("mediation_closed", 100, 5)]
    )
    with pytest.raises(ValidationFailed, match="不适用于网格员考核"):
        indicator_set_create(actor=d.user("district_admin"), place_code=d.district.code, data=bad_kind)
    backwards = SetInput(
        name="x", year=2026, subject_kind="grid", lines=[LineInput("rework_count", 100, 5, 0)]
    )
    with pytest.raises(ValidationFailed, match="越低越好"):
        indicator_set_create(actor=d.user("district_admin"), place_code=d.district.code, data=backwards)


def test_nobody_publishes_the_run_they_computed(world, db):
    d = world
    run = assessment_run_compute(actor=d.user("subdistrict_staff"), set_id=grid_set(d).pk)
    with pytest.raises(Forbidden) as exc:
        assessment_run_publish(actor=d.user("subdistrict_staff"), run_id=run.pk)
    assert exc.value.code == "own_work"
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_scope_who_writes_and_who_gets_a_404(world, db):
    d = world
    s = grid_set(d)
    # Subdistrict A's set: a community worker of A1 reads it but may not compute (403); nobody of B sees it.
    with pytest.raises(Forbidden):
        assessment_run_compute(actor=d.user("community_worker"), set_id=s.pk)
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.assessment.selectors import indicator_set_get_for_actor, run_get_for_actor
    from gongzhi.core.roles import Role

    b_staff = user_create(actor=None, username="b_staff", password=None, display_name="济北街道")
    role_assign(actor=None, user=b_staff, role=Role.SUBDISTRICT_STAFF, place_code=d.subdistricts["B"].code)
    with pytest.raises(NotFound):
        assessment_run_compute(actor=b_staff, set_id=s.pk)
    with pytest.raises(NotFound):
        indicator_set_get_for_actor(actor=b_staff, set_id=s.pk)
    with pytest.raises(NotFound):
        indicator_set_update(
            actor=b_staff,
            set_id=s.pk,
            data=SetInput(name="x", year=2026, subject_kind="grid", lines=lines(on_time_rate=100)),
        )
    with pytest.raises(Forbidden):  # A's office may not write a set for subdistrict B
        indicator_set_create(
            actor=d.user("subdistrict_staff"),
            place_code=d.subdistricts["B"].code,
            data=SetInput(name="x", year=2026, subject_kind="grid", lines=lines(on_time_rate=100)),
        )
    run = assessment_run_compute(actor=d.user("district_admin"), set_id=s.pk)
    with pytest.raises(NotFound):
        run_get_for_actor(actor=b_staff, run_id=run.pk)
    with pytest.raises(NotFound):
        assessment_run_publish(actor=b_staff, run_id=run.pk)
    assert run_get_for_actor(actor=d.user("community_worker"), run_id=run.pk) == run


def test_a_grid_worker_sees_only_their_own_sheet(world, db):
    from gongzhi.assessment.selectors import (
        my_sheet_list,
        result_get_for_actor,
        result_list_for_actor,
        run_get_for_actor,
    )

    d = world
    closed_ticket(d)
    patrol_report(d)
    patrol_report(d, "grid_worker_g2", G2)
    s = indicator_set_create(
        actor=d.user("district_admin"),
        place_code=d.subdistricts["A"].code,
        data=SetInput(
            name="网格员考核",
            year=timezone.localdate().year,
            subject_kind="worker",
            lines=lines(on_time_rate=50, tickets_found=50),
        ),
    )
    run = assessment_run_compute(actor=d.user("district_admin"), set_id=s.pk)
    mine = d.user("grid_worker")
    # A draft is nobody's sheet yet.
    assert list(my_sheet_list(actor=mine)) == []
    assessment_run_publish(actor=d.user("subdistrict_staff"), run_id=run.pk)
    sheets = list(my_sheet_list(actor=mine))
    assert [r.subject_user_id for r in sheets] == [mine.pk]
    assert (
        sheets[0].values["tickets_found"]["value"] == 1.0
        and sheets[0].values["on_time_rate"]["value"] == 100.0
    )
    other = Result.objects.get(run=run, subject_user=d.user("grid_worker_g2"))
    assert other.values["tickets_found"]["value"] == 1.0 and other.values["on_time_rate"]["value"] is None
    assert result_get_for_actor(actor=mine, result_id=sheets[0].pk) == sheets[0]
    with pytest.raises(NotFound):
        result_get_for_actor(actor=mine, result_id=other.pk)
    with pytest.raises(NotFound):
        run_get_for_actor(actor=mine, run_id=run.pk)
    # The community worker of A1 reads the sheets of A1's workers (g1 and g2), never beyond.
    seen = {r.subject_user_id for r in result_list_for_actor(actor=d.user("community_worker"), run=run)}
    assert seen == {mine.pk, d.user("grid_head").pk, d.user("grid_worker_g2").pk}


def test_a_run_reads_each_indicator_for_all_subjects_at_once(world, db):
    """The number of queries of a run does not grow with its subjects: grouped queries per indicator."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.assessment import indicators

    d = world
    keys = [i.key for i in indicators.for_kind("grid")]
    each = 100 // len(keys)
    weights = [
        LineInput(k, 100 - each * (len(keys) - 1) if n == 0 else each, 10, 0 if k != "rework_count" else 20)
        for n, k in enumerate(keys)
    ]
    counts = []
    for place in (d.subdistricts["B"].code, d.district.code):  # 1 grid, then 4
        s = indicator_set_create(
            actor=d.user("district_admin"),
            place_code=place,
            data=SetInput(name="全部指标", year=2026, subject_kind="grid", lines=weights),
        )
        assessment_run_compute(actor=d.user("district_admin"), set_id=s.pk)  # warm the calendar cache
        with CaptureQueriesContext(connection) as q:
            run = assessment_run_compute(actor=d.user("district_admin"), set_id=s.pk)
        counts.append((run.subjects, len(q.captured_queries)))
    assert [n for n, _q in counts] == [1, 4]
    assert counts[0][1] == counts[1][1]
