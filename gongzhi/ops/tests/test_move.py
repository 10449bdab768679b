"""``move_database``: a small district, and the demo district (``seed_demo --scale 0.01``), moved from the
SQLite test database into a new PostgreSQL database, checked table by table against the source, then used
by a real process (the demo: the journeys of ``move_journeys``); a second move into it refused.

The move's source is SQLite by definition and its target a PostgreSQL server, so these run on the SQLite
test database with the server CI has at 127.0.0.1:5432 (``MOVE_TEST_PG``, the server's URL without a
database name): ``make test-move`` (marker ``move``; ``.ci/run`` runs it beside the PostgreSQL suite).
``make test`` needs no database server, so it leaves them out; in the PostgreSQL suite there is no SQLite
source, and the ``skipif`` says so."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongzhi.ops.backup import move
from gongzhi.ops.tests.move_journeys import JOURNEYS
from gongzhi.testing import build_small_district
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import G1_POINT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.move]

SERVER = os.environ.get("MOVE_TEST_PG", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
NAME = os.environ.get("MOVE_TEST_DB", "registers_move")  # another name when two checkouts share the server
URL = f"{SERVER}/{NAME}"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fresh_target():
    admin = psycopg.connect(psycopg.conninfo.make_conninfo(f"{SERVER}/postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{NAME}"')
    try:
        yield URL
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        admin.close()


def target_fingerprints():
    move._open_target(URL)
    try:
        return move.model_fingerprints(move.TARGET_ALIAS)
    finally:
        move._close_target()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the move's source is SQLite: make test-move runs it on the SQLite test database",
)
def test_small_district_moved_to_postgres_with_identical_fingerprints(fresh_target, tmp_path):
    district = build_small_district()
    resident = district.user("resident")
    svc.ticket_report(
        actor=resident, data=svc.TicketInput(description="楼道路灯不亮", lng=G1_POINT[0], lat=G1_POINT[1])
    )
    source = move.model_fingerprints("default")
    assert source["places_grid"]["rows"] == 4 and source["tickets_ticket"]["rows"] >= 1

    call_command("move_database", "--to", fresh_target, stdout=(out := io.StringIO()))
    assert "迁移完成" in out.getvalue() and "已先执行 migrate 建表" in out.getvalue()
    assert target_fingerprints() == source  # every table: the same rows, the same content

    # The install runs on the target: a resident's report through the service, in a process of its own.
    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    script = (
        "from gongzhi.accounts.models import User; from gongzhi.tickets import services as svc; "
        f"u = User.objects.get(pk={resident.pk}); "
        f"t = svc.ticket_report(actor=u, data=svc.TicketInput(description='小区垃圾没人清运', lng={G1_POINT[0]}, lat={G1_POINT[1]})); "
        "print('TICKET', t.pk, t.grid_code, t.reporter_id)"
    )
    env = {**os.environ, "DATABASE_URL": fresh_target}
    done = subprocess.run(  # noqa: S603 (our own manage.py, our own script)
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    pk, grid_code, reporter = done.stdout.split("TICKET")[-1].split()[:3]
    assert last is not None and int(pk) == last + 1  # the ticket sequence was set past the copied keys
    assert grid_code == district.grids["g1"].code and int(reporter) == resident.pk

    # A second move into the same (now used) database is refused, and writes nothing.
    before = target_fingerprints()
    with pytest.raises(CommandError, match="迁移目标数据库已有数据"):
        call_command("move_database", "--to", fresh_target)
    assert target_fingerprints() == before


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the move's source is SQLite: make test-move runs it on the SQLite test database",
)
def test_the_demo_district_moved_then_the_journeys_run_on_it(fresh_target, settings, tmp_path):
    """The demo district (``seed_demo --scale 0.01 --seed 7``, as the demo tests seed it) moved with
    identical per-table fingerprints; then, in a process on the target, the journeys of
    ``move_journeys`` (a ticket reported and closed, a member entered and the branch diff applied, an
    in-service member's claim and 2 hours confirmed and seen by the liaison, the overview and a register);
    then a second move into the same target is refused."""
    from gongzhi.tickets.taxonomy import ensure_default_categories

    settings.MEDIA_ROOT = str(tmp_path / "media")
    ensure_default_categories()  # a transactional test before this one flushed migration 0002's rows
    call_command("seed_demo", "--scale", "0.01", "--seed", "7", stdout=io.StringIO())
    source = move.model_fingerprints("default")
    assert source["party_membertransfer"]["rows"] > 40 and source["party_partyorganization"]["rows"] > 94
    out = io.StringIO()
    call_command("move_database", "--to", fresh_target, stdout=out)
    assert "迁移完成" in out.getvalue()
    assert target_fingerprints() == source

    env = {**os.environ, "DATABASE_URL": fresh_target, "MEDIA_ROOT": settings.MEDIA_ROOT}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from gongzhi.ops.tests.move_journeys import main; main()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    ran = re.findall(r"^JOURNEY (\w+) ok", done.stdout, flags=re.MULTILINE)
    assert ran == list(JOURNEYS), done.stdout

    before = target_fingerprints()
    assert before != source  # the journeys wrote on the target
    with pytest.raises(CommandError, match="迁移目标数据库已有数据"):
        call_command("move_database", "--to", fresh_target)
    assert target_fingerprints() == before


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the move's source is SQLite: make test-move runs it on the SQLite test database",
)
def test_move_refuses_a_target_that_is_not_postgres(tmp_path):
    with pytest.raises(CommandError, match="迁移目标必须是 PostgreSQL"):
        call_command("move_database", "--to", f"sqlite:///{tmp_path}/x.sqlite3")
