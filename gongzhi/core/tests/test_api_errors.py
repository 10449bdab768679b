"""Input the database refuses is a 400 in the one error shape, never a 500."""

from __future__ import annotations

import json


def test_a_nul_character_is_stripped_on_every_engine_never_a_500(district, client):
    """PostgreSQL refuses NUL in text and SQLite stores it: the input edge (core.bounds) strips it from
    every argument first, so both engines answer alike and no NUL is ever stored."""
    from gongzhi.tickets.models import Ticket

    client.force_login(district.user("district_admin"))
    responses = [
        client.get("/api/v1/party/letters/export.xlsx", {"period": "2026\x00"}),
        client.get("/api/v1/persons", {"q": "张\x00"}),
    ]
    for response in responses:
        assert response.status_code < 500, response.content
    r = client.post(
        "/api/v1/tickets",
        json.dumps({"description": "路灯\x00不亮", "lng": 117.105, "lat": 36.985}),
        content_type="application/json",
    )
    assert r.status_code in (200, 201), r.content
    assert Ticket.objects.get(pk=r.json()["id"]).description == "路灯不亮"
