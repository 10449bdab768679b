"""The database being down is answered 503 "try again" in the one error shape, not a 500 page.

The real outage (PostgreSQL stopped under load, then back) is ``make test-faults``; these pin the two
answers it relies on: the API's exception handler and ``handler500`` for what escapes a view or middleware.
"""

from __future__ import annotations

import json

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from config.api import api
from gongzhi.core.unavailable import server_error


def test_api_answers_503_json_when_the_database_is_down():
    for exc in (OperationalError("connection refused"), InterfaceError("connection already closed")):
        response = api.on_exception(RequestFactory().post("/api/v1/tickets"), exc)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        body = json.loads(response.content)
        assert body == {
            "code": "database_unavailable",
            "message": "系统暂时无法连接数据库，请稍后重试",
            "fields": {},
        }


def test_handler500_answers_503_for_a_database_error_and_500_otherwise():
    rf = RequestFactory()
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        api_response = server_error(rf.get("/api/v1/tickets"))
        page = server_error(rf.get("/console/tickets/"))
    assert api_response.status_code == 503 and api_response["Content-Type"] == "application/json"
    assert json.loads(api_response.content)["code"] == "database_unavailable"
    assert page.status_code == 503 and "系统暂时无法连接数据库" in page.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        other = server_error(rf.get("/console/tickets/"))
    assert other.status_code == 500


def test_handler500_is_installed():
    from config import urls

    assert urls.handler500 == "gongzhi.core.unavailable.server_error"
