"""Faults under ticket intake, on a real gunicorn and a PostgreSQL cluster of the test's own.

1. ``kill -9`` of one web worker: the master starts another; every ticket answered 2xx is in the database
   with its timeline event and audit row, nothing is half-written, new requests succeed.
2. ``pg_ctl stop -m immediate`` (a crash, as far as the database knows), then ``pg_ctl start``: during the
   outage requests are answered 503 with the API's Chinese JSON error (or get no answer), never a 2xx
   that is then lost; afterwards the SAME workers serve again by themselves, and every 2xx is in the
   database with its event and audit row.

``make test-faults``; excluded from ``make test`` and ``make test-postgres`` by the ``faults`` marker.
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from gongzhi.faults.harness import Cluster, Gunicorn, Load, Session

pytestmark = pytest.mark.faults


def check_written(cluster: Cluster, load: Load) -> None:
    """Every 2xx answer's ticket is in the database, and every ticket of this load is whole: one ticket
    per description, one ``report`` timeline event and one ``tickets.report`` audit row each."""
    ok = {a.ticket_id: a.description for a in load.ok()}
    assert ok, load.summary()
    rows = cluster.query(
        """
        SELECT t.id, t.description,
               (SELECT count(*) FROM tickets_ticketevent e WHERE e.ticket_id = t.id AND e.move = 'report'),
               (SELECT count(*) FROM audit_auditevent a
                 WHERE a.event_type = 'tickets.report' AND a.target_id = t.id::text)
          FROM tickets_ticket t WHERE t.description LIKE %s
        """,
        (f"故障演练 {load.tag} %",),
    )
    in_db = {r[0]: r[1] for r in rows}
    missing = {i: d for i, d in ok.items() if in_db.get(i) != d}
    assert not missing, f"answered 2xx but not in the database: {missing}"
    half = [r for r in rows if (r[2], r[3]) != (1, 1)]
    assert not half, f"tickets without exactly one report event and one audit row: {half}"
    descriptions = [r[1] for r in rows]
    assert len(descriptions) == len(set(descriptions)), "a request was written twice"
    # A ticket the client never saw answered 2xx may exist (committed, then the answer was lost); it must
    # be one the client sent and did not get a 2xx for.
    sent_not_ok = {a.description for a in load.answers if a.ticket_id is None}
    extra = {d for i, d in in_db.items() if i not in ok}
    assert extra <= sent_not_ok, extra - sent_not_ok


def fresh_requests_succeed(server: Gunicorn, grid_code: str, n: int = 5) -> None:
    probe = Load(port=server.port, grid_code=grid_code, tag=f"probe-{uuid.uuid4().hex[:8]}")
    session = Session(server.port)
    try:
        session.login("grid_worker")
        for i in range(n):
            answer = probe.post_one(session, f"故障演练 {probe.tag} 第{i}条")
            assert answer.status == 201, (answer.status, answer.body[:300], answer.error)
    finally:
        session.close()


def test_kill_9_of_a_web_worker_mid_load(stack):
    cluster, server, grid_code = stack
    load = Load(port=server.port, grid_code=grid_code, tag=f"kill-{uuid.uuid4().hex[:8]}", threads=4)
    load.start()
    try:
        load.wait_for(15)
        # The worker holding the most of the load's kept-alive connections: the kill must hit the load.
        held = server.connections()
        victim = max(held, key=lambda pid: held[pid])
        assert held[victim] > 0, held
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            now = server.worker_pids()
            if len(now) == server.workers and victim not in now:
                break
            assert time.monotonic() < deadline, f"the master did not replace worker {victim}: {now}"
            time.sleep(0.1)
        load.wait_for(15)
    finally:
        load.stop()
    print("kill -9 answers:", load.summary())
    assert server.proc is not None and server.proc.poll() is None, "the gunicorn master died"
    # The killed worker's connections broke (their request got no answer at all); nothing else may fail.
    statuses = {a.status for a in load.answers}
    assert statuses == {201, None}, load.summary()
    check_written(cluster, load)
    fresh_requests_succeed(server, grid_code)


def test_immediate_postgres_stop_and_restart_mid_load(stack):
    cluster, server, grid_code = stack
    workers = sorted(server.worker_pids())
    load = Load(port=server.port, grid_code=grid_code, tag=f"pg-{uuid.uuid4().hex[:8]}", threads=3)
    load.start()
    try:
        load.wait_for(15)
        down_at = time.monotonic()
        cluster.stop("immediate")
        time.sleep(3)
        outage = [a for a in load.answers if a.at > down_at + 0.5]
        cluster.start()
        up_at = time.monotonic()
        load.wait_for(20, timeout=60)
        time.sleep(max(0.0, up_at + 4 - time.monotonic()))  # a few seconds of load after the restart
    finally:
        load.stop()
    print("database restart answers:", load.summary(), f"outage {up_at - down_at:.1f} s")
    assert server.proc is not None and server.proc.poll() is None, "the gunicorn master died"
    assert sorted(server.worker_pids()) == workers, "a worker had to be restarted to recover"

    # The outage was hit, and answered the one way: 503 with the Chinese JSON error.
    assert outage and all(a.status != 201 for a in outage), [a.status for a in outage]
    assert {a.status for a in load.answers} <= {201, 503}, load.summary()  # every request got an answer
    failed = [a for a in load.answers if a.status != 201]
    assert any(a.status == 503 for a in failed), load.summary()
    for a in failed:
        assert a.status == 503, (a.status, a.body[:300])
        assert a.content_type.startswith("application/json"), (a.content_type, a.body[:300])
        assert a.json()["code"] == "database_unavailable" and "数据库" in a.json()["message"]
        assert down_at - 1 <= a.at <= up_at, "a request failed outside the outage"
    # Failures only while the database was down; the workers recovered without a restart.
    late = [a for a in load.answers if a.at > up_at + 1]
    assert late and all(a.status == 201 for a in late), [
        (a.status, a.body[:120]) for a in late if a.status != 201
    ]
    check_written(cluster, load)
    fresh_requests_succeed(server, grid_code)
