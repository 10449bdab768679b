"""A ticket filed through Open311 lands in the right grid's inbox, goes through the loop by the ticket
services, and its status and notes come back through requests/{id} and servicerequestupdates."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.open311.api.formats import iso
from gongzhi.open311.tests.helpers import BASE, G1_POINT, errors_of, issue, parse, post
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Ticket, TicketEvent
from gongzhi.tickets.selectors.tickets import clean_filters, ticket_list_for_actor
from gongzhi.tickets.tests.helpers import report

LNG, LAT = G1_POINT


def _rows(response, fmt):
    assert response.status_code == 200, response.content
    data = parse(response, fmt)
    return data if fmt == "json" else data[1]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_ticket_goes_through_the_loop(district, fmt):
    client = Client()
    key = issue(district, name="城市随手拍")
    filed = post(
        client,
        fmt,
        key,
        service_code="201001",
        lat=str(LAT),
        long=str(LNG),
        description="垃圾桶旁边堆满了垃圾",
        phone="13912340000",
        **{"attribute[garbage_type][]": "household"},
    )
    ticket_id = int(_rows(filed, fmt)[0]["service_request_id"])

    inbox = clean_filters(inbox="accept")
    assert [t.pk for t in ticket_list_for_actor(actor=district.user("grid_worker"), filters=inbox)] == [
        ticket_id
    ]
    assert not ticket_list_for_actor(actor=district.user("grid_worker_g2"), filters=inbox)

    worker = district.user("grid_worker")
    svc.ticket_accept(actor=worker, ticket_id=ticket_id)
    t = svc.ticket_dispatch(actor=worker, ticket_id=ticket_id, level="grid")
    one = _rows(client.get(f"{BASE}/requests/{ticket_id}.{fmt}"), fmt)[0]
    assert one["status"] == "open"
    assert one["expected_datetime"] == iso(t.deadline)
    assert one["agency_responsible"] == "网格"
    assert one["status_notes"].startswith("已派至网格处置")

    # The connected system adds what its user wrote afterwards; it shows on the public timeline.
    added = post(
        client,
        fmt,
        key,
        path="servicerequestupdates",
        service_request_id=str(ticket_id),
        update_id="fms-77",
        status="OPEN",
        updated_datetime="2026-12-01T10:00:00+08:00",
        description="居民补充：垃圾还在增加",
    )
    update_id = int(_rows(added, fmt)[0]["update_id"])
    note = TicketEvent.objects.get(pk=update_id)
    assert (note.move, note.ticket_id, note.public_note) == ("note", ticket_id, "居民补充：垃圾还在增加")
    assert note.data["open311"]["update_id"] == "fms-77"
    assert Ticket.objects.get(pk=ticket_id).status == "dispatched"  # a note never moves the ticket

    svc.ticket_handle(actor=worker, ticket_id=ticket_id, result="已清运")
    community = district.user("community_worker")  # nobody checks their own work: another verifies
    svc.ticket_verify(actor=community, ticket_id=ticket_id, passed=True)
    svc.ticket_callback(actor=community, ticket_id=ticket_id, satisfaction="satisfied")
    svc.ticket_close(actor=worker, ticket_id=ticket_id)

    one = _rows(client.get(f"{BASE}/requests/{ticket_id}.{fmt}", {"extensions": "true"}), fmt)[0]
    assert one["status"] == "closed"
    assert one["status_notes"] == "工单已办结，感谢您的反映"
    close_event = TicketEvent.objects.filter(ticket_id=ticket_id, move="close").get()
    assert one["updated_datetime"] == iso(close_event.at)
    notes = [n["description"] for n in one["notes"]]
    assert "已处置：已清运" in notes and "居民补充：垃圾还在增加" in notes

    updates = [
        u
        for u in _rows(client.get(f"{BASE}/servicerequestupdates.{fmt}"), fmt)
        if u["service_request_id"] == str(ticket_id)
    ]
    moves = list(
        TicketEvent.objects.filter(ticket_id=ticket_id)
        .exclude(public_note="")
        .order_by("id")
        .values_list("pk", "to_status")
    )
    assert [int(u["update_id"]) for u in updates] == [pk for pk, _ in moves]
    assert [u["status"] for u in updates][-1] == "closed"
    assert all(u["status"] == "open" for u in updates[:-1])
    assert updates[-1]["external_status_code"] == "closed"
    assert all(u["updated_datetime"].endswith("+08:00") for u in updates)
    assert AuditEvent.objects.filter(event_type="tickets.note", target_id=str(ticket_id)).count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_only_for_the_systems_own_tickets(district, fmt):
    client = Client()
    mine, other = issue(district, name="系统甲"), issue(district, name="系统乙")
    filed = post(
        client, fmt, mine, service_code="101018", lat=str(LAT), long=str(LNG), description="路灯不亮"
    )
    ticket_id = _rows(filed, fmt)[0]["service_request_id"]
    by_resident = report(district, "resident", "居民自己报的路灯", category_code="101018")
    for key, sid, status in (
        (other, ticket_id, 403),
        (mine, str(by_resident.pk), 403),
        (None, ticket_id, 403),
        (mine, "999999", 404),
    ):
        response = post(
            client, fmt, key, path="servicerequestupdates", service_request_id=sid, description="补充"
        )
        assert response.status_code == status, (sid, response.content)
        errors_of(response, fmt)
    for fields in (
        {"service_request_id": ticket_id},
        {"description": "补充"},
        {"service_request_id": ticket_id, "description": "补充", "status": "DONE"},
        {"service_request_id": ticket_id, "description": "x" * 501},
    ):
        response = post(client, fmt, mine, path="servicerequestupdates", **fields)
        assert response.status_code == 400, fields
        errors_of(response, fmt)
    assert not TicketEvent.objects.filter(move="note").exists()


def test_updates_window_is_checked(district):
    client = Client()
    too_long = client.get(
        f"{BASE}/servicerequestupdates.json", {"start_date": "2026-01-01", "end_date": "2026-06-01"}
    )
    assert too_long.status_code == 400 and "90" in errors_of(too_long, "json")[0]["description"]
    report(district, None, "路灯", category_code="101018")
    assert len(client.get(f"{BASE}/servicerequestupdates.json").json()) == 1
    assert (
        client.get(
            f"{BASE}/servicerequestupdates.json", {"start_date": "2020-01-01", "end_date": "2020-02-01"}
        ).json()
        == []
    )
