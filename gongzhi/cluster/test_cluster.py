"""make test-cluster: the main journeys across two web nodes, then faults, on a deployment of its own.

Journeys, alternating between node_a and node_b with one cookie jar per person (the nodes share sessions,
cache and media): a resident signs in with a one-time code (asked on one node, its code in the shared
Redis, verified on the other) and reports; staff accept, escalate, dispatch, handle, verify and close; a
population import; exports. Then reads from the replica: served by it when it is fresh, by the primary for
one's own writes and when it lags (replay paused) beyond REPLICA_MAX_LAG_SECONDS.

Faults, under ticket intake from several clients: one web node killed (SIGKILL of its master and
workers: the requests go on on the other); a task worker killed in the middle of an import (when this
checkout has task workers); the replica stopped hard (reads fall back to the primary, never a 5xx). Nothing
is promoted: failover of the primary is out of scope (docs/deployment.md).

At the end: every acknowledged write is in the primary once, whole (its timeline event and audit row), and
no write is half there. The timeline (each fault, when requests resumed, what was checked) is printed.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from gongzhi.cluster.harness import (
    READ_YOUR_WRITES_SECONDS,
    REPLICA_MAX_LAG_SECONDS,
    Client,
    Deployment,
    Reply,
    kill_node,
    multipart,
    tasks_available,
)

pytestmark = pytest.mark.cluster

PHONE = "13912340001"  # the first person of grid g1 in build_small_district
G1_POINT = (117.105, 36.985)
IMPORT_ROWS = 20_000 if tasks_available() else 3_000


@dataclass
class Intake:
    """``threads`` staff clients reporting tickets through both nodes until stopped; every reply kept."""

    d: Deployment
    tag: str
    threads: int = 3
    replies: list[tuple[str, Reply]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _run(self, k: int, ready: threading.Semaphore) -> None:
        client = Client(self.d.node_ports())
        client.login("grid_worker")
        ready.release()
        i = 0
        while not self._stop.is_set():
            description = f"集群演练 {self.tag} 线程{k} 第{i}条"
            i += 1
            r = client.request(
                "POST",
                "/api/v1/tickets",
                {"description": description, "channel": "patrol", "grid_code": self.d.grid_code},
            )
            with self._lock:
                self.replies.append((description, r))
            if r.status is None or r.status >= 500:
                time.sleep(0.05)
        client.close()

    def start(self) -> None:
        ready = threading.Semaphore(0)
        self._threads = [
            threading.Thread(target=self._run, args=(k, ready), daemon=True) for k in range(self.threads)
        ]
        for t in self._threads:
            t.start()
        for _ in self._threads:
            assert ready.acquire(timeout=60), "an intake client could not log in"

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)

    def ok(self) -> dict[int, str]:
        with self._lock:
            return {
                int(r.json()["id"]): desc
                for desc, r in self.replies
                if r.status is not None and 200 <= r.status < 300
            }

    def wait_for(self, n: int, timeout: float = 60) -> float:
        goal = len(self.ok()) + n
        deadline = time.monotonic() + timeout
        while len(self.ok()) < goal:
            assert time.monotonic() < deadline, f"intake made no progress: {self.summary()}"
            time.sleep(0.05)
        return time.monotonic()

    def first_ok_after(self, t: float) -> float | None:
        with self._lock:
            times = [r.at for _d, r in self.replies if r.status is not None and r.status < 300 and r.at > t]
        return min(times) if times else None

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        with self._lock:
            for _d, r in self.replies:
                key = f"{r.node}:{r.status}"
                out[key] = out.get(key, 0) + 1
        return out


def check_whole(d: Deployment, intake: Intake) -> int:
    """Every ticket answered 2xx is in the primary once, with one report event and one audit row; the
    only others are ones whose request got no answer (committed, then the answer was lost)."""
    ok = intake.ok()
    assert ok, intake.summary()
    rows = d.primary.query(
        """
        SELECT t.id, t.description,
               (SELECT count(*) FROM tickets_ticketevent e WHERE e.ticket_id = t.id AND e.move = 'report'),
               (SELECT count(*) FROM audit_auditevent a
                 WHERE a.event_type = 'tickets.report' AND a.target_id = t.id::text)
          FROM tickets_ticket t WHERE t.description LIKE %s
        """,
        (f"集群演练 {intake.tag} %",),
    )
    in_db = {r[0]: r[1] for r in rows}
    missing = {i: desc for i, desc in ok.items() if in_db.get(i) != desc}
    assert not missing, f"answered 2xx but not in the database: {missing}"
    half = [r for r in rows if (r[2], r[3]) != (1, 1)]
    assert not half, f"tickets without exactly one report event and one audit row: {half}"
    descriptions = [r[1] for r in rows]
    assert len(descriptions) == len(set(descriptions)), "a request was written twice"
    unanswered = {desc for desc, r in intake.replies if r.status is None or r.status >= 300}
    extra = {desc for i, desc in in_db.items() if i not in ok}
    assert extra <= unanswered, extra - unanswered
    return len(ok)


def reported_in_g1(client: Client, d: Deployment, node: str | None = None) -> int:
    r = client.request("GET", f"/api/v1/tickets/indicators?level=grid&code={d.grid_code}", node=node)
    assert r.status == 200, (r.status, r.body[:300], r.error)
    return int(r.json()["total"]["reported"])


def forget_own_writes(client: Client) -> None:
    """As if READ_YOUR_WRITES_SECONDS had passed since this client's last write (its login)."""
    client.cookies.pop("gz_wrote", None)


