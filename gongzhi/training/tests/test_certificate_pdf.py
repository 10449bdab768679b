"""The certificate of completion: a PDF whose text poppler reads back (name, course, hours, number); the
download is audited once, through the API and the console, and read only in scope or by its holder."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.training.services.attendance import training_attendance_record
from gongzhi.training.services.certificates import training_certificate_issue
from gongzhi.training.tests.factories import make_course, make_plan, make_session, make_trainee

pytestmark = pytest.mark.django_db


def _issued(d):
    course = make_course(d, make_plan(d), title="矛盾纠纷调解实务")
    s = make_session(d, course, hours=3)
    t = make_trainee(d)
    staff = d.user("community_worker")
    training_attendance_record(actor=staff, session_id=s.pk, trainee_id=t.pk)
    return training_certificate_issue(actor=staff, course_id=course.pk, trainee_id=t.pk)


@pytest.mark.pdf
def test_the_certificate_reads_back_in_chinese(district, tmp_path, client):
    d = district
    cert = _issued(d)
    client.force_login(d.user("community_worker"))
    r = client.get(f"/api/v1/training/certificates/{cert.pk}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    path = tmp_path / "c.pdf"
    path.write_bytes(r.content)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    text = subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
        [pdftotext, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    for expected in ("结业证书", cert.number, cert.trainee.name, "矛盾纠纷调解实务", "3.00学时", "银山社区"):
        assert expected in text.replace(" ", ""), (expected, text)


def test_downloads_are_audited_and_scoped(district, client):
    d = district
    cert = _issued(d)
    client.force_login(d.user("community_worker"))
    assert client.get(f"/api/v1/training/certificates/{cert.pk}.pdf").status_code == 200
    assert client.get(f"/console/training/certificates/{cert.pk}.pdf").status_code == 200
    assert AuditEvent.objects.filter(event_type="training.certificate_downloaded").count() == 2
    client.force_login(d.user("grid_worker"))  # the holder, on the H5 site
    assert client.get(f"/h5/training/certificates/{cert.pk}.pdf").status_code == 200
    client.force_login(d.user("resident"))
    assert client.get(f"/api/v1/training/certificates/{cert.pk}.pdf").status_code == 404
    assert AuditEvent.objects.filter(event_type="training.certificate_downloaded").count() == 3
