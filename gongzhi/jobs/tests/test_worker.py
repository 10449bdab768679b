"""The population import through the real queue: the database backend's worker (django-tasks-db) runs it
in-process for one pass, as ``manage.py jobs_worker --once`` would."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from gongzhi.audit.models import AuditEvent
from gongzhi.jobs.enums import JobStatus
from gongzhi.jobs.models import Job
from gongzhi.jobs.services import job_recover_stale
from gongzhi.jobs.worker import work_once
from gongzhi.people import imports
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.tests.helpers import csv_bytes, person_row
from gongzhi.testing import build_small_district

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(grid_code: str, n: int, start: int = 500) -> list[list[object]]:
    return [person_row(grid_code, f"{i // 3 + 1}0{i % 3}", f"测试{i}号", start + i) for i in range(n)]


def test_an_import_enqueued_runs_in_one_pass_of_the_db_worker():
    d = build_small_district()
    actor = d.user("grid_worker")
    before = Person.objects.count()
    content = csv_bytes(_rows(d.grids["g1"].code, 30))
    job = imports.population_import_enqueue(actor=actor, file_name="人口.csv", content=content)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id  # enqueued on commit
    assert DBTaskResult.objects.filter(id=job.task_id).exists()

    out = work_once(worker_id="test-worker")

    assert out["ran"] >= 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.rows_done, job.rows_total, job.error_count) == (30, 30, 0)
    assert job.result["created"] == 30 and job.attempts == 1
    assert Person.objects.count() == before + 30
    record = PopulationImport.objects.get(job=job)
    assert record.created == 30
    assert AuditEvent.objects.filter(event_type="jobs.job_started", target_id=str(job.pk)).count() == 1


def test_a_job_run_again_after_its_worker_died_writes_nothing_twice(settings):
    d = build_small_district()
    actor = d.user("grid_worker")
    content = csv_bytes(_rows(d.grids["g1"].code, 12))
    job = imports.population_import_enqueue(actor=actor, file_name="人口.csv", content=content)
    work_once(worker_id="w1")
    after_first = Person.objects.count()
    # The worker committed the import and died before recording the end: the job looks running, silent.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, task_id="", heartbeat_at="2000-01-01T00:00Z"
    )
    settings.JOBS_STALE_SECONDS = 1
    assert job_recover_stale()["requeued"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id
    work_once(worker_id="w2")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert Person.objects.count() == after_first
    assert PopulationImport.objects.filter(job=job).count() == 1


def test_a_file_with_errors_fails_nothing_and_reports_the_errors():
    d = build_small_district()
    rows = _rows(d.grids["g1"].code, 5)
    rows[2][6] = "370125199203150000"  # a bad check digit
    before = Person.objects.count()
    job = imports.population_import_enqueue(
        actor=d.user("grid_worker"), file_name="人口.csv", content=csv_bytes(rows)
    )
    call_command("jobs_worker", "--once", "--no-schedule")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED  # the job ran; the import refused the file
    assert job.result["import_status"] == "rejected"
    assert job.error_count == 1 and job.errors[0]["row"] == 4
    assert "未写入" in job.message
    assert Person.objects.count() == before


def test_a_queued_job_cancelled_by_its_starter_never_runs():
    from gongzhi.jobs.services import job_cancel

    d = build_small_district()
    before = Person.objects.count()
    job = imports.population_import_enqueue(
        actor=d.user("grid_worker"), file_name="人口.csv", content=csv_bytes(_rows(d.grids["g1"].code, 3))
    )
    job_cancel(actor=d.user("grid_worker"), job_id=job.pk)
    work_once()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert Person.objects.count() == before


def test_a_large_export_is_a_job_whose_file_only_its_starter_downloads(settings, client):
    from gongzhi.audit.models import AuditEvent
    from gongzhi.people.tests.helpers import login, read_xlsx

    settings.JOBS_EXPORT_SYNC_ROWS = 2
    d = build_small_district()
    login(client, "community_worker")
    r = client.get("/console/people/export.xlsx")
    assert r.status_code == 302 and "/console/jobs/" in r["Location"]
    job = Job.objects.get(kind="people.export")
    work_once()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result_expires_at is not None
    got = client.get(f"/console/jobs/{job.pk}/result/")
    assert got.status_code == 200
    rows = read_xlsx(got.content)
    assert len(rows) - 1 == job.result["rows"] == job.rows_total > 2
    assert AuditEvent.objects.filter(event_type="jobs.result_downloaded", target_id=str(job.pk)).exists()
    client.logout()
    login(client, "grid_worker")
    assert client.get(f"/console/jobs/{job.pk}/result/").status_code == 404
    assert d is not None
