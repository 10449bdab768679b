"""The grid academy's pages: a plan, a course, a session with its check-in link; the trainee scans on the
phone; the figures and the overview's ``training`` key."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.training.models import Course, TrainingAttendance, TrainingPlan, TrainingSession
from gongzhi.training.tests.factories import make_trainee
from gongzhi.volunteers import clock

pytestmark = pytest.mark.django_db


def test_plan_course_session_and_a_scan_on_the_phone(district, client):
    d = district
    client.force_login(d.user("community_worker"))
    assert "还没有培训计划" in client.get("/console/training/").content.decode()
    year = timezone.localdate().year
    r = client.post(
        "/console/training/", {"place_code": d.communities["A1"].code, "year": str(year), "title": ""}
    )
    assert (
        r.status_code == 400 and "请填写计划名称" in r.content.decode() and not TrainingPlan.objects.exists()
    )
    client.post(
        "/console/training/",
        {"place_code": d.communities["A1"].code, "year": str(year), "title": "网格员培训计划"},
    )
    plan = TrainingPlan.objects.get()
    client.post(
        f"/console/training/plans/{plan.pk}/",
        {"title": "走访实务", "trainer_name": "王老师", "trainer_kind": "social_worker", "format": "lecture"},
    )
    course = Course.objects.get()
    start = timezone.localtime() + dt.timedelta(days=1)
    client.post(
        f"/console/training/courses/{course.pk}/sessions/",
        {
            "step": "1",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place_text": "二楼会议室",
        },
    )
    session = TrainingSession.objects.get()
    page = client.get(f"/console/training/sessions/{session.pk}/").content.decode()
    assert f"/h5/training/scan/{session.qr_token}/" in page
    make_trainee(d)
    client.force_login(d.user("grid_worker"))
    clock.OFFSET = session.starts_at - timezone.now()
    try:
        assert "确认签到" in client.get(f"/h5/training/scan/{session.qr_token}/").content.decode()
        r = client.post(f"/h5/training/scan/{session.qr_token}/")
        assert r.status_code == 200 and "签到成功" in r.content.decode()
        r = client.post(f"/h5/training/scan/{session.qr_token}/")
        assert r.status_code == 409 and "已签到" in r.content.decode()
    finally:
        clock.OFFSET = dt.timedelta(0)
    assert TrainingAttendance.objects.count() == 1
    assert "走访实务" in client.get("/h5/training/").content.decode()
    client.force_login(d.user("community_worker"))
    assert client.get("/console/training/figures/").status_code == 200
    assert client.get("/console/training/trainees/").status_code == 200


def test_the_overview_has_the_training_key(district, client):
    out = client.get("/api/v1/overview").json()["training"]
    assert out == {"sessions_this_year": 0, "trainees": 0, "licensed_social_workers": 0}
    make_trainee(district)
    assert client.get("/api/v1/overview").json()["training"]["trainees"] == 1
