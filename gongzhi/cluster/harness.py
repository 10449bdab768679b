"""A whole deployment on loopback, started and stopped by ``make test-cluster`` (docs/deployment.md).

Under ``CLUSTER_DIR`` (default ``var/cluster``), each on a port of its own:

- a PostgreSQL primary (``initdb``, ``pg_ctl``) and a streaming replica of it (``pg_basebackup -R``);
- PgBouncer in transaction pooling mode in front of the primary (``pool_mode = transaction``);
- Redis (its own ``redis-server``: cache, rate limits, one-time codes, the task queue);
- two gunicorn web nodes with the settings of a city (DATABASE_URL through PgBouncer, DATABASE_POOLER,
  DATABASE_REPLICA_URL, REDIS_URL, one shared MEDIA_ROOT);
- the task workers, when the project has them (``manage.py jobs_worker``; see ``WORKER_COMMAND``).

The PostgreSQL tools come from /usr/lib/postgresql/15/bin (gongzhi.faults.harness.pg_tool); as root,
PostgreSQL and PgBouncer run as the ``postgres`` OS user. Everything is stopped on the way out, failure or
not, and the folder of the previous run is removed before the next one starts.
"""

from __future__ import annotations

import http.client
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from gongzhi.faults.harness import HOST, PASSWORD, REPO, Cluster, Gunicorn, manage, pg_tool

DB_NAME = "gongzhi_cluster"
PORTS = {
    "primary": int(os.environ.get("CLUSTER_PG_PORT", 55442)),
    "replica": int(os.environ.get("CLUSTER_REPLICA_PORT", 55443)),
    "pgbouncer": int(os.environ.get("CLUSTER_PGBOUNCER_PORT", 55444)),
    "redis": int(os.environ.get("CLUSTER_REDIS_PORT", 56379)),
    "node_a": int(os.environ.get("CLUSTER_NODE_A_PORT", 18711)),
    "node_b": int(os.environ.get("CLUSTER_NODE_B_PORT", 18712)),
}
# The task worker of gongzhi.jobs (django-tasks), when this checkout has it: two are started.
WORKER_COMMAND = ("manage.py", "jobs_worker")
REPLICA_MAX_LAG_SECONDS = 3.0
READ_YOUR_WRITES_SECONDS = 5.0


def tasks_available() -> bool:
    return (REPO / "gongzhi" / "jobs" / "management" / "commands" / "jobs_worker.py").exists()


def _owned_by_postgres(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Timeline:
    """What happened when, printed at the end: each fault, when requests resumed, what was checked."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.rows: list[tuple[float, str]] = []

    def note(self, text: str) -> float:
        at = time.monotonic() - self.t0
        self.rows.append((at, text))
        print(f"[cluster {at:7.2f}s] {text}", flush=True)
        return at

    def render(self) -> str:
        return "\n".join(f"{at:8.2f}s  {text}" for at, text in self.rows)


class Primary(Cluster):
    """The fault harness's cluster, with this suite's database name."""

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DB_NAME}"

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgres://postgres@{HOST}:{self.port}/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{DB_NAME}"')


class Replica(Primary):
    """A hot standby of ``primary``, made by pg_basebackup -R (standby.signal and primary_conninfo)."""

    def init_from(self, primary: Cluster) -> None:
        _owned_by_postgres(self.root)
        _owned_by_postgres(self.sock)
        self._run(
            [
                pg_tool("pg_basebackup"), "-h", HOST, "-p", str(primary.port), "-U", "postgres",
                "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
            ],
            timeout=300,
        )  # fmt: skip

    def lag_seconds(self) -> float | None:
        rows = self.query(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        return None if rows[0][0] is None else float(rows[0][0])

    def wait_caught_up(self, primary: Cluster, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        goal = primary.query("SELECT pg_current_wal_lsn()::text")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (goal,))[0][0]:
                return
            time.sleep(0.1)
        raise AssertionError(f"replica did not reach {goal} in {timeout}s")


class PgBouncer:
    def __init__(self, root: Path, port: int, primary: Cluster) -> None:
        self.root, self.port, self.primary = root, port, primary
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        _owned_by_postgres(self.root)
        (self.root / "userlist.txt").write_text('"postgres" ""\n')
        ini = self.root / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"{DB_NAME} = host={HOST} port={self.primary.port} dbname={DB_NAME}\n"
            "[pgbouncer]\n"
            f"listen_addr = {HOST}\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {self.root}\n"
            "auth_type = trust\nadmin_users = postgres\n"
            f"auth_file = {self.root / 'userlist.txt'}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 400\ndefault_pool_size = 12\nreserve_pool_size = 4\n"
            "server_reset_query =\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n"
            f"pidfile = {self.root / 'pgbouncer.pid'}\n"
        )
        for p in (ini, self.root / "userlist.txt"):
            if os.geteuid() == 0:
                shutil.chown(p, "postgres", "postgres")
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        self.proc = subprocess.Popen(
            _as_postgres([binary, str(ini)]),
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "pgbouncer.stderr").open("ab"),
        )
        _wait_port(self.port, "pgbouncer", self.proc)

    def show(self, what: str) -> list[dict[str, str]]:
        """A SHOW of PgBouncer's admin console (simple query protocol: psql)."""
        out = subprocess.run(
            [pg_tool("psql"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", "pgbouncer",
             "-A", "-F", "\t", "-P", "footer=off", "-c", f"SHOW {what}"],
            capture_output=True, text=True, check=True, timeout=30,
        )  # fmt: skip
        lines = out.stdout.splitlines()
        header = lines[0].split("\t")
        return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:] if line]

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


