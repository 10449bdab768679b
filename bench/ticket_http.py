"""A real server process for the bench and a small load client (loopback only, bounded).

``Server`` starts gunicorn (gthread workers, keep-alive) with ``DJANGO_SETTINGS_MODULE=bench.settings``
so the bare view is mounted next to the product's URLs, on 127.0.0.1 and a fixed port. ``Client`` is one
keep-alive ``http.client`` connection with a session cookie and the CSRF token; ``drive()`` runs a fixed
number of requests from ``concurrency`` threads, each on its own connection, and stops early at a time
limit.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


class Server:
    def __init__(self, *, port: int, workers: int, threads: int, env: dict[str, str], log: Path) -> None:
        self.port, self.workers, self.threads = port, workers, threads
        self.env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def description(self) -> str:
        return f"gunicorn gthread, {self.workers} workers × {self.threads} threads, keep-alive, DEBUG off"

    def start(self, timeout: float = 60) -> None:
        cmd = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", str(self.threads), "--keep-alive", "30",
            "--backlog", "256", "--log-level", "warning", "--timeout", "60",
        ]  # fmt: skip
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            cmd,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                c = http.client.HTTPConnection(HOST, self.port, timeout=2)
                c.request("GET", "/api/v1/tickets/categories")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master), for the profiler."""
        if self.proc is None:
            return []
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True, check=False
        )
        return [int(p) for p in out.stdout.split()]

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker now (VmRSS from /proc), in MB."""
        out = []
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    out += [round(int(line.split()[1]) / 1024, 1) for line in f if line.startswith("VmRSS:")]
            except OSError:
                continue
        return out

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf and method != "GET":
            headers["X-CSRFToken"] = self.csrf
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the server closed a kept-alive connection: open a new one, once
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
        payload = resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return resp.status, payload

    def login(self, username: str, password: str) -> None:
        status, payload = self.request(
            "POST", "/api/v1/auth/login", {"username": username, "password": password}
        )
        if status != 200:
            raise RuntimeError(f"login {username}: {status} {payload[:200]!r}")
        self.csrf = json.loads(payload)["csrf_token"]

    def close(self) -> None:
        self.conn.close()


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def drive(
    clients: Sequence[Client],
    make: Callable[[int, int], tuple[str, str, Any]],
    *,
    total: int,
    expect: int,
    time_limit: float,
) -> dict[str, Any]:
    """``total`` requests over ``len(clients)`` threads; ``make(thread, i)`` gives (method, path, body)."""
    counter = itertools.count()
    latencies: list[list[float]] = [[] for _ in clients]
    errors: list[str] = []
    stop_at = time.monotonic() + time_limit

    def run(k: int) -> None:
        c = clients[k]
        while time.monotonic() < stop_at:
            i = next(counter)
            if i >= total:
                return
            method, path, body = make(k, i)
            t = time.perf_counter()
            try:
                status, payload = c.request(method, path, body)
            except Exception as exc:  # a bench reports failures, it does not stop at them
                errors.append(repr(exc)[:200])
                continue
            latencies[k].append(time.perf_counter() - t)
            if status != expect and len(errors) < 1000:
                errors.append(f"{status} {payload[:160]!r}")

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(clients))]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    seconds = time.perf_counter() - t0
    flat = [x for per in latencies for x in per]
    done = len(flat)
    return {
        "requests": done,
        "seconds": round(seconds, 2),
        "requests_per_second": round(done / seconds, 1) if seconds else 0.0,
        "latency_ms": {
            "p50": round(percentile(flat, 50) * 1000, 1),
            "p95": round(percentile(flat, 95) * 1000, 1),
            "mean": round(statistics.fmean(flat) * 1000, 1) if flat else None,
        },
        "errors": len(errors),
        "first_errors": errors[:3],
        "stopped_by_time_limit": done < total,
    }
