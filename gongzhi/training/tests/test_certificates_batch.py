"""All certificates of a course as one PDF, made by the task worker: a page each, progress on the job,
the file only for its starter; only the course's managers start it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gongzhi.jobs.enums import JobStatus
from gongzhi.jobs.models import Job
from gongzhi.jobs.worker import work_once
from gongzhi.training.enums import TraineeKind
from gongzhi.training.services.attendance import training_attendance_record
from gongzhi.training.services.certificates import training_certificates_bulk_issue
from gongzhi.training.tests.factories import make_course, make_plan, make_session, make_trainee

# transactional: the worker's heartbeat thread has a connection of its own, as in production
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.pdf
def test_the_course_certificates_become_one_pdf_for_its_starter(district, client, tmp_path):
    d = district
    staff = d.user("community_worker")
    course = make_course(d, make_plan(d), title="网格员入户走访")
    session = make_session(d, course, hours=2)
    trainees = [make_trainee(d), make_trainee(d, who="", kind=TraineeKind.VOLUNTEER)]
    trainees.append(make_trainee(d, who="grid_head"))
    for t in trainees:
        training_attendance_record(actor=staff, session_id=session.pk, trainee_id=t.pk)
    certs = training_certificates_bulk_issue(
        actor=staff, course_id=course.pk, trainee_ids=[t.pk for t in trainees]
    )

    client.force_login(d.user("resident"))
    assert client.post(f"/api/v1/training/courses/{course.pk}/certificates-pdf-job").status_code == 404
    client.force_login(staff)
    r = client.post(f"/api/v1/training/courses/{course.pk}/certificates-pdf-job")
    assert r.status_code == 202, r.content
    job = Job.objects.get(pk=r.json()["id"])
    assert job.status == JobStatus.QUEUED and job.rows_total == 3 and job.task_id

    work_once(worker_id="pdf-test", schedule=False)

    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "succeeded", body["message"]
    assert (body["rows_done"], body["rows_total"], body["percent"]) == (3, 3, 100)
    got = client.get(body["result_file"])
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    path = tmp_path / "all.pdf"
    path.write_bytes(got.content)
    info = subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
        [shutil.which("pdfinfo") or "pdfinfo", str(path)], check=True, capture_output=True, text=True
    )
    assert re.search(r"^Pages:\s+3$", info.stdout, re.M), info.stdout
    text = subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.replace(" ", "")
    for c in certs:
        assert c.number in text and c.trainee.name in text
    client.force_login(d.user("community_secretary"))  # in scope, not the starter
    assert client.get(body["result_file"]).status_code == 404