class Redis:
    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", HOST,
                "--save", "", "--appendonly", "no", "--dir", str(self.root),
                "--logfile", str(self.root / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_port(self.port, "redis", self.proc)

    def url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"

    def cache_get(self, key: str) -> Any:
        """A value of Django's RedisCache (key prefix ":1:", pickled), read by the test itself."""
        import redis

        raw = redis.Redis(host=HOST, port=self.port, db=0).get(f":1:{key}")
        return None if raw is None else pickle.loads(bytes(raw))  # type: ignore[arg-type]  # noqa: S301 — our own cache's value

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


class Worker:
    """One task worker process (gongzhi.jobs), when the project has them."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.env, self.log = name, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *WORKER_COMMAND],
            cwd=REPO,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.proc is not None:
            with suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_port(port: int, what: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} in {timeout}s")


def kill_node(node: Gunicorn) -> None:
    """The machine of a web node lost: its master and every worker killed at once (SIGKILL)."""
    assert node.proc is not None
    pids = [*node.worker_pids(), node.proc.pid]
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    node.proc.wait()
    node.proc = None


class ClusterGunicorn(Gunicorn):
    """The fault harness's gunicorn, with a worker timeout long enough for an import in the request, and
    started in two halves so that both nodes boot at the same time."""

    def launch(self) -> None:
        cmd = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", "2", "--keep-alive", "5",
            "--timeout", "300", "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, cwd=REPO
        )

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            if len(self.worker_pids()) == self.workers and self.answers():
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in {timeout}s; see {self.log}")

    def start(self, timeout: float = 300) -> None:
        self.launch()
        self.wait_ready(timeout)


# --- clients ------------------------------------------------------------------------------------------


@dataclass
class Reply:
    node: str
    status: int | None  # None: no answer (the request may or may not have arrived)
    body: bytes = b""
    content_type: str = ""
    error: str = ""
    at: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """One person's browser behind a load balancer: one cookie jar for every node (the nodes share the
    sessions), a kept-alive connection per node, requests alternating between the nodes that are up.

    A request the node refused to connect never reached it: it goes to the next node (a balancer does the
    same). A request that was sent and got no answer is NOT sent again (a retried POST could write twice):
    it is recorded as unanswered."""

    nodes: dict[str, int]
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    turn: int = 0
    conns: dict[str, http.client.HTTPConnection] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)

    def _conn(self, node: str) -> http.client.HTTPConnection:
        # gunicorn closes a kept-alive connection idle for --keep-alive (5) seconds: a request written into
        # one it is closing would get no answer. A browser reopens those; so does this client.
        if node in self.conns and time.monotonic() - self.used.get(node, 0) > 3:
            self.conns.pop(node).close()
        if node not in self.conns:
            self.conns[node] = http.client.HTTPConnection(HOST, self.nodes[node], timeout=120)
        self.used[node] = time.monotonic()
        return self.conns[node]

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        node: str | None = None,
        raw: bytes | None = None,
        content_type: str = "",
    ) -> Reply:
        order = list(self.nodes)
        if node is None:
            self.turn += 1
            start = self.turn % len(order)
            order = order[start:] + order[:start]
        else:
            order = [node]
        headers = {"Accept": "application/json"}
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        last = Reply(order[0], None, error="no node")
        for name in order:
            conn = self._conn(name)
            at = time.monotonic()
            try:
                conn.request(method, path, body=data, headers=headers)
            except ConnectionRefusedError as exc:  # never arrived: the next node may take it
                self.conns.pop(name).close()
                last = Reply(name, None, error=repr(exc), at=at)
                continue
            except (http.client.HTTPException, OSError) as exc:
                # A kept-alive connection the node closed before this request: nothing was received.
                self.conns.pop(name).close()
                conn = self._conn(name)
                try:
                    conn.request(method, path, body=data, headers=headers)
                except (http.client.HTTPException, OSError):
                    self.conns.pop(name).close()
                    last = Reply(name, None, error=repr(exc), at=at)
                    continue
            try:
                resp = conn.getresponse()
                payload = resp.read()
            except (http.client.HTTPException, OSError) as exc:
                self.conns.pop(name).close()
                return Reply(name, None, error=repr(exc)[:200], at=at)  # sent: never retried
            self.used[name] = time.monotonic()
            for header in resp.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
            return Reply(name, resp.status, payload, resp.headers.get("Content-Type", ""), at=at)
        return last

    def login(self, username: str, node: str | None = None) -> None:
        r = self.request(
            "POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD}, node=node
        )
        if r.status != 200:
            raise RuntimeError(f"login {username}: {r.status} {r.body[:300]!r} {r.error}")
        self.csrf = r.json()["csrf_token"]

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()
        self.conns.clear()


def multipart(field_name: str, file_name: str, content: bytes, extra: dict[str, str]) -> tuple[bytes, str]:
    boundary = "gz" + uuid.uuid4().hex
    parts: list[bytes] = []
    for k, v in extra.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
            f"filename*=UTF-8''{file_name}\r\nContent-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the whole deployment -----------------------------------------------------------------------------


@dataclass
class Deployment:
    root: Path
    primary: Cluster
    replica: Replica
    pgbouncer: PgBouncer
    redis: Redis
    nodes: dict[str, ClusterGunicorn]
    workers: list[Worker]
    env: dict[str, str]
    grid_code: str
    timeline: Timeline

    def node_ports(self) -> dict[str, int]:
        return {name: node.port for name, node in self.nodes.items()}


def _clean(root: Path) -> None:
    """The previous run's processes stopped and its folder removed."""
    for sub in ("primary", "replica"):
        data = root / sub / "pgdata"
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                check=False,
            )
    pid = root / "pgbouncer" / "pgbouncer.pid"
    if pid.exists():
        with suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(pid.read_text().strip()), signal.SIGTERM)
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def deployed(root: Path, timeline: Timeline) -> Iterator[Deployment]:
    _clean(root)
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chmod(root, 0o755)  # noqa: S103 — the postgres user must reach its folders inside
    primary = Primary(root / "primary", PORTS["primary"])
    replica = Replica(root / "replica", PORTS["replica"])
    pgbouncer = PgBouncer(root / "pgbouncer", PORTS["pgbouncer"], primary)
    redis = Redis(root / "redis", PORTS["redis"])
    nodes: dict[str, ClusterGunicorn] = {}
    workers: list[Worker] = []
    try:
        _owned_by_postgres(primary.root)
        primary.init()
        _allow_replication(primary)
        primary.start()
        primary.create_database()
        timeline.note(f"primary PostgreSQL on {primary.port}")
        replica.init_from(primary)
        replica.start()
        timeline.note(f"streaming replica on {replica.port} (pg_basebackup -R)")
        pgbouncer.start()
        timeline.note(f"PgBouncer (transaction pooling) on {pgbouncer.port}")
        redis.start()
        timeline.note(f"Redis on {redis.port}")
        media = root / "media"  # the one MEDIA_ROOT every node writes to
        media.mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"postgres://postgres@{HOST}:{pgbouncer.port}/{DB_NAME}",
            "DATABASE_POOLER": "pgbouncer",
            "DATABASE_REPLICA_URL": f"postgres://postgres@{HOST}:{replica.port}/{DB_NAME}",
            "REPLICA_MAX_LAG_SECONDS": str(REPLICA_MAX_LAG_SECONDS),
            "REPLICA_CHECK_SECONDS": "1",
            "READ_YOUR_WRITES_SECONDS": str(READ_YOUR_WRITES_SECONDS),
            "REDIS_URL": redis.url(0),
            "DEBUG": "0",
            "GONGZHI_VAR_DIR": str(root / "var"),
            "MEDIA_ROOT": str(media),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
            # The journeys come from one address: the per-IP limits are not what is tested here.
            "RATE_LIMIT_REPORT_IP": "off",
            "RATE_LIMIT_REPORT_USER": "off",
            "RATE_LIMIT_OTP_IP": "off",
            "RATE_LIMIT_LOGIN_IP": "off",
            # A task worker killed: its job is taken up again after this many seconds without a heartbeat.
            "JOBS_STALE_SECONDS": "15",
        }
        grid_code = _migrate_and_seed(env, primary, root, timeline)
        for name in ("node_a", "node_b"):
            nodes[name] = ClusterGunicorn(port=PORTS[name], workers=2, env=env, log=root / f"{name}.log")
            nodes[name].launch()
        for node in nodes.values():
            node.wait_ready()
        timeline.note(f"web nodes up: node_a on {PORTS['node_a']}, node_b on {PORTS['node_b']}")
        if tasks_available():
            for k in range(2):
                w = Worker(f"worker_{k}", env, root / f"worker_{k}.log")
                w.start()
                workers.append(w)
            timeline.note("two task workers started (manage.py jobs_worker)")
        else:
            timeline.note(
                "HOOK: no task workers in this checkout (gongzhi.jobs absent): imports run in the request"
            )
        yield Deployment(root, primary, replica, pgbouncer, redis, nodes, workers, env, grid_code, timeline)
    finally:
        for w in workers:
            w.stop()
        for node in nodes.values():
            node.stop()
        redis.stop()
        pgbouncer.stop()
        replica.stop_quietly()
        primary.stop_quietly()
        timeline.note("everything stopped")


