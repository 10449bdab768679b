"""Storms: the same event from one device within the window is one ticket with a count; a new ticket
after the window, after the ticket is closed, or after an end event; kinds that only record; and the
burst of 1,000 events from 10 devices through the signed API, which gives 10 tickets of 100."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.devices import signing
from gongzhi.devices.enums import EventOutcome
from gongzhi.devices.models import DeviceEvent, Incident
from gongzhi.devices.payload import EventInput
from gongzhi.devices.selectors import request_verify
from gongzhi.devices.services.events import device_event_receive
from gongzhi.devices.services.platforms import event_route_set
from gongzhi.devices.tests.factories import device, event, platform_with_key
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(district):
    signer = platform_with_key(district)
    return district, signer


def _receive(
    signer, code: str, event_id: str, at: dt.datetime, kind: str = "fire_lane_blocked", state: str = "start"
):
    """One event through the service, signed as the API signs it (the clock is the event's)."""
    body = event_id.encode()
    ts = int(at.timestamp())
    verified = request_verify(
        key_id=signer.key_id,
        timestamp=str(ts),
        signature_header="v1=" + signing.sign(signer.secret, ts, body),
        body=body,
        now=at,
    )
    data = EventInput(event_id=event_id, device_code=code, kind=kind, state=state, occurred_at=at)
    return device_event_receive(verified=verified, data=data, now=at)


def test_a_storm_within_the_window_is_one_ticket_and_after_it_a_new_one(world):
    d, signer = world
    device(d, "FL-1", platform_id=signer.platform_id)
    t0 = timezone.now() - dt.timedelta(hours=3)
    got = [_receive(signer, "FL-1", f"e{i}", t0 + dt.timedelta(minutes=5 * i)) for i in range(5)]
    assert [g.event.outcome for g in got] == [EventOutcome.TICKET_RAISED] + [EventOutcome.APPENDED] * 4
    assert len({g.ticket_id for g in got}) == 1 and got[-1].incident_count == 5
    # the fire-lane window is 60 minutes from the last occurrence: 20 + 61 minutes later is a new storm
    later = _receive(signer, "FL-1", "e-late", t0 + dt.timedelta(minutes=20 + 61))
    assert later.event.outcome == EventOutcome.TICKET_RAISED and later.ticket_id != got[0].ticket_id
    assert Incident.objects.filter(device__code="FL-1").count() == 2
    assert Incident.objects.get(ticket_id=got[0].ticket_id).ended_at is not None


def test_a_closed_ticket_or_an_end_event_starts_a_new_incident(world):
    d, signer = world
    device(d, "FL-2", platform_id=signer.platform_id)
    t0 = timezone.now() - dt.timedelta(minutes=50)
    first = _receive(signer, "FL-2", "a1", t0)
    Ticket.objects.filter(pk=first.ticket_id).update(status="closed")  # closed by the loop
    second = _receive(signer, "FL-2", "a2", t0 + dt.timedelta(minutes=1))
    assert second.event.outcome == EventOutcome.TICKET_RAISED and second.ticket_id != first.ticket_id
    ended = _receive(signer, "FL-2", "a3", t0 + dt.timedelta(minutes=2), state="end")
    assert ended.event.outcome == EventOutcome.ENDED
    third = _receive(signer, "FL-2", "a4", t0 + dt.timedelta(minutes=3))
    assert (
        third.event.outcome == EventOutcome.TICKET_RAISED
        and len({first.ticket_id, second.ticket_id, third.ticket_id}) == 3
    )


def test_each_kind_is_its_own_storm_and_recording_kinds_raise_nothing(world):
    d, signer = world
    device(d, "CAM-1", kind="camera", platform_id=signer.platform_id)
    t0 = timezone.now() - dt.timedelta(minutes=30)
    a = _receive(signer, "CAM-1", "k1", t0, kind="fire_lane_blocked")
    b = _receive(signer, "CAM-1", "k2", t0, kind="garbage_overflow")
    c = _receive(signer, "CAM-1", "k3", t0, kind="intrusion")
    assert a.ticket_id and b.ticket_id and a.ticket_id != b.ticket_id
    assert c.event.outcome == EventOutcome.RECORDED and c.ticket_id is None
    assert Ticket.objects.filter(pk=b.ticket_id).values_list("category__code", flat=True).get() == "201001"


def test_the_admins_table_changes_the_route(world):
    d, signer = world
    device(d, "CAM-2", kind="camera", platform_id=signer.platform_id)
    event_route_set(
        actor=d.user("district_admin"),
        kind="intrusion",
        raise_ticket=True,
        category_code="304010",
        urgent=True,
        storm_minutes=5,
    )
    got = _receive(signer, "CAM-2", "i1", timezone.now() - dt.timedelta(minutes=1), kind="intrusion")
    ticket = Ticket.objects.get(pk=got.ticket_id)
    assert ticket.category is not None and ticket.category.code == "304010" and ticket.urgent


def test_a_burst_of_1000_events_from_10_devices_through_the_api_gives_10_tickets_of_100(world, client):
    d, signer = world
    codes = [f"BURST-{n:02d}" for n in range(10)]
    for n, code in enumerate(codes):
        device(d, code, grid="g1" if n % 2 else "g2", platform_id=signer.platform_id)
    tickets_before = Ticket.objects.count()
    statuses = []
    for i in range(1000):
        code = codes[i % 10]
        r = signer.post(client, event(code, f"burst-{i}", snapshot=None))
        statuses.append(r.status_code)
    assert statuses.count(201) == 1000, {s: statuses.count(s) for s in set(statuses)}
    assert Ticket.objects.count() - tickets_before == 10
    incidents = Incident.objects.filter(device__code__in=codes)
    assert sorted(incidents.values_list("count", flat=True)) == [100] * 10
    assert incidents.values("ticket_id").distinct().count() == 10
    assert DeviceEvent.objects.filter(outcome=EventOutcome.TICKET_RAISED).count() == 10
    assert DeviceEvent.objects.filter(outcome=EventOutcome.APPENDED).count() == 990
    # each device's ticket is in the device's own grid
    for inc in incidents.select_related("device", "ticket"):
        assert inc.ticket is not None and inc.ticket.grid_code == inc.device.grid_code
