"""A resident reports as themself: the channel, the reporter's name and phone, the source system, the
external number and urgency are for staff taking a report for someone else (issue 18). The schema keeps
the fields; for a resident, a party member or a unit liaison a value other than their own report's is a
400 naming the field, and nothing is written."""

from __future__ import annotations

import json

import pytest

from gongzhi.tickets.models import Ticket
from gongzhi.tickets.services.intake import FOR_OTHERS_ONLY
from gongzhi.tickets.tests.helpers import G1_POINT

BASE = {"description": "楼道灯不亮", "lng": G1_POINT[0], "lat": G1_POINT[1]}
FOREIGN = {
    "channel": "hotline",
    "channel_source": "12345市民热线",
    "urgent": True,
    "reporter_name": "王五",
    "reporter_phone": "13800001111",
    "external_id": "SD12345-20261201-00001",
}


def _post(client, body):
    return client.post("/api/v1/tickets", json.dumps(body), content_type="application/json")


def test_the_list_of_fields_is_the_finding(db):
    assert set(FOR_OTHERS_ONLY) | {"channel"} == set(FOREIGN)


@pytest.mark.parametrize("role", ["resident", "party_member", "unit_liaison"])
@pytest.mark.parametrize("field", sorted(FOREIGN))
def test_a_self_reporter_may_not_report_as_someone_else(district, client, role, field):
    client.force_login(district.user(role))
    before = Ticket.objects.count()
    response = _post(client, {**BASE, field: FOREIGN[field]})
    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == {field}
    assert Ticket.objects.count() == before


def test_a_residents_own_report_takes_the_reporter_from_the_session(district, client):
    resident = district.user("resident")
    client.force_login(resident)
    response = _post(client, {**BASE, "channel": "resident", "urgent": False, "reporter_name": ""})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.reporter_id == resident.pk and ticket.channel == "resident" and not ticket.urgent
    assert ticket.channel_source == "" and ticket.external_id == ""


def test_staff_take_a_report_for_a_caller(district, client):
    client.force_login(district.user("community_worker"))
    response = _post(client, {**BASE, **FOREIGN})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.channel == "hotline" and ticket.urgent and ticket.channel_source == "12345市民热线"
    assert ticket.reporter_name == "王五" and ticket.reporter_phone_masked == "138****1111"
