"""Two platform requests at once (threads at a barrier, gongzhi.testing.concurrency; run on PostgreSQL
in CI): two different events of one storm make one ticket with a count of two; the same event id sent
twice with two signatures makes one event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.devices import signing
from gongzhi.devices.models import DeviceEvent, Incident
from gongzhi.devices.payload import EventInput
from gongzhi.devices.selectors import request_verify
from gongzhi.devices.services.events import device_event_receive
from gongzhi.devices.tests.factories import device, platform_with_key
from gongzhi.testing.concurrency import race
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _call(signer, code: str, event_id: str, body: bytes, at: dt.datetime):
    def run():
        ts = int(at.timestamp())
        verified = request_verify(
            key_id=signer.key_id,
            timestamp=str(ts),
            signature_header="v1=" + signing.sign(signer.secret, ts, body),
            body=body,
            now=at,
        )
        data = EventInput(event_id=event_id, device_code=code, kind="fire_lane_blocked", occurred_at=at)
        return device_event_receive(verified=verified, data=data, now=at)

    return run


def test_two_events_of_one_storm_at_once_make_one_ticket(district):
    signer = platform_with_key(district)
    device(district, "RACE-1", platform_id=signer.platform_id)
    at = timezone.now()
    before = Ticket.objects.count()
    results = race(_call(signer, "RACE-1", "r-1", b"one", at), _call(signer, "RACE-1", "r-2", b"two", at))
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Ticket.objects.count() == before + 1
    incident = Incident.objects.get(device__code="RACE-1")
    assert incident.count == 2
    assert sorted(r.event.outcome for r in results) == ["appended", "ticket_raised"]


def test_the_same_event_twice_at_once_is_one_event(district):
    signer = platform_with_key(district)
    device(district, "RACE-2", platform_id=signer.platform_id)
    at = timezone.now()
    before = Ticket.objects.count()
    results = race(
        _call(signer, "RACE-2", "same", b"first", at), _call(signer, "RACE-2", "same", b"second", at)
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(r.duplicate for r in results) == [False, True]
    assert DeviceEvent.objects.filter(event_id="same").count() == 1
    assert Ticket.objects.count() == before + 1
    assert results[0].ticket_id == results[1].ticket_id
