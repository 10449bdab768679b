"""Progress in the write phase of an import: reported from inside the import's one transaction, it is
not written on that connection (unseen until the commit, undone with a rollback) but handed to the job's
own thread, which writes it on a connection of its own."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.test import override_settings

from gongzhi.jobs.enums import JobStatus
from gongzhi.jobs.models import Job
from gongzhi.jobs.services import job_begin
from gongzhi.jobs.tasks import JobContext, _Heartbeat
from gongzhi.jobs.worker import work_once
from gongzhi.people import imports
from gongzhi.people.tests.helpers import csv_bytes, person_row

pytestmark = pytest.mark.django_db(transaction=True)


def _job(d, n=3):
    rows = [person_row(d.grids["g1"].code, f"{i // 3 + 1}0{i % 3}", f"进度{i}号", 900 + i) for i in range(n)]
    return imports.population_import_enqueue(
        actor=d.user("grid_worker"), file_name="人口.csv", content=csv_bytes(rows)
    )


@override_settings(JOBS_PROGRESS_INTERVAL=0)
def test_progress_inside_a_transaction_goes_through_the_jobs_own_thread(district):
    job = job_begin(job_id=_job(district).pk)
    assert job is not None
    ctx = JobContext(job)
    with transaction.atomic():
        ctx.progress(40, 100, phase="writing")
        # not on the import's connection: it would show only at the commit, and vanish with a rollback
        assert Job.objects.get(pk=job.pk).rows_done == 0
        transaction.set_rollback(True)
    beat = _Heartbeat(job.pk, every=60, ctx=ctx)
    beat.start()
    deadline = time.monotonic() + 5
    while Job.objects.get(pk=job.pk).rows_done != 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    beat.stop.set()
    ctx._wake.set()
    beat.join(timeout=5)
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.phase) == (40, 100, "writing")
    assert job.phase_started_at is not None  # the ETA is the pace of the write phase, not of the checking
    assert ctx.take_pending() is None


@override_settings(JOBS_PROGRESS_INTERVAL=0)
def test_the_import_reports_persons_written_in_chunks(district, monkeypatch):
    monkeypatch.setattr(imports, "WRITE_CHUNK", 5)
    seen: list[tuple[int, int | None, str]] = []
    real = JobContext.progress

    def spy(self, done, total=None, *, phase="checking", **kw):
        seen.append((done, total, phase))
        return real(self, done, total, phase=phase, **kw)

    monkeypatch.setattr(JobContext, "progress", spy)
    job = _job(district, n=12)
    work_once(worker_id="progress-test", schedule=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    writing = [(done, total) for done, total, phase in seen if phase == "writing" and total == 12]
    assert writing[-4:] == [(0, 12), (5, 12), (10, 12), (12, 12)]
    assert (job.rows_done, job.rows_total) == (12, 12)


@override_settings(JOBS_HEARTBEAT_SECONDS=60)
def test_a_finished_job_does_not_wait_for_its_heartbeat(district):
    """The heartbeat thread waits on the progress event between beats: when the runner ends it is woken
    to stop at once. Left to its next beat it held every job's end for the join's 5 s (a 50,000-row
    import took 12 s through the queue instead of 7)."""
    import threading

    job = _job(district)
    work_once(worker_id="beat-test", schedule=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    alive = [t.name for t in threading.enumerate() if t.name == f"job-{job.pk}-heartbeat"]
    assert alive == []
