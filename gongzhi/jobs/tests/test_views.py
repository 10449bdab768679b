"""The job pages and API: only the starter sees a job, its progress polls by htmx, cancel, the result
file (audited, kept for a set time), and a large upload on the import page becomes a job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.jobs.enums import FileRole, JobStatus
from gongzhi.jobs.models import Job, JobFile
from gongzhi.jobs.services import job_file_put, job_results_purge
from gongzhi.people import imports
from gongzhi.people.tests.helpers import csv_bytes, login, person_row, upload

pytestmark = pytest.mark.django_db


def _job(d, key="grid_worker", n=3):
    rows = [person_row(d.grids["g1"].code, "101", f"页面{i}", 700 + i) for i in range(n)]
    return imports.population_import_enqueue(actor=d.user(key), file_name="人口.csv", content=csv_bytes(rows))


def test_the_starter_reads_the_job_and_nobody_else_does(district, client):
    job = _job(district)
    login(client, "grid_worker")
    r = client.get(f"/api/v1/jobs/{job.pk}")
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["rows_done"], body["finished"]) == ("queued", 0, False)
    assert [j["id"] for j in client.get("/api/v1/jobs/").json()] == [job.pk]
    page = client.get(f"/console/jobs/{job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'hx-get="/console/jobs/{job.pk}/progress/"' in html and 'hx-trigger="every 1s"' in html
    assert "<script>" not in html.replace('<script src="', "")
    client.logout()
    # the grid head of the same grid, the district admin: not their job
    for other in ("grid_head", "district_admin"):
        login(client, other)
        assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
        assert client.get(f"/console/jobs/{job.pk}/progress/").status_code == 404
        assert client.post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 404
        client.logout()


def test_a_starter_who_lost_the_scope_no_longer_reads_the_job(district, client):
    from gongzhi.accounts.models import RoleAssignment

    job = _job(district)
    RoleAssignment.objects.filter(user=district.user("grid_worker")).delete()
    login(client, "grid_worker")
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_cancel_by_the_starter_then_a_second_cancel_is_a_409(district, client):
    job = _job(district)
    login(client, "grid_worker")
    r = client.post(f"/api/v1/jobs/{job.pk}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/jobs/{job.pk}/cancel")
    assert again.status_code == 409 and "不能取消" in again.json()["message"]
    assert AuditEvent.objects.filter(event_type="jobs.job_cancelled", target_id=str(job.pk)).count() == 1
    finished = client.get(f"/console/jobs/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in finished  # polling stops once the job is over


def test_the_result_file_is_the_starters_audited_and_gone_after_its_time(district, client):
    job = _job(district)
    job_file_put(job_id=job.pk, role=FileRole.RESULT, name="导出.xlsx", content=b"PK-data", content_type="x")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, result_expires_at=timezone.now() + dt.timedelta(days=7)
    )
    login(client, "grid_worker")
    r = client.get(f"/api/v1/jobs/{job.pk}/result")
    assert r.status_code == 200 and r.content == b"PK-data"
    assert "attachment" in r["Content-Disposition"]
    assert AuditEvent.objects.filter(event_type="jobs.result_downloaded", target_id=str(job.pk)).count() == 1
    client.logout()
    login(client, "grid_worker_g2")
    assert client.get(f"/console/jobs/{job.pk}/result/").status_code == 404
    client.logout()
    Job.objects.filter(pk=job.pk).update(result_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert job_results_purge() >= 1
    assert not JobFile.objects.filter(job=job, role=FileRole.RESULT).exists()
    login(client, "grid_worker")
    gone = client.get(f"/api/v1/jobs/{job.pk}/result")
    assert gone.status_code == 410 and "过期" in gone.json()["message"]


@override_settings(JOBS_IMPORT_SYNC_BYTES=10)
def test_a_large_upload_on_the_import_page_becomes_a_job_with_its_progress(district, client):
    login(client, "grid_worker")
    content = csv_bytes([person_row(district.grids["g1"].code, "101", "大文件", 801)])
    r = client.post(
        "/console/people/import/",
        {"file": upload(content, "大.csv"), "action": "apply"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    job = Job.objects.get(actor=district.user("grid_worker"))
    assert 'data-testid="job-progress"' in r.content.decode()
    assert job.kind == "people.import" and JobFile.objects.filter(job=job, role=FileRole.INPUT).exists()
    api = client.post("/api/v1/persons/import-jobs", {"file": upload(content, "大.csv")})
    assert api.status_code == 202 and api.json()["status"] == "queued"


def test_the_login_page_shows_the_demo_being_built(district, client):
    from gongzhi.jobs.services import job_start

    job_start(actor=None, kind="demo.build", label="演示区后台生成", params={}, rows_total=35)
    html = client.get("/console/login/").content.decode()
    assert 'id="gz-demo-building"' in html and "演示区后台生成" in html
    assert client.get("/console/jobs/system/").status_code == 200
    Job.objects.update(status=JobStatus.CANCELLED)
    assert "gz-demo-building" not in client.get("/console/login/").content.decode()


def test_a_role_without_the_kinds_roles_cannot_start_it(district):
    from gongzhi.core.errors import Forbidden
    from gongzhi.jobs.services import job_start

    with pytest.raises(Forbidden):
        job_start(actor=district.user("department_handler"), kind="tickets.rollup_rebuild", label="x")
