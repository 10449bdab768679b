"""The task functions the workers run, and the registry of what they can run.

Apps register their job kinds (``register_kind``: a population import, a large export …) and their
scheduled work (``register_schedule``: the supervision sweep every 5 minutes, the weekly mediation
warnings …) in their ``AppConfig.ready()``, so this app, low in the layer order, never imports them.

``run_job`` is the one task behind every job a person starts: it marks the job running, keeps a
heartbeat from a thread of its own (a worker killed mid-job leaves a stale heartbeat, and
``jobs_worker`` puts the job back in the queue), calls the kind's runner with a ``JobContext`` and
records how it ended. A runner is written so that running it twice writes once (the population import
records the job with its import batch and is one transaction).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import task

from gongzhi.jobs.enums import FileRole, JobPhase, JobStatus

if TYPE_CHECKING:
    from gongzhi.jobs.models import Job


class JobCancelled(Exception):
    """Raised inside a runner when the starter asked to cancel: nothing after it is written."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    # the roles whose place codes are recorded as the job's scope (and must still be held to read it)
    roles: frozenset[str] | None
    run: Callable[[JobContext], dict[str, Any]]
    # a system job (no starter) whose progress the login page may show: no personal data in it
    public: bool = False


@dataclass(frozen=True)
class Schedule:
    name: str
    label: str
    every_seconds: int
    run: Callable[[], dict[str, Any]]
    # where the period starts, from the Unix epoch (a Thursday, 00:00 UTC): 18 h puts a daily run at
    # 02:00 Beijing time
    offset_seconds: int = 0
    # heavy work (a full rollup rebuild, a retraining) waits for its first boundary after the very first
    # start instead of running at once when a worker first comes up
    first_at_next_slot: bool = False

    def slot(self, timestamp: float) -> int:
        return int(timestamp - self.offset_seconds) // max(1, self.every_seconds)


_KINDS: dict[str, Kind] = {}
_SCHEDULES: dict[str, Schedule] = {}


def register_kind(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def kind_of(name: str) -> Kind | None:
    return _KINDS.get(name)


def public_kinds() -> list[str]:
    return sorted(k.name for k in _KINDS.values() if k.public)


def register_schedule(schedule: Schedule) -> None:
    _SCHEDULES[schedule.name] = schedule


def schedules() -> dict[str, Schedule]:
    return dict(_SCHEDULES)


def _interval() -> float:
    return float(getattr(settings, "JOBS_PROGRESS_INTERVAL", 0.5))


class JobContext:
    """What a runner gets: the job's parameters and input file, progress reporting and cancellation."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.job_id = job.pk
        self.actor = job.actor
        self.params = dict(job.params)
        self._last = 0.0
        self._phase = ""
        # progress reported inside the runner's transaction, for the writer thread (``_Heartbeat``)
        self._pending: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()

    def input(self) -> tuple[str, bytes]:
        from gongzhi.jobs.models import JobFile

        f = JobFile.objects.filter(job_id=self.job_id, role=FileRole.INPUT).first()
        if f is None:
            return "", b""
        return f.name, bytes(f.content)

    def progress(
        self,
        done: int,
        total: int | None = None,
        *,
        phase: str = JobPhase.CHECKING,
        errors: list[dict[str, Any]] | None = None,
        error_count: int | None = None,
        note: str | None = None,
        force: bool = False,
    ) -> None:
        """Rows done (of total) so far; raises ``JobCancelled`` when the starter asked to cancel. Written
        at most every JOBS_PROGRESS_INTERVAL seconds (and at once on ``force`` or a new phase).

        Inside the runner's transaction (an import's write phase) a row written on this connection would
        only be seen at the commit, and undone with a rollback: the values are handed to the job's
        heartbeat thread, which writes them on a connection of its own at once, outside the transaction.
        There is no cancelling then (the transaction finishes, all of it or nothing). On SQLite that
        connection waits for the writer's lock, so the write phase's figures show when it lets go."""
        now = time.monotonic()
        new_phase = phase != self._phase
        if not force and not new_phase and now - self._last < _interval():
            return
        self._last = now
        from gongzhi.jobs.models import Job

        values: dict[str, Any] = {"rows_done": done, "phase": phase, "heartbeat_at": timezone.now()}
        if new_phase:
            values["phase_started_at"] = values["heartbeat_at"]
            self._phase = phase
        if total is not None:
            values["rows_total"] = total
        if errors is not None:
            values["errors"] = errors[:50]
        if error_count is not None:
            values["error_count"] = error_count
        if note is not None:
            values["message"] = note[:500]
        if connection.in_atomic_block:
            with self._lock:
                self._pending = {**(self._pending or {}), **values}
            self._wake.set()
            return
        Job.objects.filter(pk=self.job_id).update(**values)
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled

    def take_pending(self) -> dict[str, Any] | None:
        with self._lock:
            values, self._pending = self._pending, None
        return values

    def result_file(self, name: str, content: bytes, content_type: str) -> None:
        from gongzhi.jobs.services import job_file_put

        job_file_put(
            job_id=self.job_id, role=FileRole.RESULT, name=name, content=content, content_type=content_type
        )


class _Heartbeat(threading.Thread):
    """Marks the job alive every few seconds while its runner works (also inside its long transaction),
    and writes the progress the runner reports from inside its transaction (``JobContext.progress``):
    this thread's connection is its own, so the row is committed and every page sees it at once."""

    def __init__(self, job_id: int, every: float, ctx: JobContext | None = None) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.every, self.ctx = job_id, every, ctx
        self.stop = threading.Event()

    def run(self) -> None:
        from gongzhi.jobs.models import Job

        wake = self.ctx._wake if self.ctx is not None else self.stop
        next_beat = time.monotonic() + self.every
        try:
            while not self.stop.is_set():
                wake.wait(max(0.0, next_beat - time.monotonic()))
                wake.clear()
                if self.stop.is_set():
                    break
                values = self.ctx.take_pending() if self.ctx is not None else None
                if values is None and time.monotonic() < next_beat:
                    continue
                values = values or {"heartbeat_at": timezone.now()}
                try:
                    # only while it runs: a late beat never overwrites how it ended
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(**values)
                except DatabaseError:
                    # SQLite busy under the runner's write: the next beat tries again, newer figures first
                    if self.ctx is not None and "rows_done" in values:
                        with self.ctx._lock:
                            self.ctx._pending = {**values, **(self.ctx._pending or {})}
                next_beat = time.monotonic() + self.every
        finally:
            connection.close()


