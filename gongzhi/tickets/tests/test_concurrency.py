"""Two people making the same move on the same ticket at the same moment: exactly one wins, the other
gets a clear Chinese message, nothing is half-written. Runs on SQLite and (make test-postgres) PostgreSQL,
with real threads on separate database connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Level
from gongzhi.tickets.models import Assignment, TicketEvent
from gongzhi.tickets.tests.helpers import report


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Runs the calls in threads released together; returns each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # the loser's refusal is the point of the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def _one_winner(results: list[Any]) -> ApplicationError:
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    err = errors[0]
    assert isinstance(err, ApplicationError), repr(err)
    assert err.status == 409 and "不能" in err.message
    return err


@pytest.mark.django_db(transaction=True)
def test_two_first_responders_accept_at_once(district):
    t = report(district, "resident", "电梯困人")
    a, b = district.user("grid_worker"), district.user("community_worker")
    results = race(
        lambda: svc.ticket_accept(actor=a, ticket_id=t.pk),
        lambda: svc.ticket_accept(actor=b, ticket_id=t.pk),
    )
    _one_winner(results)
    t.refresh_from_db()
    winner = next(r for r in results if not isinstance(r, Exception))
    assert t.first_responder_id == winner.first_responder_id
    assert TicketEvent.objects.filter(ticket=t, move="accept").count() == 1
    assert AuditEvent.objects.filter(event_type="tickets.accept", target_id=str(t.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once(district):
    t = report(district, "resident", "占道经营", category_code="205001")
    svc.ticket_accept(actor=district.user("community_worker"), ticket_id=t.pk)
    a, b = district.user("community_worker"), district.user("community_secretary")
    results = race(
        lambda: svc.ticket_dispatch(
            actor=a, ticket_id=t.pk, level=Level.DEPARTMENT, department_id=district.department.pk
        ),
        lambda: svc.ticket_dispatch(actor=b, ticket_id=t.pk, level=Level.COMMUNITY),
    )
    _one_winner(results)
    assert Assignment.objects.filter(ticket=t, active=True).count() == 1
    assert TicketEvent.objects.filter(ticket=t, move="dispatch").count() == 1
    assert AuditEvent.objects.filter(event_type="tickets.dispatch", target_id=str(t.pk)).count() == 1
