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

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import task

from gongzhi.jobs.enums import FileRole, JobPhase

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
        at most every JOBS_PROGRESS_INTERVAL seconds, and never inside a transaction (it would be undone
        with it, and on SQLite wait for it)."""
        now = time.monotonic()
        if not force and now - self._last < _interval():
            return
        self._last = now
        if connection.in_atomic_block:
            return
        from gongzhi.jobs.models import Job

        values: dict[str, Any] = {"rows_done": done, "phase": phase, "heartbeat_at": timezone.now()}
        if total is not None:
            values["rows_total"] = total
        if errors is not None:
            values["errors"] = errors[:50]
        if error_count is not None:
            values["error_count"] = error_count
        if note is not None:
            values["message"] = note[:500]
        Job.objects.filter(pk=self.job_id).update(**values)
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled

    def result_file(self, name: str, content: bytes, content_type: str) -> None:
        from gongzhi.jobs.services import job_file_put

        job_file_put(
            job_id=self.job_id, role=FileRole.RESULT, name=name, content=content, content_type=content_type
        )


class _Heartbeat(threading.Thread):
    """Marks the job alive every few seconds while its runner works (also inside its long transaction)."""

    def __init__(self, job_id: int, every: float) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.every = job_id, every
        self.stop = threading.Event()

    def run(self) -> None:
        from gongzhi.jobs.models import Job

        try:
            while not self.stop.wait(self.every):
                # SQLite busy under the runner's write: the next beat tries again
                with contextlib.suppress(DatabaseError):
                    Job.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())
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
    beat = _Heartbeat(job_id, float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 10)))
    beat.start()
    try:
        result = kind.run(JobContext(job))
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