@task()
def run_job(job_id: int) -> dict[str, Any]:
    from gongzhi.core.errors import ApplicationError
    from gongzhi.jobs import services

    job = services.job_begin(job_id=job_id)
    if job is None:  # finished, cancelled, or taken by another worker meanwhile
        return {"job": job_id, "skipped": True}
    kind = kind_of(job.kind)
    if kind is None:
        services.job_end(job_id=job_id, ok=False, message=f"未知的任务类型：{job.kind}")
        return {"job": job_id, "failed": True}
    ctx = JobContext(job)
    beat = _Heartbeat(job_id, float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 10)), ctx)
    beat.start()
    try:
        result = kind.run(ctx)
    except JobCancelled as exc:
        # a runner that writes as it goes (the hotline import, a row at a time) says what it wrote
        services.job_end(
            job_id=job_id, ok=False, cancelled=True, message=str(exc) or "已按发起人要求取消，未写入任何数据"
        )
        return {"job": job_id, "cancelled": True}
    except ApplicationError as exc:
        services.job_end(job_id=job_id, ok=False, message=exc.message, fields=exc.fields)
        return {"job": job_id, "failed": True}
    except Exception:
        services.job_end(
            job_id=job_id, ok=False, message="后台处理出错，未写入任何数据；请稍后重试或联系管理员"
        )
        raise
    finally:
        beat.stop.set()
        ctx._wake.set()  # the beat waits on the progress event: wake it to see the stop at once
        beat.join(timeout=5)
    services.job_end(job_id=job_id, ok=True, result=result)
    return {"job": job_id, "ok": True}


@task()
def run_scheduled(name: str, slot: int) -> dict[str, Any]:
    from gongzhi.jobs.models import ScheduledRun

    schedule = _SCHEDULES.get(name)
    if schedule is None:
        return {"unknown": name}
    if ScheduledRun.objects.filter(name=name, slot=slot, finished_at__isnull=False).exists():
        return {"skipped": True}  # a second delivery of the same run
    out = schedule.run()
    ScheduledRun.objects.filter(name=name, slot=slot).update(finished_at=timezone.now(), result=out)
    return out