def _migrations_hash() -> str:
    import hashlib

    h = hashlib.sha256()
    for f in sorted(REPO.glob("gongzhi/*/migrations/*.py")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:16]


def _migrate_and_seed(env: dict[str, str], primary: Cluster, root: Path, timeline: Timeline) -> str:
    """Migrations and the seed, through PgBouncer (the same transaction pooling as the nodes).

    CLUSTER_REUSE_SEED=1 (a developer's loop, not CI): the migrated and seeded database of an earlier run
    with the same migrations is restored from a dump beside the folder instead (pg_restore, direct)."""
    seed_sql = "SELECT code FROM places_grid ORDER BY code LIMIT 1"
    dump = root.parent / f"cluster-seed-{_migrations_hash()}.dump"
    reuse = os.environ.get("CLUSTER_REUSE_SEED") == "1"
    if reuse and dump.exists():
        subprocess.run(
            [pg_tool("pg_restore"), "-h", HOST, "-p", str(primary.port), "-U", "postgres", "-d", DB_NAME,
             "--no-owner", str(dump)],
            check=True, capture_output=True,
        )  # fmt: skip
        timeline.note(f"restored the migrated, seeded database from {dump.name} (CLUSTER_REUSE_SEED=1)")
        return str(primary.query(seed_sql)[0][0])
    manage(env, "migrate", "--no-input", "--verbosity", "0", timeout=1800)
    seed = (
        "from gongzhi.testing import build_small_district; d = build_small_district(); "
        "print(d.grids['g1'].code)"
    )
    grid_code = manage(env, "shell", "-c", seed).strip().splitlines()[-1]
    timeline.note("migrated and seeded through PgBouncer")
    if reuse:
        subprocess.run(
            [pg_tool("pg_dump"), "-h", HOST, "-p", str(primary.port), "-U", "postgres", "-Fc",
             "-f", str(dump), DB_NAME],
            check=True, capture_output=True,
        )  # fmt: skip
    return grid_code


def _allow_replication(primary: Cluster) -> None:
    """initdb's defaults already stream (wal_level replica, max_wal_senders 10, replication trusted on
    127.0.0.1); said here so that a changed default does not silently break the replica."""
    conf = primary.data / "postgresql.conf"
    with conf.open("a") as f:
        f.write(
            "\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
            "hot_standby_feedback = on\ntimezone = 'UTC'\n"
        )
