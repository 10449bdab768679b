"""The 12345 hotline import as a background job, through the real queue (the database backend's worker
in-process): enqueued on commit, progress and errors on the job, the error report as the starter's
result file, a run resumed after a crash reaching the same result, cancel between rows."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gongzhi.jobs.enums import JobStatus
from gongzhi.jobs.models import Job
from gongzhi.jobs.worker import work_once
from gongzhi.people.tests.helpers import login
from gongzhi.tickets import hotline
from gongzhi.tickets.hotline_jobs import JOB_KIND, hotline_import_enqueue
from gongzhi.tickets.models import HotlineImport, Ticket
from gongzhi.tickets.tests.test_hotline import _rows, xlsx

# transactional: the worker's heartbeat thread has a connection of its own, as in production
pytestmark = pytest.mark.django_db(transaction=True)

NUMBERS = ("GD001", "GD002", "GD007")  # the good rows of _rows(); the other four have errors


def _hotline_tickets() -> dict[str, int]:
    out: dict[str, int] = {}
    for n in Ticket.objects.filter(external_id__in=[f"GD00{i}" for i in range(1, 8)]).values_list(
        "external_id", flat=True
    ):
        out[n] = out.get(n, 0) + 1
    return out


def test_the_api_enqueues_on_commit_and_the_worker_imports_once(district, client):
    login(client, "district_admin")
    r = client.post("/api/v1/tickets/hotline-import-jobs", {"file": _upload()})
    assert r.status_code == 202, r.content
    job = Job.objects.get(pk=r.json()["id"])
    assert job.kind == JOB_KIND and job.status == JobStatus.QUEUED and job.task_id  # queued after commit
    assert not HotlineImport.objects.filter(job=job).exists()

    work_once(worker_id="hotline-test", schedule=False)

    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "succeeded", body["message"]
    assert (body["rows_done"], body["rows_total"], body["error_count"]) == (7, 7, 4)
    assert {e["row"] for e in body["errors"]} == {4, 5, 6, 7}
    assert body["result"]["created"] == 3 and body["result_file"]
    assert _hotline_tickets() == dict.fromkeys(NUMBERS, 1)
    record = HotlineImport.objects.get(job=job)
    assert (record.created, record.skipped, record.error_count, record.finished) == (3, 0, 4, True)
    # the error report is the starter's result file, the phone masked; nobody else downloads it
    got = client.get(f"/console/jobs/{job.pk}/result/")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    client.logout()
    login(client, "subdistrict_staff")  # in scope, not the starter
    assert client.get(f"/console/jobs/{job.pk}/result/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/result").status_code == 404

    # the same job run again (a second delivery after a crash) writes nothing more
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    from gongzhi.jobs.tasks import run_job

    run_job.call(job.pk)
    assert _hotline_tickets() == dict.fromkeys(NUMBERS, 1)
    assert HotlineImport.objects.filter(job=job).count() == 1


class Killed(Exception):
    """The worker process dying in the middle of the file."""


def test_a_run_killed_half_way_resumes_to_the_result_of_one_run(district):
    actor = district.user("district_admin")
    job = hotline_import_enqueue(actor=actor, file_name="12345.xlsx", content=xlsx(_rows()))
    seen: list[int] = []

    def dies_at_row_5(done, total=None, **_):
        seen.append(done)
        if done == 4:
            raise Killed

    with pytest.raises(Killed):
        hotline.hotline_import(
            actor=actor, file_name="12345.xlsx", content=xlsx(_rows()), progress=dies_at_row_5, job_id=job.pk
        )
    assert _hotline_tickets() == {"GD001": 1, "GD002": 1}  # two rows in, each whole
    assert not HotlineImport.objects.get(job=job).finished

    work_once(worker_id="hotline-test", schedule=False)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    record = HotlineImport.objects.get(job=job)
    # the rows made by the killed run count as made by this import, not as skipped: one run's result
    assert (record.created, record.skipped, record.error_count, record.unplaced) == (3, 0, 4, 1)
    assert _hotline_tickets() == dict.fromkeys(NUMBERS, 1)
    assert HotlineImport.objects.count() == 1


@override_settings(JOBS_PROGRESS_INTERVAL=0)
def test_cancel_stops_between_rows_and_says_what_was_written(district, monkeypatch):
    from gongzhi.jobs.services import job_cancel

    actor = district.user("district_admin")
    job = hotline_import_enqueue(actor=actor, file_name="12345.xlsx", content=xlsx(_rows()))
    real = hotline._import_row

    def then_cancel(*args, **kwargs):
        ticket = real(*args, **kwargs)
        job_cancel(actor=actor, job_id=job.pk)  # the starter presses 取消 while the first row is written
        return ticket

    monkeypatch.setattr(hotline, "_import_row", then_cancel)
    work_once(worker_id="hotline-test", schedule=False)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert "已建单 1 条" in job.message
    assert _hotline_tickets() == {"GD001": 1}
    record = HotlineImport.objects.get(job=job)
    assert record.finished and record.created == 1


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("12345.xlsx", xlsx(_rows()))
