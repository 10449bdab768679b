"""List endpoints answer in a fixed number of queries, however many rows the page holds."""

import json

from gongzhi.testing import PASSWORD


def _login(client, username):
    r = client.post(
        "/api/v1/auth/login",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 200


def test_person_list_query_count_is_fixed(district, client, django_assert_num_queries):
    _login(client, "district_admin")
    client.get("/api/v1/persons?limit=2")
    # who is asking (session, user and role assignments in one query), one page of persons with households
    with django_assert_num_queries(2):
        small = client.get("/api/v1/persons?limit=2")
    with django_assert_num_queries(2):
        large = client.get("/api/v1/persons?limit=200")
    assert len(small.json()["items"]) == 2
    assert len(large.json()["items"]) == 24


def test_grid_list_query_count_is_fixed(district, client, django_assert_num_queries):
    _login(client, "district_admin")
    # The session's first request reads who is asking the ordinary way: session, user, role assignments.
    with django_assert_num_queries(4):
        r = client.get("/api/v1/grids?limit=200")
    assert len(r.json()["items"]) == 4
    # Every later one in one query (core/sessions.py), then the page.
    with django_assert_num_queries(2):
        r = client.get("/api/v1/grids?limit=200")
    assert len(r.json()["items"]) == 4
