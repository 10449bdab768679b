import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden
from gongzhi.volunteers.certificates import render_certificate, render_session_poster
from gongzhi.volunteers.models import Certificate, ServiceHours, Volunteer
from gongzhi.volunteers.services import attendance as att
from gongzhi.volunteers.services import hours as hrs
from gongzhi.volunteers.services.certificates import certificate_issue
from gongzhi.volunteers.services.teams import volunteer_profile_update
from gongzhi.volunteers.tests.conftest import make_activity, resident_user

pytestmark = pytest.mark.django_db


def _served(district, team):
    session = make_activity(district, team, day=-1, at=9, length_hours=2).sessions.get()
    user = resident_user(district)
    volunteer = volunteer_profile_update(actor=user, skills=["general"])
    worker = district.user("community_worker")
    att.attendance_record(
        actor=worker,
        session_id=session.pk,
        volunteer_id=volunteer.pk,
        check_in_at=session.starts_at,
        check_out_at=session.ends_at,
    )
    hrs.hours_confirm(actor=worker, hours_id=ServiceHours.objects.get().pk)
    return session, user, Volunteer.objects.get(pk=volunteer.pk)


def test_certificates_are_numbered_per_community_and_year(district, team):
    session, user, volunteer = _served(district, team)
    worker = district.user("community_worker")
    with pytest.raises(Forbidden):
        certificate_issue(actor=user, volunteer_id=volunteer.pk)
    first = certificate_issue(actor=worker, volunteer_id=volunteer.pk)
    second = certificate_issue(actor=worker, volunteer_id=volunteer.pk)
    year = first.period_end.year
    code = district.communities["A1"].code
    assert (first.number, second.number) == (f"ZYFW-{code}-{year}-00001", f"ZYFW-{code}-{year}-00002")
    assert first.hours == Decimal("2.0") and first.activity_count == 1
    assert AuditEvent.objects.filter(event_type="volunteers.certificate_issued").count() == 2
    with pytest.raises(Conflict, match="没有已确认的服务时长"):
        certificate_issue(
            actor=worker,
            volunteer_id=volunteer.pk,
            period_end=session.starts_at.date() - dt.timedelta(days=3),
        )
    assert Certificate.objects.count() == 2


@pytest.mark.pdf
def test_certificate_and_poster_render_in_poppler(district, team, tmp_path):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    session, _user, volunteer = _served(district, team)
    cert = certificate_issue(actor=district.user("community_worker"), volunteer_id=volunteer.pk)
    for name, pdf, expected in (
        (
            "cert.pdf",
            render_certificate(cert, "http://x/c"),
            ["志愿服务证明", cert.number, volunteer.name, "2小时"],
        ),
        ("poster.pdf", render_session_poster(session, "http://x/s"), ["社区义诊", "扫码签到"]),
    ):
        path = tmp_path / name
        path.write_bytes(pdf)
        text = subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
            [pdftotext, str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
        compact = "".join(text.split())
        for word in expected:
            assert word in compact, (word, compact)
