"""A throwaway PostgreSQL cluster, a real gunicorn and a ticket-intake load, for the fault tests.

Everything lives in one temporary folder the tests make (never the machine's shared cluster): ``initdb``
into it, ``pg_ctl`` on 127.0.0.1:55432 with fsync on, the migrations and a small district through the
product's own code (``manage.py``), then gunicorn with two workers. initdb refuses to run as root, so as
root the cluster belongs to the ``postgres`` OS user (``runuser``); as anyone else it is run directly.

``Load`` posts tickets from a few threads, each with a unique description, and keeps every answer: the
tests then check that each 2xx is in the database with its timeline event and audit row.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import psycopg

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent.parent
PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]
DB_NAME = "gongzhi_faults"
PASSWORD = "test-Passw0rd-长"  # gongzhi.testing.PASSWORD, read here without importing Django


def pg_tool(name: str) -> str:
    for d in PG_BIN_DIRS:
        if (d / name).exists():
            return str(d / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL tool {name} not found (looked in {PG_BIN_DIRS} and PATH)")
    return found


def _as_owner(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse root: as root, run them as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Cluster:
    """One PostgreSQL cluster in ``root`` (a folder of its own), on 127.0.0.1:``port`` only."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.data = root / "pgdata"
        self.sock = root / "sock"
        self.log = root / "postgres.log"
        self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DB_NAME}"

    def _run(self, cmd: list[str], timeout: float = 120) -> None:
        out = subprocess.run(_as_owner(cmd), capture_output=True, text=True, timeout=timeout, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}): {out.stdout}\n{out.stderr}")

    def init(self) -> None:
        self.sock.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self._run(
            [
                pg_tool("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions",
            ]
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -c unix_socket_directories={self.sock} "
            "-c fsync=on -c synchronous_commit=on -c max_connections=50"
        )
        self._run(
            [pg_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"]
        )
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        self._run([pg_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])
        self.started = False

    def stop_quietly(self) -> None:
        if self.started or (self.data / "postmaster.pid").exists():
            with suppress(Exception):
                self.stop("immediate")

    def create_database(self) -> None:
        with psycopg.connect(f"postgres://postgres@{HOST}:{self.port}/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{DB_NAME}"')

    def query(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url) as c:
            return list(c.execute(sql, params).fetchall())


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return out.stdout


SEED = (
    "from gongzhi.testing import build_small_district; d = build_small_district(); print(d.grids['g1'].code)"
)


class Gunicorn:
    """gunicorn with ``workers`` gthread workers on 127.0.0.1:``port`` against the cluster."""

    def __init__(self, *, port: int, workers: int, env: dict[str, str], log: Path) -> None:
        self.port, self.workers, self.env, self.log = port, workers, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        cmd = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", "2", "--keep-alive", "5",
            "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        out = self.log.open("ab")
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            if len(self.worker_pids()) == self.workers and self.answers():
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in {timeout}s; see {self.log}")

    def answers(self) -> bool:
        try:
            c = http.client.HTTPConnection(HOST, self.port, timeout=5)
            c.request("GET", "/api/v1/tickets/categories")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(p) for p in out.stdout.split()]

    def connections(self) -> dict[int, int]:
        """Established client connections per worker pid (from ``ss``), to kill one that is serving."""
        out = subprocess.run(
            ["ss", "-Htnp", "state", "established", f"( sport = :{self.port} )"],
            capture_output=True,
            text=True,
            check=False,
        )
        counts = dict.fromkeys(self.worker_pids(), 0)
        for pid in re.findall(r"pid=(\d+)", out.stdout):
            if int(pid) in counts:
                counts[int(pid)] += 1
        return counts

    def stop(self) -> None:
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


class Session:
    """One keep-alive connection, logged in through the JSON API; a broken connection is reopened for the
    next request, never retried for this one (a retried POST could report a ticket twice)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, str]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            raise
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return resp.status, payload, resp.headers.get("Content-Type", "")

    def login(self, username: str) -> None:
        status, payload, _ = self.request(
            "POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"login {username}: {status} {payload[:300]!r}")
        self.csrf = json.loads(payload)["csrf_token"]

    def close(self) -> None:
        self.conn.close()


@dataclass
class Answer:
    description: str
    at: float
    status: int | None  # None: no answer (connection reset, timeout)
    body: bytes = b""
    content_type: str = ""
    error: str = ""

    @property
    def ticket_id(self) -> int | None:
        if self.status is not None and 200 <= self.status < 300:
            return int(json.loads(self.body)["id"])
        return None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Load:
    """``threads`` sessions posting tickets in grid ``grid_code`` until stopped."""

    port: int
    grid_code: str
    tag: str
    threads: int = 3
    username: str = "grid_worker"
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)
    _ready: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def post_one(self, session: Session, description: str) -> Answer:
        body = {"description": description, "channel": "patrol", "grid_code": self.grid_code}
        at = time.monotonic()
        try:
            status, payload, ctype = session.request("POST", "/api/v1/tickets", body)
            answer = Answer(description, at, status, payload, ctype)
        except (http.client.HTTPException, OSError) as exc:
            answer = Answer(description, at, None, error=repr(exc)[:200])
        with self._lock:
            self.answers.append(answer)
        return answer

    def _run(self, k: int) -> None:
        session = Session(self.port)
        try:
            session.login(self.username)
            self._ready.release()
            i = 0
            while not self._stop.is_set():
                answer = self.post_one(session, f"故障演练 {self.tag} 线程{k} 第{i}条")
                i += 1
                if answer.status is None or answer.status >= 500:
                    time.sleep(0.05)  # a client backs off a little when the service is down
        finally:
            session.close()

    def start(self) -> None:
        self._workers = [
            threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(self.threads)
        ]
        for t in self._workers:
            t.start()
        for _ in self._workers:  # every session logged in before the fault is injected
            if not self._ready.acquire(timeout=60):
                self.stop()
                raise RuntimeError("a load session could not log in")

    def stop(self) -> None:
        self._stop.set()
        for t in self._workers:
            t.join(timeout=60)

    def ok(self) -> list[Answer]:
        return [a for a in self.answers if a.ticket_id is not None]

    def wait_for(self, n: int, timeout: float = 60) -> None:
        """Until ``n`` more tickets have been answered 2xx."""
        goal = len(self.ok()) + n
        deadline = time.monotonic() + timeout
        while len(self.ok()) < goal:
            if time.monotonic() > deadline:
                raise AssertionError(f"load made no progress: {self.summary()}")
            time.sleep(0.05)

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self.answers:
            key = str(a.status)
            out[key] = out.get(key, 0) + 1
        return out


@contextmanager
def running(root: Path, *, pg_port: int, http_port: int) -> Iterator[tuple[Cluster, Gunicorn, str]]:
    """The cluster, migrated and seeded, and gunicorn on it; both stopped on the way out, failure or not."""
    cluster = Cluster(root, pg_port)
    server: Gunicorn | None = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": cluster.url,
            "DEBUG": "0",
            "GONGZHI_VAR_DIR": str(root / "var"),
            "MEDIA_ROOT": str(root / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        grid_code = manage(env, "shell", "-c", SEED).strip().splitlines()[-1]
        server = Gunicorn(port=http_port, workers=2, env=env, log=root / "gunicorn.log")
        server.start()
        yield cluster, server, grid_code
    finally:
        if server is not None:
            server.stop()
        cluster.stop_quietly()
