"""How a report reaches the database: every row of it or none. On PostgreSQL a report without photos is a
key taken from the ticket sequence and then one statement (ticket, timeline row, audit row, rollups); a
ticket row sent through ``core.bulk.Batch`` (one JSON parameter on PostgreSQL: it is wider than
``WIDE_ROW``) reads back exactly as the ORM's own insert of the same ticket."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from gongzhi.audit.models import AuditEvent
from gongzhi.core.bulk import WIDE_ROW, Batch, next_key
from gongzhi.core.errors import Conflict
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import DailyStat, MonthlyStat, StatusCount, Ticket, TicketEvent
from gongzhi.tickets.services.intake import ticket_report_rows
from gongzhi.tickets.tests.helpers import G1_POINT, report, report_from_system

POSTGRES = connection.vendor == "postgresql"


def _totals() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "events": TicketEvent.objects.count(),
        "audit": AuditEvent.objects.filter(event_type="tickets.report").count(),
        "daily": DailyStat.objects.aggregate(n=Sum("reported"))["n"] or 0,
        "monthly": MonthlyStat.objects.aggregate(n=Sum("reported"))["n"] or 0,
        "status": StatusCount.objects.aggregate(n=Sum("tickets"))["n"] or 0,
    }


def _writes(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "WITH", "DELETE"))
    ]


def test_a_report_writes_the_ticket_its_timeline_audit_and_rollups_together(district):
    report(district, "grid_worker", "先报一件：分类与网格的缓存已热")
    before = _totals()
    data = svc.TicketInput(description="路灯不亮，晚上很黑", lng=G1_POINT[0], lat=G1_POINT[1])
    with CaptureQueriesContext(connection) as ctx:
        saved = ticket_report_rows(actor=district.user("grid_worker"), data=data)
    writes = _writes(ctx)
    if POSTGRES:
        assert len(writes) == 1, writes  # ticket, timeline, audit and rollups: one statement
        assert sum("nextval" in q["sql"] for q in ctx.captured_queries) == 1
    else:
        assert len(writes) >= 4
    after = _totals()
    assert {k: after[k] - before[k] for k in after} == {
        "tickets": 1,
        "events": 1,
        "audit": 1,
        "daily": 1,
        "monthly": 1,
        "status": 1,
    }
    ticket = Ticket.objects.get(pk=saved.ticket.pk)
    assert ticket.description == "路灯不亮，晚上很黑" and ticket.grid_code == district.grids["g1"].code
    event = TicketEvent.objects.get(pk=saved.event.pk)
    assert event.ticket_id == ticket.pk and event.move == "report"
    audit = AuditEvent.objects.get(event_type="tickets.report", target_id=str(ticket.pk))
    assert audit.actor_id == district.user("grid_worker").pk


@pytest.mark.django_db(transaction=True)
def test_a_resent_external_id_is_a_409_and_writes_nothing(district):
    def send():
        return report_from_system(district, "YX-2026-0042")

    first = send()
    before = _totals()
    with pytest.raises(Conflict) as err:
        send()
    assert err.value.code == "duplicate_external_id"
    assert _totals() == before
    with transaction.atomic():  # and inside a caller's transaction, which goes on
        with pytest.raises(Conflict):
            send()
        assert Ticket.objects.filter(pk=first.pk).exists()
    assert _totals() == before


def _copy(ticket: Ticket) -> Ticket:
    values = {f.attname: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields if f.name != "id"}
    values["external_id"] = ""
    return Ticket(**values)


def test_a_ticket_sent_as_one_batch_row_reads_back_as_the_orms_own(district):
    assert len(Ticket._meta.concrete_fields) > WIDE_ROW  # the JSON row on PostgreSQL
    source = report(district, "resident", "楼道杂物堆放，“引号”与\\反斜杠\n换行", category_code="301005")
    source.respond_deadline = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    source.lng, source.lat = 117.123456789012, 36.987654321098
    source.urgent, source.rework_count, source.coord_system = True, 3, "gcj02"
    source.reporter_name = "张三😀"

    by_orm = _copy(source)
    by_orm.save(force_insert=True)
    by_batch = _copy(source)
    by_batch.pk = next_key(Ticket) if POSTGRES else by_orm.pk + 1000
    batch = Batch()
    with transaction.atomic():
        batch.insert(by_batch, with_key=True)
        with CaptureQueriesContext(connection) as ctx:
            batch.run()
    if POSTGRES:
        assert "json_populate_record" in ctx.captured_queries[0]["sql"]
    first: dict[str, Any] = dict(Ticket.objects.filter(pk=by_orm.pk).values().get())
    second: dict[str, Any] = dict(Ticket.objects.filter(pk=by_batch.pk).values().get())
    assert second.pop("id") == by_batch.pk
    first.pop("id")
    assert first.pop("updated_at") <= second.pop("updated_at")  # auto_now: each insert's own time
    assert first == second
    assert second["respond_deadline"] == source.respond_deadline
    assert second["lng"] == 117.123456789012 and second["reporter_name"] == "张三😀"


def test_a_batch_insert_with_its_key_needs_the_key():
    with pytest.raises(ValueError):
        Batch().insert(Ticket(), with_key=True)


def test_next_key_takes_the_sequences_next_value_on_postgresql_and_refuses_elsewhere(district):
    if not POSTGRES:
        with pytest.raises(RuntimeError):
            next_key(Ticket)
        return
    first, second = next_key(Ticket), next_key(Ticket)
    assert second == first + 1
    made = report(district, "resident", "楼道杂物堆放", category_code="301005")
    assert made.pk > second  # the key the report took is a later one: none is handed out twice


def test_only_a_number_really_taken_is_answered_as_a_resent_report(district):
    """An IntegrityError of a report with a number is a 409 only when that number is in the table; any
    other failing row is raised as it is, not dressed up as a duplicate."""
    from gongzhi.tickets.services.intake import _already_reported

    made = report_from_system(district, "YX-2026-0077")
    assert _already_reported(made)
    other = Ticket(channel=made.channel, channel_source=made.channel_source, external_id="YX-2026-0078")
    assert not _already_reported(other)
    elsewhere = Ticket(channel=made.channel, channel_source="另一个平台", external_id="YX-2026-0077")
    assert not _already_reported(elsewhere)
