"""Input the database refuses is a 400 in the one error shape, never a 500."""

from __future__ import annotations

import json

from django.db import connection


def test_a_nul_character_is_a_400_not_a_500(district, client):
    """PostgreSQL refuses NUL in text (SQLite stores it): the API answers 400 there, and never 500."""
    client.force_login(district.user("district_admin"))
    responses = [
        client.get("/api/v1/party/letters/export.xlsx", {"period": "2026\x00"}),
        client.get("/api/v1/persons", {"q": "张\x00"}),
        client.post(
            "/api/v1/tickets",
            json.dumps({"description": "路灯\x00不亮", "lng": 117.105, "lat": 36.985}),
            content_type="application/json",
        ),
    ]
    for response in responses:
        assert response.status_code < 500, response.content
        if connection.vendor == "postgresql":
            assert response.status_code == 400, response.content
            assert response.json() == {
                "code": "invalid",
                "message": "请求含有不允许的字符（NUL）",
                "fields": {},
            }
