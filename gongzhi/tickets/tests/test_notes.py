"""ticket_note: a timeline row and an audit row, the status untouched; who may add one."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Ticket, TicketEvent
from gongzhi.tickets.selectors.tickets import public_timeline
from gongzhi.tickets.tests.helpers import report


def test_note_records_without_moving(district):
    t = report(district, "resident", "路灯不亮", category_code="101018")
    event = svc.ticket_note(actor=district.user("resident"), ticket_id=t.pk, public_note="晚上七点后完全不亮")
    assert (event.move, event.from_status, event.to_status) == ("note", "reported", "reported")
    assert Ticket.objects.get(pk=t.pk).status == "reported"
    assert [e.public_note for e in public_timeline(ticket=t)][-1] == "晚上七点后完全不亮"
    assert AuditEvent.objects.filter(event_type="tickets.note", target_id=str(t.pk)).count() == 1
    staff = svc.ticket_note(actor=district.user("grid_worker"), ticket_id=t.pk, note="已电话联系")
    assert staff.public_note == "" and staff not in public_timeline(ticket=t)
    system = svc.ticket_note(actor=None, ticket_id=t.pk, data={"media_url": "https://example.com/1.jpg"})
    assert system.actor_label == "系统"


def test_who_may_note_and_what_is_refused(district):
    t = report(district, "resident", "路灯不亮", category_code="101018")
    with pytest.raises(NotFound):
        svc.ticket_note(actor=district.user("grid_worker_g2"), ticket_id=t.pk, note="x")
    with pytest.raises(Forbidden):
        svc.ticket_note(actor=district.user("auditor"), ticket_id=t.pk, note="x")
    with pytest.raises(ValidationFailed):
        svc.ticket_note(actor=None, ticket_id=t.pk)
    with pytest.raises(ValidationFailed):
        svc.ticket_note(actor=None, ticket_id=t.pk, public_note="x" * 501)
    assert not TicketEvent.objects.filter(move="note").exists()
