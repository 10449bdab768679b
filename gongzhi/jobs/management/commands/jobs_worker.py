"""The task worker: ``python manage.py jobs_worker`` (``make run`` starts one beside the server).

Each pass: puts back in the queue the jobs whose worker died (``job_recover_stale``), enqueues the
scheduled work that is due (once across all workers: ``ScheduledRun``), then runs every ready task of
the configured backend — the database backend's queue (django-tasks-db) or, when REDIS_URL is set, the
RQ queue — and sleeps ``--interval`` seconds. ``--once`` does one pass and stops (tests, cron).
SIGTERM/SIGINT: the running task finishes, then the worker stops; a second signal stops it at once.
"""

from __future__ import annotations

import signal
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from gongzhi.jobs import worker


class Command(BaseCommand):
    help = "运行后台任务（导入、导出、统计重算、督办巡检等计划任务）；--once 只处理一轮"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="处理一轮已就绪的任务后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时的轮询间隔（秒）")
        parser.add_argument("--no-schedule", action="store_true", help="不触发计划任务（如督办巡检）")
        parser.add_argument("--worker-id", default="", help="工作进程编号（多个进程时各不相同）")

    def handle(self, *args: Any, once: bool, interval: float, no_schedule: bool, worker_id: str, **opts: Any):
        self._stop = False
        wid = worker_id or f"gz-{get_random_string(12)}"
        if not once:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        self.stdout.write(f"后台任务进程 {wid} 已启动（{worker.backend_label()}）")
        self.stdout.flush()
        while not self._stop:
            close_old_connections()
            out = worker.work_once(worker_id=wid, schedule=not no_schedule)
            if out["ran"] or out["requeued"] or out["scheduled"]:
                self.stdout.write(
                    f"后台任务：运行 {out['ran']} 个，重新排队 {out['requeued']} 个，计划任务 {out['scheduled']} 个"
                )
                self.stdout.flush()
            if once:
                return
            deadline = time.monotonic() + interval
            while not self._stop and time.monotonic() < deadline:
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self._stop:
            sys.exit(1)
        self._stop = True
