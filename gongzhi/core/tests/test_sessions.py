"""The one-query read of session, user and scope (core/sessions.py): the same user, the same scope and the
same refusals as Django's own path, with every change elsewhere seen on the very next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.services import role_revoke
from gongzhi.core import sessions
from gongzhi.core.scope import scope_of
from gongzhi.testing import PASSWORD

AUTH_TABLES = ("django_session", "accounts_user", "accounts_roleassignment")


@pytest.fixture(autouse=True)
def _no_hints():
    sessions.forget_hints()
    yield
    sessions.forget_hints()


def _signed_in(client, username: str = "grid_worker") -> str:
    r = client.post(
        "/api/v1/auth/login", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _no_response(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _request(key: str):
    """A request carrying the session cookie, through the session and the actor middleware."""
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = key
    SessionMiddleware(_no_response).process_request(request)
    sessions.SessionActorMiddleware(_no_response).process_request(request)
    return request


def _auth_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in AUTH_TABLES)]


def test_after_the_first_request_who_is_asking_is_one_query(district, client):
    key = _signed_in(client)
    first = _request(key)
    with CaptureQueriesContext(connection) as ctx:
        assert first.user.is_authenticated
        expected_scope = scope_of(first.user)
    assert len(_auth_queries(ctx)) == 3  # Django's path once: session, user, then the scope's roles
    again = _request(key)
    with CaptureQueriesContext(connection) as ctx:
        user = again.user
        assert user.pk == district.user("grid_worker").pk
        scope = scope_of(user)
    queries = _auth_queries(ctx)
    assert len(queries) == 1 and all(t in queries[0] for t in AUTH_TABLES)
    assert scope == expected_scope
    assert scope.places == (("grid_worker", "grid", district.grids["g1"].code),)
    assert again.session.accessed  # as if loaded: the response varies on the cookie


def test_the_user_is_what_the_orm_reads(district, client):
    key = _signed_in(client, "district_admin")
    _request(key).user.pk  # noqa: B018 (fills the hint)
    fast = _request(key).user
    by_orm = User.objects.get(pk=fast.pk)
    for field in User._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(by_orm, field.attname), field.name
    assert isinstance(fast.is_active, bool) and fast.last_login is not None and fast.last_login.tzinfo


def test_every_role_kind_gives_the_same_scope_as_scope_of(district, client):
    for username in ("district_admin", "department_handler", "community_worker", "resident"):
        if username not in district.users:
            continue
        c = client.__class__()
        key = _signed_in(c, username)
        _request(key).user.pk  # noqa: B018
        fast = _request(key).user
        assert fast._gongzhi_scope == scope_of(User.objects.get(pk=fast.pk)), username


def test_a_session_deleted_elsewhere_is_signed_out_at_once(district, client):
    key = _signed_in(client)
    assert _request(key).user.is_authenticated
    Session.objects.filter(session_key=key).delete()  # a logout served by another worker
    assert isinstance(_request(key).user, AnonymousUser)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_an_expired_session_is_refused(district, client):
    key = _signed_in(client)
    assert _request(key).user.is_authenticated
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert isinstance(_request(key).user, AnonymousUser)


def test_a_deactivated_user_is_refused_on_the_next_request(district, client):
    key = _signed_in(client)
    assert client.get("/api/v1/auth/me").status_code == 200
    User.objects.filter(pk=district.user("grid_worker").pk).update(is_active=False)
    assert not _request(key).user.is_authenticated
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_password_changed_elsewhere_signs_this_session_out(district, client):
    key = _signed_in(client)
    assert client.get("/api/v1/auth/me").status_code == 200
    user = User.objects.get(pk=district.user("grid_worker").pk)
    user.set_password("another-long-password-1")
    user.save(update_fields=["password"])
    assert client.get("/api/v1/auth/me").status_code == 401
    assert not Session.objects.filter(session_key=key).exists()  # flushed, as Django does


def test_a_revoked_role_is_gone_from_the_next_request(district, client):
    key = _signed_in(client)
    assert scope_of(_request(key).user).places
    ra = RoleAssignment.objects.get(user=district.user("grid_worker"), active=True)
    role_revoke(actor=district.user("district_admin"), assignment_id=ra.pk)
    user = _request(key).user
    assert user.is_authenticated and scope_of(user).places == () and not scope_of(user).roles


def test_a_hint_naming_someone_else_falls_back_to_the_session_s_own_user(district, client):
    key = _signed_in(client)
    sessions._remember(key, district.user("district_admin").pk)
    user = _request(key).user
    assert user.pk == district.user("grid_worker").pk
    assert scope_of(user).places == (("grid_worker", "grid", district.grids["g1"].code),)


def test_no_cookie_and_a_made_up_cookie_are_anonymous(district):
    assert isinstance(_request("").user, AnonymousUser)
    made_up = "x" * 32
    sessions._remember(made_up, district.user("grid_worker").pk)
    assert isinstance(_request(made_up).user, AnonymousUser)
