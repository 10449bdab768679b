"""One pass of the task worker, for ``jobs_worker`` and for tests that run the real queue in-process."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from gongzhi.jobs.models import ScheduledRun
from gongzhi.jobs.services import job_recover_stale
from gongzhi.jobs.tasks import run_scheduled, schedules


def backend_label() -> str:
    return type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__


def schedule_due(now: dt.datetime | None = None) -> int:
    """Enqueues each registered schedule whose current slot has not run yet; returns how many."""
    from gongzhi.jobs.selectors import system_jobs_running

    if system_jobs_running():
        return 0  # the demo district is being built: its tickets are dated by the builder, not swept now
    now = now or timezone.now()
    n = 0
    for name, s in sorted(schedules().items()):
        slot = s.slot(now.timestamp())
        if ScheduledRun.objects.filter(name=name, slot=slot).exists():
            continue
        first = s.first_at_next_slot and not ScheduledRun.objects.filter(name=name).exists()
        try:
            with transaction.atomic():
                if first:  # the very first start: this period counts as run, the next one runs
                    ScheduledRun.objects.create(
                        name=name, slot=slot, finished_at=now, result={"skipped": "first start"}
                    )
                    continue
                ScheduledRun.objects.create(name=name, slot=slot)
                transaction.on_commit(functools.partial(run_scheduled.enqueue, name, slot))
        except IntegrityError:
            continue  # another worker took this slot
        n += 1
    return n


def run_ready(worker_id: str) -> int:
    """Runs every task that is ready now on the configured backend; returns how many ran."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    name = type(backend).__name__
    if name == "DatabaseBackend":
        from django_tasks_db.management.commands.db_worker import Worker

        w = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        w.run()
        return w._run_tasks
    if name == "RQBackend":
        import django_rq
        from django_tasks_rq.backend import Job as RQJob
        from rq.worker import SimpleWorker

        rq_worker = django_rq.get_worker(
            *sorted(backend.queues), job_class=RQJob, worker_class=cast(Any, SimpleWorker)
        )
        pending = sum(q.count for q in rq_worker.queues)
        rq_worker.work(burst=True, with_scheduler=False)
        return int(pending)
    return 0  # the immediate backend ran its tasks when they were enqueued


def work_once(*, worker_id: str = "gz-once", schedule: bool = True) -> dict[str, int]:
    requeued = job_recover_stale()["requeued"]
    scheduled = schedule_due() if schedule else 0
    ran = run_ready(worker_id)
    return {"ran": ran, "requeued": requeued, "scheduled": scheduled}
