"""Only one may win, with real threads at a barrier (gongzhi.testing.concurrency), besides the accept and
dispatch races of test_concurrency.py: one active patrol per worker, one ticket per external id (connected
systems, the 12345 hotline's 工单编号), one pending extension, one card per deadline; and the rollups stay
exact when moves in opposite directions meet."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.testing.concurrency import one_winner, race
from gongzhi.tickets import hotline
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level
from gongzhi.tickets.models import ExtensionRequest, Patrol, Supervision, Ticket, TicketEvent
from gongzhi.tickets.services.patrols import patrol_start
from gongzhi.tickets.services.supervision import supervision_sweep
from gongzhi.tickets.tests.helpers import report, report_from_system
from gongzhi.tickets.tests.test_hotline import NOW, _rows, xlsx

pytestmark = pytest.mark.django_db(transaction=True)
SH = ZoneInfo("Asia/Shanghai")


def test_one_worker_starting_two_patrols_at_once_gets_one(district):
    worker, grid = district.user("grid_worker"), district.grids["g1"]
    results = race(
        lambda: patrol_start(actor=worker, grid_code=grid.code),
        lambda: patrol_start(actor=worker, grid_code=grid.code),
    )
    one_winner(results, message="尚未结束")
    assert Patrol.objects.filter(worker=worker, status="active").count() == 1
    assert AuditEvent.objects.filter(event_type="tickets.patrol_started").count() == 1


def test_the_same_external_id_twice_at_once_makes_one_ticket(district):
    def send():
        return report_from_system(district, "YX-2026-0001")

    winner, err = one_winner(race(send, send), message="外部编号“YX-2026-0001”的工单已存在")
    assert err.code == "duplicate_external_id"
    assert list(Ticket.objects.values_list("id", flat=True)) == [winner.pk]
    assert TicketEvent.objects.filter(move="report").count() == 1
    assert AuditEvent.objects.filter(event_type="tickets.report").count() == 1


def test_the_same_hotline_file_uploaded_twice_at_once_imports_each_row_once(district):
    content = xlsx(_rows())
    admin = district.user("district_admin")

    def upload():
        return hotline.hotline_import(actor=admin, file_name="12345.xlsx", content=content, now=NOW)

    first, second = race(upload, upload)
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert first.created + second.created == 3  # the file's three good rows, once
    assert first.skipped + second.skipped == 3
    for record in (first, second):
        assert all(s["reason"] == "已存在" for s in record.skipped_rows)
    numbers = list(Ticket.objects.filter(channel=Channel.HOTLINE).values_list("external_id", flat=True))
    assert sorted(numbers) == ["GD001", "GD002", "GD007"]
    assert TicketEvent.objects.filter(move="report").count() == 3
    assert AuditEvent.objects.filter(event_type="tickets.report").count() == 3


def _dispatched(district, now=None):
    t = report(district, "resident", "楼道杂物堆放", category_code="301005", now=now)
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk, now=now)
    return svc.ticket_dispatch(actor=district.user("grid_worker"), ticket_id=t.pk, level=Level.GRID, now=now)


def test_two_extension_requests_at_once_leave_one_pending(district):
    t = _dispatched(district)
    worker = district.user("grid_worker")
    results = race(
        lambda: svc.ticket_extend_request(
            actor=worker, ticket_id=t.pk, amount=2, unit="working_days", reason="等物业配合"
        ),
        lambda: svc.ticket_extend_request(
            actor=worker, ticket_id=t.pk, amount=3, unit="working_days", reason="等材料"
        ),
    )
    one_winner(results, message="已有待审批的延期申请")
    assert ExtensionRequest.objects.filter(ticket=t, status="pending").count() == 1
    assert TicketEvent.objects.filter(ticket=t, move="extend").count() == 1


def test_two_supervision_sweeps_at_once_issue_one_card(district):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=SH)
    t = _dispatched(district, now=start)  # due Wed 4 Nov 17:30
    later = datetime(2026, 11, 5, 9, 0, tzinfo=SH)
    first, second = race(lambda: supervision_sweep(now=later), lambda: supervision_sweep(now=later))
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert first["yellow"] + second["yellow"] == 1
    assert Supervision.objects.filter(ticket=t, kind="yellow").count() == 1
    t.refresh_from_db()
    assert t.supervision == "yellow"


def test_opposite_moves_at_once_keep_every_rollup_exact(district):
    """A handling (in progress → handled) and a failed verification (handled → in progress) of two
    tickets of one community in one month, at once: both go through (the status counts' two rows are
    locked in the same order by both, so neither deadlocks), and the daily, monthly and status rollups
    equal the records afterwards."""
    from gongzhi.tickets import rollup

    gw, cw = district.user("grid_worker"), district.user("community_worker")
    a, b = _dispatched(district), _dispatched(district)
    for t in (a, b):
        svc.ticket_handle(actor=gw, ticket_id=t.pk, result="已清理")
    svc.ticket_verify(actor=cw, ticket_id=a.pk, passed=False, note="仍有杂物")  # a: in progress again
    first, second = race(
        lambda: svc.ticket_handle(actor=gw, ticket_id=a.pk, result="已全部清理"),
        lambda: svc.ticket_verify(actor=cw, ticket_id=b.pk, passed=False, note="楼梯口仍有杂物"),
    )
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert dict(Ticket.objects.values_list("id", "status")) == {a.pk: "handled", b.pk: "in_progress"}
    want = rollup.computed()
    assert rollup.differences("", want) == []
    assert rollup.coarse_differences("", want) == []
