"""Read-replica routing (gongzhi.core.replica) against a real second database.

The "replica" here is a copy of the test database taken at one moment (SQLite: the backup API; PostgreSQL:
CREATE DATABASE … TEMPLATE), registered as the alias ``replica`` the way DATABASE_REPLICA_URL registers it.
A copy is a replica frozen in time: whatever is written on the primary after the copy is missing there,
and a figure changed in the copy alone tells which database answered. The real streaming replica, its lag
and its stopping are tested by make test-cluster (cluster/).
"""

from __future__ import annotations

import sqlite3
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test import override_settings

from gongzhi.core import replica
from gongzhi.testing import PASSWORD, build_small_district

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/tickets/indicators"


@contextmanager
def replica_copy(tmp_path: Path) -> Iterator[Callable[[str], None]]:
    """The primary copied now into a database of its own, registered as alias ``replica``; yields a
    function that runs SQL on the copy alone."""
    primary = connections[DEFAULT_DB_ALIAS]
    base = dict(primary.settings_dict)
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if primary.vendor == "sqlite":
        path = tmp_path / "replica.sqlite3"
        primary.ensure_connection()
        target = sqlite3.connect(path)
        primary.connection.backup(target)
        target.close()
        copy = {**base, "NAME": str(path), "TEST": {"NAME": str(path)}}

        def run(sql: str) -> None:
            with sqlite3.connect(path) as c:
                c.execute(sql)

    else:
        import psycopg

        name = f"{base['NAME']}_replica_{uuid.uuid4().hex[:6]}"
        admin = {k: v for k, v in primary.get_connection_params().items() if k != "context"}
        admin["dbname"] = "postgres"
        primary.close()  # a template may have no other session
        with psycopg.connect(**admin, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base["NAME"]}"')
        copy = {**base, "NAME": name, "TEST": {"NAME": name}}

        def run(sql: str) -> None:
            with psycopg.connect(**{**admin, "dbname": name}, autocommit=True) as c:
                c.execute(sql)

        def drop() -> None:
            with psycopg.connect(**admin, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with registered(copy):
        yield run
    drop()


@contextmanager
def registered(alias_settings: dict[str, Any]) -> Iterator[None]:
    """As DATABASE_REPLICA_URL would (config/settings.py), for the length of the block. The connection is
    made here, not from ``connections.settings``: the test framework only lets a test reach the aliases it
    was set up with, or ones made on the fly."""
    conf = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(settings.DATABASES[DEFAULT_DB_ALIAS]), replica.REPLICA: alias_settings}
    )[replica.REPLICA]
    connections[replica.REPLICA] = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, replica.REPLICA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Overriding setting DATABASES can lead to unexpected behavior"
        overridden = override_settings(DATABASES={**settings.DATABASES, replica.REPLICA: conf})
        overridden.enable()
    replica.forget_state()
    try:
        yield
    finally:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            overridden.disable()
        replica.forget_state()


def report(client, description: str, grid_code: str) -> int:
    r = client.post(
        "/api/v1/tickets",
        {"description": description, "channel": "patrol", "grid_code": grid_code},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def reported(client, code: str) -> int:
    r = client.get(URL, {"level": "grid", "code": code})
    assert r.status_code == 200, r.content
    return int(r.json()["total"]["reported"])


def login(client, username: str) -> None:
    r = client.post(
        "/api/v1/auth/login", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 200, r.content


def test_indicators_are_read_from_the_replica_and_a_writer_reads_its_own_write(tmp_path, client):
    d = build_small_district()
    g1 = d.grids["g1"].code
    writer = client
    login(writer, "grid_worker")
    report(writer, "路灯不亮，复制之前", g1)
    with replica_copy(tmp_path) as on_replica:
        # The copy alone says 1000 more: whoever reads it shows it.
        on_replica(f"UPDATE tickets_dailystat SET reported = reported + 1000 WHERE grid_code = '{g1}'")  # noqa: S608
        reader = type(client)()
        reader.force_login(d.users["grid_head"])  # no request: this client has written nothing
        assert reported(reader, g1) == 1001  # served by the replica

        # The writer reports again: its next read comes from the primary and sees both its tickets.
        report(writer, "井盖缺失，复制之后", g1)
        assert replica.WRITE_COOKIE in writer.cookies
        assert reported(writer, g1) == 2
        # Anyone else still reads the replica (which has not got the second ticket).
        assert reported(reader, g1) == 1001

        # Once the writer's window has passed, it reads from the replica like everyone.
        with override_settings(READ_YOUR_WRITES_SECONDS=0.2):
            writer.cookies[replica.WRITE_COOKIE] = "1000000000.0"  # a write long ago
            assert reported(writer, g1) == 1001


def test_a_replica_that_is_down_or_too_far_behind_is_not_read(tmp_path, client):
    d = build_small_district()
    g1 = d.grids["g1"].code
    login(client, "grid_worker")
    report(client, "路灯不亮", g1)
    reader = type(client)()
    reader.force_login(d.users["grid_head"])
    missing: dict[str, Any] = {**settings.DATABASES[DEFAULT_DB_ALIAS]}
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        missing.update(NAME=str(tmp_path / "no-such-folder" / "replica.sqlite3"))
    else:
        missing.update(PORT="1", OPTIONS={**missing.get("OPTIONS", {}), "connect_timeout": 1})
    with registered(missing):
        assert reported(reader, g1) == 1  # the primary answered, no error
        state = replica.replica_state()
        assert not state.usable and "unreachable" in state.reason

    with replica_copy(tmp_path), override_settings(REPLICA_MAX_LAG_SECONDS=-1):
        # A limit no replica can meet (lag is never below zero): the primary answers.
        assert replica.replica_state(fresh=True).usable is False
        assert reported(reader, g1) == 1


def test_a_replica_failing_mid_read_is_given_up_and_the_primary_answers(tmp_path, client):
    d = build_small_district()
    g1 = d.grids["g1"].code
    login(client, "grid_worker")
    report(client, "路灯不亮", g1)
    reader = type(client)()
    reader.force_login(d.users["grid_head"])
    with replica_copy(tmp_path) as on_replica:
        assert replica.replica_state(fresh=True).usable
        on_replica("DROP TABLE tickets_dailystat")  # answers the lag check, fails the indicators
        assert reported(reader, g1) == 1
        state = replica.replica_state()
        assert not state.usable and "indicators" in state.reason


def test_writes_and_who_is_asking_never_go_to_the_replica(tmp_path):
    from gongzhi.accounts.models import User
    from gongzhi.places.models import Grid

    build_small_district()
    router = replica.ReplicaRouter()
    with replica_copy(tmp_path):
        assert router.db_for_read(Grid) is None  # outside reading_from_replica: the default database
        with replica.reading_from_replica():
            assert router.db_for_read(Grid) == replica.REPLICA
            assert router.db_for_read(User) == DEFAULT_DB_ALIAS
            assert router.db_for_write(Grid) == DEFAULT_DB_ALIAS
            with replica.primary_only():
                assert router.db_for_read(Grid) is None
        assert router.allow_migrate(replica.REPLICA, "places") is False
