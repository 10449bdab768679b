import datetime as dt
import json

import pytest
from django.utils import timezone

from gongzhi.volunteers.models import Attendance, ServiceHours, SignUp
from gongzhi.volunteers.tests.conftest import move_clock, resident_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/volunteers"


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_staff_publish_weekly_and_resident_signs_up_scans_and_reads_figures(client, district, team):
    client.force_login(district.user("community_worker"))
    today = timezone.localdate()
    response = post(
        client,
        f"{BASE}/activities",
        {
            "team_id": team.pk,
            "title": "周五法律咨询",
            "venue": "“商量”工作室",
            "capacity": 1,
            "recurrence": "weekly",
            "weekday": 4,
            "start_date": str(today + dt.timedelta(days=1)),
            "end_date": str(today + dt.timedelta(days=28)),
            "start_time": "14:30",
            "end_time": "16:30",
        },
    )
    assert response.status_code == 201, response.content
    sessions = client.get(f"{BASE}/activities/{response.json()['id']}/sessions").json()
    assert len(sessions) == 4 and all(s["qr_token"] for s in sessions)
    first = sessions[0]

    user = resident_user(district)
    other = resident_user(district, "g1", 1)
    client.force_login(user)
    open_sessions = client.get(f"{BASE}/sessions/open").json()
    assert "qr_token" not in open_sessions[0]  # a resident never reads the code; it is at the venue
    assert post(client, f"{BASE}/sessions/{first['id']}/signups").json()["status"] == "signed_up"
    client.force_login(other)
    assert post(client, f"{BASE}/sessions/{first['id']}/signups").json()["status"] == "waiting"
    waiting = post(client, f"{BASE}/scan/{first['qr_token']}")
    assert waiting.status_code == 409 and "候补" in waiting.json()["message"]

    client.force_login(user)
    starts = dt.datetime.fromisoformat(first["starts_at"])
    move_clock(starts - timezone.now())
    assert post(client, f"{BASE}/scan/{first['qr_token']}").json()["action"] == "checked_in"
    move_clock(starts - timezone.now() + dt.timedelta(minutes=80))
    out = post(client, f"{BASE}/scan/{first['qr_token']}").json()
    assert out["action"] == "checked_out" and out["hours"] == "1.5"
    assert client.get(f"{BASE}/me").json()["volunteer"]["total_hours"] == "0"

    client.force_login(district.user("community_worker"))
    hours_id = client.get(f"{BASE}/hours?status=pending").json()[0]["id"]
    assert post(client, f"{BASE}/hours/{hours_id}/confirm").status_code == 200
    counts = client.get(f"{BASE}/counts").json()
    assert counts == {"volunteer_teams": 1, "activities_held": 1, "service_hours": 1.5}
    cert = post(client, f"{BASE}/certificates", {"volunteer_id": ServiceHours.objects.get().volunteer_id})
    assert cert.status_code == 201 and cert.json()["hours"] == "1.5"
    pdf = client.get(cert.json()["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    client.force_login(user)
    me = client.get(f"{BASE}/me").json()
    assert (
        me["volunteer"]["total_hours"] == "1.5"
        and me["next_star"] == "一星"
        and me["hours_to_next_star"] == "98.5"
    )


def test_bad_input_gets_the_one_error_shape_and_nothing_is_written(client, district, session):
    user = resident_user(district)
    client.force_login(user)
    post(client, f"{BASE}/sessions/{session.pk}/signups")
    move_clock(session.starts_at - timezone.now())
    client.force_login(district.user("community_worker"))
    volunteer_id = SignUp.objects.get().volunteer_id
    at = session.starts_at + dt.timedelta(minutes=20)
    response = post(
        client,
        f"{BASE}/sessions/{session.pk}/attendances",
        {
            "volunteer_id": volunteer_id,
            "check_in_at": at.isoformat(),
            "check_out_at": (at - dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "check_out_before_check_in",
        "message": "签退时间应晚于签到时间",
        "fields": {"check_out_at": "签退时间应晚于签到时间"},
    }
    assert not Attendance.objects.exists()
    assert (
        post(
            client, f"{BASE}/teams", {"community_id": district.communities["B1"].pk, "name": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"{BASE}/teams/999999").status_code == 404
