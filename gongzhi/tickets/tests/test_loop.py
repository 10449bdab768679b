"""The closed loop through the services: every move, who may make it, what it writes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level, SupervisionKind, TicketStatus
from gongzhi.tickets.models import DailyStat, Supervision, Ticket, TicketEvent
from gongzhi.tickets.selectors.tickets import clean_filters, ticket_list_for_actor
from gongzhi.tickets.tests.helpers import G1_POINT, report

SH = ZoneInfo("Asia/Shanghai")
S = TicketStatus


def _t(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def test_report_locates_grid_from_point_and_records(district):
    resident = district.user("resident")
    ticket = report(district, "resident", "小区门口路灯不亮了，晚上很黑", category_code="101018")
    g1 = district.grids["g1"]
    assert (ticket.grid_code, ticket.community_code, ticket.subdistrict_code) == (
        g1.code,
        g1.community_code,
        g1.subdistrict_code,
    )
    assert ticket.status == S.REPORTED and ticket.level == Level.GRID
    assert ticket.reporter_id == resident.pk
    assert ticket.title.startswith("路灯")
    assert " 路灯 " in ticket.search_text
    assert TicketEvent.objects.filter(ticket=ticket, move="report").count() == 1
    assert AuditEvent.objects.filter(event_type="tickets.report", target_id=str(ticket.pk)).count() == 1
    assert DailyStat.objects.get(grid_code=g1.code).reported == 1


def test_report_converts_gcj02(district):
    from gongzhi.core.coords import from_wgs84

    lng, lat = from_wgs84(*G1_POINT, "gcj02")
    ticket = svc.ticket_report(
        actor=district.user("resident"),
        data=svc.TicketInput(description="井盖丢了", lng=lng, lat=lat, coord_system="gcj02"),
    )
    assert ticket.lng is not None and ticket.lat is not None
    assert abs(ticket.lng - G1_POINT[0]) < 1e-6 and abs(ticket.lat - G1_POINT[1]) < 1e-6
    assert ticket.grid_code == district.grids["g1"].code


def test_report_without_location_uses_the_residents_household(district):
    ticket = svc.ticket_report(
        actor=district.user("resident"), data=svc.TicketInput(description="楼道里堆满杂物")
    )
    assert ticket.grid_code == district.grids["g1"].code
    assert ticket.household_id == district.households["g1"][0].pk


def test_bad_reports_write_nothing(district):
    before = Ticket.objects.count(), AuditEvent.objects.count()
    cases = [
        svc.TicketInput(description=""),
        svc.TicketInput(description="x" * 4001),
        svc.TicketInput(description="有问题", lng=200.0, lat=36.9),
        svc.TicketInput(description="有问题", lng=117.1, lat=None),
        svc.TicketInput(description="有问题", category_code="999999"),
        svc.TicketInput(description="有问题", reporter_phone="12345"),
        svc.TicketInput(description="有问题", channel=Channel.PATROL),  # a resident may not claim a patrol
    ]
    for data in cases:
        with pytest.raises(ValidationFailed) as exc:
            svc.ticket_report(actor=district.user("resident"), data=data)
        assert exc.value.fields, data
        assert all(isinstance(m, str) and m for m in exc.value.fields.values())
    assert (Ticket.objects.count(), AuditEvent.objects.count()) == before


def test_full_loop_with_escalation_to_a_department(district):
    """Resident reports → grid worker accepts and escalates → community dispatches to a department →
    the department responds and handles → grid worker verifies → callback → closed."""
    start = _t(2026, 11, 2, 9, 0)  # a Monday
    t = report(district, "resident", "路灯坏了一个星期了", category_code="101018", now=start)
    t = svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk, now=_t(2026, 11, 2, 9, 30))
    assert t.status == S.ACCEPTED and t.first_responder_id == district.user("grid_worker").pk
    t = svc.ticket_escalate(
        actor=district.user("grid_worker"),
        ticket_id=t.pk,
        reason="需城管部门维修",
        now=_t(2026, 11, 2, 10, 0),
    )
    assert (t.status, t.level) == (S.ESCALATED, Level.COMMUNITY)
    # The grid worker no longer holds the level it waits at.
    with pytest.raises(Forbidden):
        svc.ticket_dispatch(actor=district.user("grid_worker"), ticket_id=t.pk, level=Level.GRID)
    dep = district.department
    t = svc.ticket_dispatch(
        actor=district.user("community_worker"),
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=dep.pk,
        now=_t(2026, 11, 2, 10, 30),
    )
    assert t.status == S.DISPATCHED and t.department_id == dep.pk
    # 路灯: 3 working days, counted from the next working day → Thursday 5 Nov, end of the working day.
    assert t.deadline is not None and t.respond_deadline is not None
    assert t.deadline.astimezone(SH).date() == _t(2026, 11, 5).date()
    assert t.respond_deadline < t.deadline
    with pytest.raises(Forbidden):
        svc.ticket_handle(actor=district.user("grid_worker"), ticket_id=t.pk, result="修好了")
    handler = district.user("department_handler")
    t = svc.ticket_respond(actor=handler, ticket_id=t.pk, now=_t(2026, 11, 2, 11, 0))
    assert t.status == S.IN_PROGRESS
    t = svc.ticket_handle(actor=handler, ticket_id=t.pk, result="已更换灯泡", now=_t(2026, 11, 3, 15, 0))
    assert t.status == S.HANDLED
    t = svc.ticket_verify(
        actor=district.user("grid_worker"), ticket_id=t.pk, passed=True, now=_t(2026, 11, 3, 17, 0)
    )
    assert t.status == S.VERIFIED
    with pytest.raises(Conflict) as exc:
        svc.ticket_close(actor=district.user("grid_worker"), ticket_id=t.pk)
    assert exc.value.code == "callback_required"
    t = svc.ticket_callback(
        actor=district.user("grid_worker"),
        ticket_id=t.pk,
        satisfaction="satisfied",
        now=_t(2026, 11, 4, 9, 0),
    )
    t = svc.ticket_close(actor=district.user("grid_worker"), ticket_id=t.pk, now=_t(2026, 11, 4, 9, 5))
    assert t.status == S.CLOSED
    moves = list(TicketEvent.objects.filter(ticket=t).values_list("move", flat=True))
    assert moves == [
        "report",
        "accept",
        "escalate",
        "dispatch",
        "respond",
        "handle",
        "verify",
        "callback",
        "close",
    ]
    assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=str(t.pk)).count() == len(moves)
    stat = {
        f: sum(getattr(r, f) for r in DailyStat.objects.all())
        for f in ("reported", "accepted", "escalated", "dispatched", "handled", "due", "on_time", "closed")
    }
    assert stat == {
        "reported": 1,
        "accepted": 1,
        "escalated": 1,
        "dispatched": 1,
        "handled": 1,
        "due": 1,
        "on_time": 1,
        "closed": 1,
    }


def test_illegal_moves_are_409(district):
    t = report(district, "resident", "噪音扰民")
    for call in (
        lambda: svc.ticket_handle(actor=district.user("grid_worker"), ticket_id=t.pk, result="x"),
        lambda: svc.ticket_close(actor=district.user("grid_worker"), ticket_id=t.pk),
        lambda: svc.ticket_verify(actor=district.user("grid_worker"), ticket_id=t.pk, passed=True),
    ):
        with pytest.raises(ApplicationError) as exc:
            call()
        assert exc.value.status == 409 and exc.value.code == "illegal_transition"
    with pytest.raises(Conflict) as exc:
        svc.ticket_verify(actor=None, ticket_id=t.pk, passed=True)
    assert exc.value.status == 409 and "待受理" in exc.value.message


def test_other_grids_worker_cannot_see_or_move(district):
    t = report(district, "resident", "垃圾堆放")
    with pytest.raises(NotFound):
        svc.ticket_accept(actor=district.user("grid_worker_g2"), ticket_id=t.pk)
    assert not ticket_list_for_actor(actor=district.user("grid_worker_g2"), filters=clean_filters())
    assert [
        x.pk for x in ticket_list_for_actor(actor=district.user("grid_worker"), filters=clean_filters())
    ] == [t.pk]


def test_decline_and_merge(district):
    a = report(district, "resident", "路灯不亮")
    b = report(district, "resident", "路灯又不亮了")
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=a.pk)
    with pytest.raises(ValidationFailed):
        svc.ticket_decline(actor=district.user("grid_worker"), ticket_id=b.pk, reason="")
    merged = svc.ticket_merge(actor=district.user("grid_worker"), ticket_id=b.pk, into_id=a.pk)
    assert merged.status == S.MERGED and merged.duplicate_of_id == a.pk
    c = report(district, "resident", "不是我们管的事")
    d = svc.ticket_decline(actor=district.user("grid_worker"), ticket_id=c.pk, reason="属于私人合同纠纷")
    assert d.status == S.DECLINED


def _dispatched(district, now=None, level=Level.GRID):
    t = report(district, "resident", "楼道杂物堆放", category_code="301005", now=now)
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk, now=now)
    return svc.ticket_dispatch(actor=district.user("grid_worker"), ticket_id=t.pk, level=level, now=now)


def test_rework_return_and_reopen_are_counted(district):
    t = _dispatched(district)
    worker = district.user("grid_worker")
    assert t.handler_place_code == t.grid_code
    svc.ticket_handle(actor=worker, ticket_id=t.pk, result="已清理")
    t = svc.ticket_verify(
        actor=district.user("community_worker"), ticket_id=t.pk, passed=False, note="还有杂物"
    )
    assert (t.status, t.rework_count) == (S.IN_PROGRESS, 1)
    # The worker who handled it neither verifies nor calls back: the grid head and the community do.
    head, community = district.user("grid_head"), district.user("community_worker")
    svc.ticket_handle(actor=worker, ticket_id=t.pk, result="全部清理")
    svc.ticket_verify(actor=head, ticket_id=t.pk, passed=True)
    t = svc.ticket_callback(actor=community, ticket_id=t.pk, satisfaction="dissatisfied", note="又堆上了")
    assert (t.status, t.reopen_count) == (S.IN_PROGRESS, 1)
    assert not Supervision.objects.filter(ticket=t).exists()
    svc.ticket_handle(actor=worker, ticket_id=t.pk, result="联系物业清走")
    svc.ticket_verify(actor=head, ticket_id=t.pk, passed=True)
    t = svc.ticket_callback(actor=community, ticket_id=t.pk, satisfaction="dissatisfied", note="还是不行")
    assert Supervision.objects.filter(ticket=t, kind=SupervisionKind.DISSATISFIED).count() == 1
    totals = {
        f: sum(getattr(r, f) for r in DailyStat.objects.all())
        for f in ("verifications", "reworked", "callbacks", "satisfied")
    }
    assert totals == {"verifications": 3, "reworked": 1, "callbacks": 2, "satisfied": 0}


def test_return_goes_back_to_the_dispatcher(district):
    t = report(district, "resident", "占道经营", category_code="205001")
    svc.ticket_accept(actor=district.user("community_worker"), ticket_id=t.pk)
    t = svc.ticket_dispatch(
        actor=district.user("community_worker"),
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=district.department.pk,
    )
    with pytest.raises(ValidationFailed):
        svc.ticket_return(actor=district.user("department_handler"), ticket_id=t.pk, reason="")
    t = svc.ticket_return(
        actor=district.user("department_handler"), ticket_id=t.pk, reason="不属于本部门职责"
    )
    assert (t.status, t.level, t.return_count, t.department_id) == (S.RETURNED, Level.GRID, 1, None)
    assert t.deadline is None
    # the department no longer sees it
    with pytest.raises(NotFound):
        svc.ticket_handle(actor=district.user("department_handler"), ticket_id=t.pk, result="x")


def test_extension_request_and_decision(district):
    t = _dispatched(district)
    old = t.deadline
    worker = district.user("grid_worker")
    svc.ticket_extend_request(
        actor=worker, ticket_id=t.pk, amount=2, unit="working_days", reason="等物业配合"
    )
    with pytest.raises(Conflict):
        svc.ticket_extend_request(
            actor=worker, ticket_id=t.pk, amount=2, unit="working_days", reason="再等等"
        )
    # The worker dispatched to their own grid and asked: the grid head decides, not the worker.
    with pytest.raises(Forbidden) as exc:
        svc.ticket_extend_decide(actor=worker, ticket_id=t.pk, approve=True)
    assert exc.value.code == "own_work"
    req = svc.ticket_extend_decide(actor=district.user("grid_head"), ticket_id=t.pk, approve=True)
    t.refresh_from_db()
    assert t.deadline is not None and old is not None
    assert req.status == "approved" and t.deadline > old


def test_supervision_sweep_yellow_then_red(district):
    start = _t(2026, 11, 2, 9, 0)
    t = _dispatched(district, now=start)  # 301005: 2 working days → Wed 4 Nov 17:30
    assert t.deadline is not None and t.deadline.astimezone(SH) == _t(2026, 11, 4, 17, 30)
    assert svc.supervision_sweep(now=_t(2026, 11, 4, 17, 0))["yellow"] == 0
    out = svc.supervision_sweep(now=_t(2026, 11, 5, 9, 0))
    assert out["yellow"] == 1
    assert svc.supervision_sweep(now=_t(2026, 11, 5, 9, 5))["yellow"] == 0  # once only
    t.refresh_from_db()
    assert t.supervision == "yellow" and t.sla_counted
    # overdue again by the same span (2 more working days) → red
    assert svc.supervision_sweep(now=_t(2026, 11, 6, 12, 0))["red"] == 0
    assert svc.supervision_sweep(now=_t(2026, 11, 9, 9, 0))["red"] == 1
    t.refresh_from_db()
    assert t.supervision == "red"
    # handled late: due counted once (by the sweep), not on time
    svc.ticket_handle(
        actor=district.user("grid_worker"), ticket_id=t.pk, result="已处理", now=_t(2026, 11, 9, 10, 0)
    )
    totals = {f: sum(getattr(r, f) for r in DailyStat.objects.all()) for f in ("due", "on_time", "handled")}
    assert totals == {"due": 1, "on_time": 0, "handled": 1}
    assert not Supervision.objects.filter(ticket=t, resolved_at=None).exists()


def _refused_as_own_work(call, ticket_id: int) -> None:
    """The call is refused with the 403 ``own_work`` and leaves the ticket, its timeline and the audit
    trail as they were."""
    before = (
        Ticket.objects.filter(pk=ticket_id).values_list("status", "verified_at", "satisfaction").get(),
        TicketEvent.objects.filter(ticket_id=ticket_id).count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(Forbidden) as exc:
        call()
    assert exc.value.code == "own_work" and exc.value.status == 403
    assert "不能" in exc.value.message and "本人" in exc.value.message
    after = (
        Ticket.objects.filter(pk=ticket_id).values_list("status", "verified_at", "satisfaction").get(),
        TicketEvent.objects.filter(ticket_id=ticket_id).count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_a_grid_worker_does_not_verify_the_find_they_reported_and_handled(district):
    """自办: a grid worker finds a problem on patrol, accepts it, dispatches it to their own grid and
    fixes it — then somebody else checks it: the grid head or the community, never the worker."""
    from gongzhi.tickets.selectors.tickets import ticket_actions_for_actor

    worker = district.user("grid_worker")
    t = report(district, "grid_worker", "楼道口有杂物堆放", channel=Channel.PATROL, category_code="301005")
    svc.ticket_accept(actor=worker, ticket_id=t.pk)  # accepting one's own find is the normal 自办 flow
    svc.ticket_dispatch(actor=worker, ticket_id=t.pk, level=Level.GRID)
    t = svc.ticket_handle(actor=worker, ticket_id=t.pk, result="已清理干净")
    assert "verify" not in ticket_actions_for_actor(actor=worker, ticket=t)
    assert "verify" in ticket_actions_for_actor(actor=district.user("grid_head"), ticket=t)
    _refused_as_own_work(lambda: svc.ticket_verify(actor=worker, ticket_id=t.pk, passed=True), t.pk)
    _refused_as_own_work(
        lambda: svc.ticket_verify(actor=worker, ticket_id=t.pk, passed=False, note="再看看"), t.pk
    )
    t = svc.ticket_verify(actor=district.user("grid_head"), ticket_id=t.pk, passed=True)
    assert t.status == S.VERIFIED
    # A patrol find has nobody to call back: the first responder closes it once another has checked.
    assert svc.ticket_close(actor=worker, ticket_id=t.pk).status == S.CLOSED


def test_who_handled_a_residents_ticket_neither_verifies_nor_calls_back(district):
    worker, community = district.user("grid_worker"), district.user("community_worker")
    t = _dispatched(district)
    svc.ticket_handle(actor=worker, ticket_id=t.pk, result="已清理")
    _refused_as_own_work(lambda: svc.ticket_verify(actor=worker, ticket_id=t.pk, passed=True), t.pk)
    t = svc.ticket_verify(actor=community, ticket_id=t.pk, passed=True)
    from gongzhi.tickets.selectors.tickets import ticket_actions_for_actor

    assert "callback" not in ticket_actions_for_actor(actor=worker, ticket=t)
    _refused_as_own_work(
        lambda: svc.ticket_callback(actor=worker, ticket_id=t.pk, satisfaction="satisfied"), t.pk
    )
    # The resident who reported it rates it; so may the community.
    t = svc.ticket_callback(actor=district.user("resident"), ticket_id=t.pk, satisfaction="satisfied")
    assert t.status == S.CALLED_BACK


def test_the_community_worker_who_reported_does_not_verify(district):
    """Whoever brought the ticket in (here a 书记有约 entry by the community worker) does not check it."""
    community = district.user("community_worker")
    t = report(
        district,
        "community_worker",
        "居民反映楼道灯不亮",
        channel=Channel.APPOINTMENT,
        channel_source="书记有约",
        category_code="301005",
    )
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk)
    svc.ticket_dispatch(actor=district.user("grid_worker"), ticket_id=t.pk, level=Level.GRID)
    svc.ticket_handle(actor=district.user("grid_worker"), ticket_id=t.pk, result="已更换灯泡")
    _refused_as_own_work(lambda: svc.ticket_verify(actor=community, ticket_id=t.pk, passed=True), t.pk)
    t = svc.ticket_verify(actor=district.user("grid_head"), ticket_id=t.pk, passed=True)
    assert t.status == S.VERIFIED
