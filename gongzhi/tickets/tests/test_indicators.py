"""Indicators from the rollup: the incremental counters equal a rebuild from the records, and the
figures are the ones worked out by hand for a varied set of tickets made through the services."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.tickets import indicators as ind
from gongzhi.tickets import rollup
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level, SupervisionKind, TicketStatus
from gongzhi.tickets.models import STAT_FIELDS, DailyStat, Supervision
from gongzhi.tickets.tests.helpers import G2_POINT, report

SH = ZoneInfo("Asia/Shanghai")
S = TicketStatus
NOV = ind.month(2026, 11)
OCT = ind.month(2026, 10)
G3_POINT = (117.135, 36.985)


def _t(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def build_varied(district) -> dict[str, int]:
    """Eight tickets covering every move: see the comments for what each one adds to the figures."""
    u = district.user
    gw, cw, dh = u("grid_worker"), u("community_worker"), u("department_handler")
    dep = district.department.pk
    ids: dict[str, int] = {}

    # T1: the plain loop at grid level, on time, satisfied. The grid worker handles it; the community
    # verifies and calls back (nobody checks their own work).
    t = report(district, "resident", "小区门口路灯不亮", now=_t(11, 2, 9))
    ids["t1"] = t.pk
    svc.ticket_accept(actor=gw, ticket_id=t.pk, now=_t(11, 2, 9, 30))
    svc.ticket_dispatch(
        actor=gw,
        ticket_id=t.pk,
        level=Level.GRID,
        limit_amount=2,
        limit_unit="working_days",
        now=_t(11, 2, 10),
    )
    svc.ticket_handle(actor=gw, ticket_id=t.pk, result="已更换灯泡", now=_t(11, 3, 15))
    svc.ticket_verify(actor=cw, ticket_id=t.pk, passed=True, now=_t(11, 3, 16))
    svc.ticket_callback(actor=cw, ticket_id=t.pk, satisfaction="satisfied", now=_t(11, 4, 9))
    svc.ticket_close(actor=gw, ticket_id=t.pk, now=_t(11, 4, 9, 5))

    # T2: escalated to the community, dispatched to the department, handled late, reworked once,
    # dissatisfied once (reopened), then fairly satisfied and closed.
    t = report(district, "resident", "人行道井盖破损", now=_t(11, 2, 10))
    ids["t2"] = t.pk
    svc.ticket_accept(actor=gw, ticket_id=t.pk, now=_t(11, 2, 10, 10))
    svc.ticket_escalate(actor=gw, ticket_id=t.pk, reason="网格无法处置", now=_t(11, 2, 10, 20))
    svc.ticket_dispatch(
        actor=cw,
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=dep,
        limit_amount=1,
        limit_unit="working_days",
        now=_t(11, 2, 11),
    )
    svc.ticket_respond(actor=dh, ticket_id=t.pk, now=_t(11, 2, 14))
    svc.ticket_handle(actor=dh, ticket_id=t.pk, result="已更换井盖", now=_t(11, 6, 10))
    svc.ticket_verify(actor=cw, ticket_id=t.pk, passed=False, note="井盖不平", now=_t(11, 6, 11))
    svc.ticket_handle(actor=dh, ticket_id=t.pk, result="已调平", now=_t(11, 6, 15))
    svc.ticket_verify(actor=cw, ticket_id=t.pk, passed=True, now=_t(11, 6, 16))
    svc.ticket_callback(
        actor=gw, ticket_id=t.pk, satisfaction="dissatisfied", note="仍有响声", now=_t(11, 7, 9)
    )
    svc.ticket_handle(actor=dh, ticket_id=t.pk, result="加装减震垫", now=_t(11, 7, 10))
    svc.ticket_verify(actor=gw, ticket_id=t.pk, passed=True, now=_t(11, 7, 11))
    svc.ticket_callback(actor=gw, ticket_id=t.pk, satisfaction="fairly", now=_t(11, 7, 12))
    svc.ticket_close(actor=gw, ticket_id=t.pk, now=_t(11, 7, 12, 5))

    # T3: dispatched to the department, returned (against the community), redispatched to the grid.
    t = report(district, "resident", "楼道堆放杂物", now=_t(11, 2, 11))
    ids["t3"] = t.pk
    svc.ticket_accept(actor=cw, ticket_id=t.pk, now=_t(11, 2, 11, 5))
    svc.ticket_dispatch(
        actor=cw,
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=dep,
        limit_amount=2,
        limit_unit="working_days",
        now=_t(11, 2, 11, 10),
    )
    svc.ticket_return(actor=dh, ticket_id=t.pk, reason="不属于城管职责", now=_t(11, 2, 15))
    svc.ticket_dispatch(
        actor=cw,
        ticket_id=t.pk,
        level=Level.GRID,
        limit_amount=2,
        limit_unit="working_days",
        now=_t(11, 2, 16),
    )
    svc.ticket_handle(actor=gw, ticket_id=t.pk, result="已清理", now=_t(11, 3, 10))
    svc.ticket_verify(actor=cw, ticket_id=t.pk, passed=True, now=_t(11, 3, 11))
    svc.ticket_callback(actor=cw, ticket_id=t.pk, satisfaction="satisfied", now=_t(11, 3, 12))
    svc.ticket_close(actor=cw, ticket_id=t.pk, now=_t(11, 3, 12, 5))

    # T8: reported in October, closed in November: closed counts in October (the cohort).
    t = report(district, "resident", "垃圾桶满溢", now=_t(10, 20, 9))
    ids["t8"] = t.pk
    svc.ticket_accept(actor=gw, ticket_id=t.pk, now=_t(10, 20, 9, 30))
    svc.ticket_dispatch(
        actor=gw,
        ticket_id=t.pk,
        level=Level.GRID,
        limit_amount=3,
        limit_unit="working_days",
        now=_t(10, 20, 10),
    )
    svc.ticket_handle(actor=gw, ticket_id=t.pk, result="已清运", now=_t(10, 21, 10))
    svc.ticket_verify(actor=cw, ticket_id=t.pk, passed=True, now=_t(11, 2, 8))
    svc.ticket_callback(actor=cw, ticket_id=t.pk, satisfaction="satisfied", now=_t(11, 2, 8, 30))
    svc.ticket_close(actor=gw, ticket_id=t.pk, now=_t(11, 2, 8, 40))

    # T5: declined (in g2). T7: a hotline report in g3 nobody has touched yet.
    t = report(district, "resident", "邻居装修合同纠纷", lng=G2_POINT[0], lat=G2_POINT[1], now=_t(11, 4, 9))
    ids["t5"] = t.pk
    svc.ticket_decline(actor=cw, ticket_id=t.pk, reason="属于私人合同纠纷", now=_t(11, 4, 10))
    t = report(
        district,
        None,
        "夜间施工噪音扰民",
        channel=Channel.HOTLINE,
        reporter_phone="13912345678",
        lng=G3_POINT[0],
        lat=G3_POINT[1],
        now=_t(11, 5, 9),
    )
    ids["t7"] = t.pk

    # T4: a patrol finding, overdue (yellow, then red by the sweep), handled late, closed without a
    # callback. T6: a duplicate merged into it.
    t = report(district, "grid_worker", "路边违规停放共享单车", channel=Channel.PATROL, now=_t(11, 9, 9))
    ids["t4"] = t.pk
    svc.ticket_accept(actor=gw, ticket_id=t.pk, now=_t(11, 9, 9, 10))
    svc.ticket_dispatch(
        actor=gw, ticket_id=t.pk, level=Level.GRID, limit_amount=4, limit_unit="hours", now=_t(11, 9, 9, 20)
    )
    t6 = report(district, "resident", "共享单车堵路", now=_t(11, 9, 11))
    ids["t6"] = t6.pk
    svc.ticket_merge(actor=gw, ticket_id=t6.pk, into_id=t.pk, now=_t(11, 9, 12))
    assert svc.supervision_sweep(now=_t(11, 9, 14))[SupervisionKind.YELLOW] == 1
    assert svc.supervision_sweep(now=_t(11, 9, 18))[SupervisionKind.RED] == 1
    assert svc.supervision_sweep(now=_t(11, 9, 19)) == {"yellow": 0, "red": 0, "response": 0}
    svc.ticket_handle(actor=gw, ticket_id=t.pk, result="已挪走", now=_t(11, 10, 9))
    svc.ticket_verify(actor=cw, ticket_id=t.pk, passed=True, now=_t(11, 10, 10))
    svc.ticket_close(actor=gw, ticket_id=t.pk, now=_t(11, 10, 10, 5))
    return ids


def _rate(r: ind.Rate) -> tuple[int, int]:
    return r.numerator, r.denominator


def check_november(district, actor_key: str = "district_admin") -> None:
    f = ind.indicators_for(
        actor=district.user(actor_key), level=Level.DISTRICT, code="370115", start=NOV[0], end=NOV[1]
    )
    c = f.counts
    assert (c["reported"], c["accepted"], c["declined"], c["merged"]) == (7, 4, 1, 1)
    assert (c["dispatched"], c["returned"], c["escalated"]) == (5, 1, 1)
    assert (c["handled"], c["handling_seconds"]) == (4, 104400 + 342000 + 64800 + 85200)
    assert (c["due"], c["on_time"], c["verifications"], c["reworked"]) == (4, 2, 7, 1)
    assert (c["callbacks"], c["satisfied"], c["closed"]) == (5, 4, 4)
    assert _rate(f.closure_rate) == (4, 5) and f.closure_rate.value == 0.8
    assert _rate(f.on_time_rate) == (2, 4)
    assert _rate(f.rework_rate) == (1, 7)
    assert _rate(f.return_rate) == (1, 5)
    assert _rate(f.satisfaction_rate) == (4, 5)
    assert f.avg_handling_hours == pytest.approx(596400 / 4 / 3600)
    assert f.name == "济阳区"


def test_rollup_equals_rebuild_and_indicators_are_hand_computed(district):
    ids = build_varied(district)
    from gongzhi.tickets.models import Ticket

    statuses = dict(Ticket.objects.values_list("id", "status"))
    assert statuses[ids["t4"]] == S.CLOSED and statuses[ids["t6"]] == S.MERGED
    assert statuses[ids["t5"]] == S.DECLINED and statuses[ids["t7"]] == S.REPORTED
    assert Supervision.objects.filter(ticket_id=ids["t4"]).count() == 2

    # The incremental counters are exactly what the records say.
    assert rollup.differences() == []
    check_november(district)

    october = ind.indicators_for(
        actor=district.user("district_admin"), level=Level.DISTRICT, code="370115", start=OCT[0], end=OCT[1]
    )
    assert (october.reported, october.closed, october.due, october.on_time) == (1, 1, 1, 1)
    assert _rate(october.closure_rate) == (1, 1)
    assert october.satisfaction_rate.value is None and october.satisfaction_rate.percent == "—"

    # Wipe, rebuild from the records: the same figures.
    before = rollup.stored()
    DailyStat.objects.all().delete()
    assert rollup.rebuild() == len(before)
    assert rollup.stored() == before
    check_november(district)


def test_department_and_children_and_scope(district):
    build_varied(district)
    dep = district.department
    f = ind.indicators_for(
        actor=district.user("department_handler"),
        level=Level.DEPARTMENT,
        code=str(dep.pk),
        start=NOV[0],
        end=NOV[1],
    )
    assert (f.dispatched, f.handled, f.due, f.on_time, f.verifications, f.reworked) == (2, 1, 1, 0, 3, 1)
    assert (f.callbacks, f.satisfied, f.closed) == (2, 1, 1)
    # A department's workload is what it received: T2 (T3 was returned, so it is no longer the
    # department's); its closure rate is over that. Returns count against the dispatcher.
    assert (f.reported, f.closed) == (1, 1) and _rate(f.closure_rate) == (1, 1)
    assert f.return_rate.value is None

    rows = ind.indicators_by_child(
        actor=district.user("community_worker"),
        level=Level.COMMUNITY,
        code=district.communities["A1"].code,
        start=NOV[0],
        end=NOV[1],
        sort="closure_rate",
    )
    by_code = {r.code: r for r in rows}
    g1, g2 = by_code[district.grids["g1"].code], by_code[district.grids["g2"].code]
    assert _rate(g1.closure_rate) == (4, 4) and g1.reported == 5
    assert _rate(g2.closure_rate) == (0, 0) and g2.closure_rate.value is None
    # Fewer than MIN_SAMPLE cases: listed, not ranked.
    assert g1.rank is None and g2.rank is None

    subs = ind.indicators_by_child(
        actor=district.user("district_admin"), level=Level.DISTRICT, code="370115", start=NOV[0], end=NOV[1]
    )
    assert [s.name for s in subs] == ["济阳街道", "济北街道"] or {s.name for s in subs} == {
        "济阳街道",
        "济北街道",
    }
    assert sum(s.reported for s in subs) == 7
    deps = ind.indicators_by_child(
        actor=district.user("district_admin"),
        level=Level.DISTRICT,
        code="370115",
        start=NOV[0],
        end=NOV[1],
        by="department",
    )
    assert [(d.name, d.dispatched, d.reported, d.closed) for d in deps] == [(dep.name, 2, 1, 1)]

    # Scope: outside it is the same 404 as missing.
    with pytest.raises(NotFound):
        ind.indicators_for(
            actor=district.user("grid_worker_g2"),
            level=Level.GRID,
            code=district.grids["g1"].code,
            start=NOV[0],
            end=NOV[1],
        )
    with pytest.raises(NotFound):
        ind.indicators_for(
            actor=district.user("grid_worker"),
            level=Level.COMMUNITY,
            code=district.communities["A1"].code,
            start=NOV[0],
            end=NOV[1],
        )
    with pytest.raises(NotFound):
        ind.indicators_for(
            actor=district.user("department_handler"),
            level=Level.DISTRICT,
            code="370115",
            start=NOV[0],
            end=NOV[1],
        )
    with pytest.raises(NotFound):
        ind.indicators_for(
            actor=district.user("district_admin"),
            level=Level.GRID,
            code="370115001001999",
            start=NOV[0],
            end=NOV[1],
        )
    g1_mine = ind.indicators_for(
        actor=district.user("grid_worker"),
        level=Level.GRID,
        code=district.grids["g1"].code,
        start=NOV[0],
        end=NOV[1],
    )
    assert g1_mine.reported == 5
    with pytest.raises(ValidationFailed):
        ind.indicators_for(
            actor=district.user("district_admin"), level="planet", code="1", start=NOV[0], end=NOV[1]
        )
    with pytest.raises(ValidationFailed):
        ind.indicators_for(
            actor=district.user("district_admin"),
            level=Level.DISTRICT,
            code="370115",
            start=NOV[1],
            end=NOV[0],
        )


def test_periods():
    assert ind.month(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert ind.quarter(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert ind.year(2027) == (date(2027, 1, 1), date(2027, 12, 31))


def test_ranking_puts_small_samples_last():
    def make(code: str, on_time: int, due: int) -> ind.Indicators:
        counts = dict.fromkeys(STAT_FIELDS, 0) | {"on_time": on_time, "due": due}
        return ind.Indicators(level="grid", code=code, name=code, start=NOV[0], end=NOV[1], counts=counts)

    ranked = ind.rank([make("a", 1, 1), make("b", 9, 10), make("c", 18, 20), make("d", 0, 0)], "on_time_rate")
    assert [(r.code, r.rank) for r in ranked] == [("c", 1), ("b", 2), ("a", None), ("d", None)]


def test_rollup_command_checks_and_rebuilds(district):
    build_varied(district)
    out = StringIO()
    call_command("tickets_rollup", "--check", stdout=out)
    assert "一致" in out.getvalue()
    row = DailyStat.objects.filter(reported__gt=0).first()
    assert row is not None
    DailyStat.objects.filter(pk=row.pk).update(reported=row.reported + 3)
    with pytest.raises(CommandError, match="不一致"):
        call_command("tickets_rollup", "--check", stdout=StringIO())
    call_command("tickets_rollup", "--rebuild", stdout=StringIO())
    call_command("tickets_rollup", "--check", stdout=StringIO())
    check_november(district)