def population_csv(rows: int, tag: str, grid_code: str) -> bytes:
    from gongzhi.core.cells import SafeCsvWriter
    from gongzhi.people.sheets import HEADERS

    buf = io.StringIO(newline="")
    w = SafeCsvWriter(buf)
    w.writerow(HEADERS)
    for i in range(rows):
        # one household per row: its own door; the head of it, a registered resident
        w.writerow(
            [grid_code, f"演练{tag}小区", str(1 + i // 200), "1", f"{i % 200 + 1:03d}", f"导入{tag}{i}", "", "",
             "本人（户主）", "户籍人口", ""]
        )  # fmt: skip
    return buf.getvalue().encode("utf-8-sig")


def import_population(client: Client, d: Deployment, tag: str, rows: int) -> Reply:
    """The population import: in the request, or (with the task workers of gongzhi.jobs) as a job whose
    progress is followed until it has finished."""
    body, ctype = multipart("file", f"人口{tag}.csv", population_csv(rows, tag, d.grid_code), {})
    if not tasks_available():
        return client.request("POST", "/api/v1/persons/import", raw=body, content_type=ctype)
    r = client.request("POST", "/api/v1/persons/import-jobs", raw=body, content_type=ctype)
    assert r.status == 202, (r.status, r.body[:300])
    return follow_job(client, r)


def follow_job(client: Client, accepted: Reply, timeout: float = 900) -> Reply:
    """HOOK for the task queue (gongzhi.jobs, branch wt-tasks): GET /api/v1/jobs/{id} until finished."""
    job_id = accepted.json()["id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.request("GET", f"/api/v1/jobs/{job_id}")
        assert r.status == 200, (r.status, r.body[:300])
        if r.json()["finished"]:
            return r
        time.sleep(1)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s")


def test_journeys_and_faults_across_two_nodes(deployment: Deployment) -> None:
    d = deployment
    tl = d.timeline
    ports = d.node_ports()

    # --- a resident reports: the code asked on node_a, kept in the shared Redis, verified on node_b ----
    resident = Client(ports)
    r = resident.request("POST", "/api/v1/auth/otp/request", {"phone": PHONE}, node="node_a")
    assert r.status == 200, r.body[:300]
    import hashlib

    code = d.redis.cache_get("gz:dev-sms:" + hashlib.sha256(PHONE.encode()).hexdigest()[:32])
    assert code, "the one-time code is not in the shared cache"
    r = resident.request("POST", "/api/v1/auth/otp/verify", {"phone": PHONE, "code": code}, node="node_b")
    assert r.status == 200, r.body[:300]
    resident.csrf = r.json()["csrf_token"]
    r = resident.request(
        "POST",
        "/api/v1/tickets",
        {
            "description": "集群旅程 3号楼前路灯不亮",
            "category_code": "101018",
            "lng": G1_POINT[0],
            "lat": G1_POINT[1],
        },
        node="node_a",
    )
    assert r.status == 201, r.body[:300]
    tid = r.json()["id"]
    tl.note(f"journey: resident signed in across nodes (code in Redis) and reported ticket {tid} on node_a")

    # --- staff: each step on the other node than the last ----------------------------------------------
    staff = {k: Client(ports) for k in ("grid_worker", "community_worker", "department_handler")}
    for k, c in staff.items():
        c.login(k)
    steps: list[tuple[Client, str, dict[str, Any]]] = [
        (staff["grid_worker"], "accept", {}),
        (staff["grid_worker"], "escalate", {"reason": "需要城管维修"}),
        (staff["community_worker"], "dispatch", {"level": "department", "department_id": None}),
        (staff["department_handler"], "respond", {}),
        (staff["department_handler"], "handle", {"result": "已更换灯泡"}),
        (staff["grid_worker"], "verify", {"passed": True}),
        (resident, "callback", {"satisfaction": "satisfied"}),
        (staff["grid_worker"], "close", {}),
    ]
    department_id = d.primary.query("SELECT id FROM places_department WHERE code = 'cgj'")[0][0]
    nodes_used: list[str] = []
    for n, (client, action, data) in enumerate(steps):
        if action == "dispatch":
            data = {**data, "department_id": department_id}
        node = "node_a" if n % 2 else "node_b"
        nodes_used.append(node)
        r = client.request("POST", f"/api/v1/tickets/{tid}/{action}", data, node=node)
        assert r.status == 200, (action, node, r.status, r.body[:300])
    r = resident.request("GET", f"/api/v1/tickets/{tid}", node="node_b")
    assert r.status == 200 and r.json()["status"] == "closed", r.body[:300]
    events = d.primary.query("SELECT count(*) FROM tickets_ticketevent WHERE ticket_id = %s", (tid,))[0][0]
    assert events >= len(steps) + 1
    tl.note(
        f"journey: staff accepted, escalated, dispatched, handled, verified and closed {tid}, alternating nodes"
    )

    # --- an import, then exports ------------------------------------------------------------------------
    tag = uuid.uuid4().hex[:6]
    started = time.monotonic()
    r = import_population(staff["grid_worker"], d, tag, IMPORT_ROWS)
    assert r.status == 200, (r.status, r.body[:500])
    assert r.json()["status"] in {"applied", "succeeded"}, r.body[:500]
    imported = d.primary.query("SELECT count(*) FROM people_person WHERE name LIKE %s", (f"导入{tag}%",))[0][
        0
    ]
    assert imported == IMPORT_ROWS
    tl.note(
        f"journey: import of {IMPORT_ROWS} rows on {r.node} in {time.monotonic() - started:.1f}s, all written once"
    )

    worker = staff["grid_worker"]
    forget_own_writes(worker)
    r = worker.request("GET", f"/api/v1/persons/export.xlsx?grid_code={d.grid_code}")
    assert r.status == 200 and r.body[:2] == b"PK", (r.status, r.body[:200])
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(r.body), read_only=True).worksheets[0]
    names = {row[2] for row in sheet.iter_rows(values_only=True)}
    assert sum(1 for n in names if isinstance(n, str) and n.startswith(f"导入{tag}")) == IMPORT_ROWS
    r2 = worker.request("GET", "/console/tickets/export.xlsx")
    assert r2.status == 200 and r2.body[:2] == b"PK", (r2.status, r2.body[:200])
    tl.note(
        f"journey: persons export on {r.node} ({IMPORT_ROWS} imported rows in it), tickets export on {r2.node}"
    )

    # --- reads: the replica when fresh; the primary for one's own writes and when it lags ---------------
    reader = Client(ports)
    reader.login("grid_head")
    forget_own_writes(reader)
    d.replica.wait_caught_up(d.primary)
    before = reported_in_g1(reader, d)
    d.replica.query("SELECT pg_wal_replay_pause()")
    paused_at = tl.note("replica: WAL replay paused (the replica falls behind from here)")
    r = worker.request(
        "POST",
        "/api/v1/tickets",
        {"description": "集群读写 本人写后即读", "channel": "patrol", "grid_code": d.grid_code},
    )
    assert r.status == 201, r.body[:300]
    assert reported_in_g1(worker, d) == before + 1  # its own write: read from the primary
    stale = [reported_in_g1(reader, d, node=n) for n in ("node_a", "node_b")]
    assert stale == [before, before], f"the replica did not answer the indicators: {stale} vs {before}"
    tl.note(
        f"reads: writer sees its ticket at once (primary, read-your-writes); another reader is served by "
        f"the replica ({before}, the ticket not there yet) on both nodes"
    )
    time.sleep(REPLICA_MAX_LAG_SECONDS + 2.5)
    fresh = [reported_in_g1(reader, d, node=n) for n in ("node_a", "node_b")]
    assert fresh == [before + 1, before + 1], fresh
    tl.note(
        f"reads: replica {time.monotonic() - d.timeline.t0 - paused_at:.1f}s behind > {REPLICA_MAX_LAG_SECONDS}s: "
        "the reader is served by the primary"
    )
    d.replica.query("SELECT pg_wal_replay_resume()")
    d.replica.wait_caught_up(d.primary)
    tl.note("replica: replay resumed and caught up")
    assert READ_YOUR_WRITES_SECONDS > 0

    # --- fault 1: a web node killed under intake ----------------------------------------------------------
    intake = Intake(d, tag=f"node-{uuid.uuid4().hex[:6]}", threads=3)
    intake.start()
    try:
        intake.wait_for(20)
        killed = time.monotonic()
        kill_node(d.nodes["node_a"])
        at = tl.note("FAULT: node_a killed (SIGKILL of its master and both workers)")
        intake.wait_for(20)
        resumed = intake.first_ok_after(killed)
        assert resumed is not None
        tl.note(
            f"requests resumed on node_b {resumed - killed:.2f}s after the kill "
            f"(t={at + resumed - killed:.2f}s); replies so far {intake.summary()}"
        )
        d.nodes["node_a"].start()
        tl.note("node_a started again and answers")
        intake.wait_for(10)
    finally:
        intake.stop()
    n = check_whole(d, intake)
    lost = [r for _desc, r in intake.replies if r.status is not None and r.status >= 500]
    assert not lost, [(r.node, r.status, r.body[:200]) for r in lost[:5]]
    tl.note(f"checked: {n} acknowledged tickets each present once with its event and audit row; no 5xx")

    # --- fault 2: a task worker killed in the middle of an import ----------------------------------------
    if d.workers:
        # HOOK (gongzhi.jobs, branch wt-tasks): the import is a job. Once it is writing, every worker is
        # killed (so the one running it surely is), then one is started again: it takes up the job whose
        # worker stopped beating (JOBS_STALE_SECONDS) and the import ends once, or writes nothing.
        tag2 = uuid.uuid4().hex[:6]
        body, ctype = multipart("file", f"人口{tag2}.csv", population_csv(IMPORT_ROWS, tag2, d.grid_code), {})
        r = worker.request("POST", "/api/v1/persons/import-jobs", raw=body, content_type=ctype)
        assert r.status == 202, (r.status, r.body[:300])
        job_id = r.json()["id"]
        deadline = time.monotonic() + 300
        while True:
            state = worker.request("GET", f"/api/v1/jobs/{job_id}").json()
            assert not state["finished"], f"the job finished before a worker could be killed: {state}"
            if state["rows_done"] > 0 or state["phase"] == "writing":
                break
            assert time.monotonic() < deadline, state
            time.sleep(0.2)
        for w in d.workers:
            w.kill()
        killed = time.monotonic()
        tl.note(
            f"FAULT: task workers killed (SIGKILL) with the import at {state['rows_done']}/{state['rows_total']} rows"
        )
        d.workers[0].start()
        tl.note("task worker 0 started again")
        done = follow_job(worker, r)
        count = d.primary.query("SELECT count(*) FROM people_person WHERE name LIKE %s", (f"导入{tag2}%",))[
            0
        ][0]
        final = done.json()
        tl.note(
            f"import finished as {final['status']} after {time.monotonic() - killed:.1f}s "
            f"(attempt {final['attempts']}): {count} persons written"
        )
        assert final["status"] == "succeeded" and count == IMPORT_ROWS, (final, count)
    else:
        tl.note("HOOK: no task workers in this checkout: the worker-killed-mid-import fault is not run")

    # --- fault 3: the replica stopped hard; reads fall back to the primary --------------------------------
    intake = Intake(d, tag=f"replica-{uuid.uuid4().hex[:6]}", threads=2)
    intake.start()
    reads: list[Reply] = []
    try:
        intake.wait_for(10)
        d.replica.stop("immediate")
        stopped = time.monotonic()
        tl.note("FAULT: replica stopped (pg_ctl stop -m immediate); nothing is promoted")
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            for path in (f"/api/v1/tickets/indicators?level=grid&code={d.grid_code}", "/api/v1/overview"):
                reads.append(reader.request("GET", path))
        intake.wait_for(5)
    finally:
        intake.stop()
    bad = [(r.node, r.status, r.error, r.body[:200]) for r in reads if r.status != 200]
    assert not bad, bad
    current = d.primary.query("SELECT count(*) FROM tickets_ticket WHERE grid_code = %s", (d.grid_code,))[0][
        0
    ]
    assert reported_in_g1(reader, d, node="node_a") == current
    first = min(r.at for r in reads)
    tl.note(
        f"reads during the replica's outage: {len(reads)} indicators and overview reads, all 200 "
        f"(first {first - stopped:.2f}s after the stop), answered by the primary ({current} tickets in g1)"
    )
    n = check_whole(d, intake)
    tl.note(f"checked: {n} acknowledged tickets during the replica outage each present once; no 5xx")

    # --- everything went through PgBouncer, in transaction pooling ----------------------------------------
    stats = {row["database"]: row for row in d.pgbouncer.show("STATS")}
    pools = {row["database"]: row for row in d.pgbouncer.show("POOLS")}
    transactions = int(stats["gongzhi_cluster"]["total_xact_count"])
    assert pools["gongzhi_cluster"]["pool_mode"] == "transaction"
    assert transactions > 1000, stats["gongzhi_cluster"]
    servers = d.primary.query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
        ("gongzhi_cluster",),
    )[0][0]
    tl.note(
        f"PgBouncer: {transactions} transactions of the two nodes pooled (pool_mode transaction); "
        f"{servers} server connections on the primary"
    )
