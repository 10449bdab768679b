import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.volunteers.enums import HoursStatus
from gongzhi.volunteers.models import ServiceHours, SignUp, Volunteer
from gongzhi.volunteers.services import attendance as att
from gongzhi.volunteers.tests.conftest import move_clock, resident_user

pytestmark = pytest.mark.django_db


def test_resident_signs_up_scans_in_and_out_and_sees_hours(client, district, session):
    user = resident_user(district)
    client.force_login(user)
    page = client.get(reverse("volunteers_h5:activities"))
    assert page.status_code == 200 and "社区义诊" in page.content.decode()
    client.post(reverse("volunteers_h5:signup", args=[session.pk]))
    assert SignUp.objects.get().volunteer.user == user

    scan = reverse("volunteers_h5:scan", args=[session.qr_token])
    move_clock(session.starts_at - timezone.now())
    assert "签到成功" in client.post(scan).content.decode()
    move_clock(session.starts_at - timezone.now() + dt.timedelta(hours=2))
    body = client.post(scan).content.decode()
    assert "签退成功" in body
    hours = ServiceHours.objects.get()
    assert hours.hours == 2 and hours.status == HoursStatus.PENDING

    worker = district.user("community_worker")
    client.force_login(worker)
    assert client.get(reverse("volunteers:session_detail", args=[session.pk])).status_code == 200
    assert client.get(reverse("volunteers:hours")).status_code == 200
    client.post(reverse("volunteers:session_confirm", args=[session.pk]))
    assert ServiceHours.objects.get().status == HoursStatus.CONFIRMED
    poster = client.get(reverse("volunteers:session_poster", args=[session.pk]))
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    volunteer = Volunteer.objects.get(user=user)
    client.post(reverse("volunteers:certificates"), {"volunteer_id": volunteer.pk})
    register = client.get(reverse("volunteers:certificates")).content.decode()
    assert f"ZYFW-{district.communities['A1'].code}-" in register
    cert = volunteer.certificates.get()
    pdf = client.get(reverse("volunteers:certificate_pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    client.force_login(user)
    mine = client.get(reverse("volunteers_h5:mine")).content.decode()
    assert "2" in mine and "未评星" in mine and "再服务 98 小时可达一星" in mine


def test_scan_page_before_sign_up_and_check_out_before_check_in(client, district, session):
    user = resident_user(district)
    client.force_login(user)
    scan = reverse("volunteers_h5:scan", args=[session.qr_token])
    move_clock(session.starts_at - timezone.now())
    response = client.post(scan)
    assert response.status_code == 409 and "您未报名本场活动" in response.content.decode()
    assert client.get(reverse("volunteers_h5:scan", args=["nope"])).status_code == 404


def test_console_pages_render_for_staff_and_hide_other_communities(client, district, session):
    client.force_login(district.user("community_worker"))
    for name in ("volunteers:teams", "volunteers:activities", "volunteers:hours", "volunteers:certificates"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("volunteers:team_detail", args=[session.activity.team_id])).status_code == 200
    assert client.get(reverse("volunteers:activity_detail", args=[session.activity_id])).status_code == 200
    response = client.post(
        reverse("volunteers:activities"),
        {
            "team_id": session.activity.team_id,
            "title": "",
            "venue": "",
            "capacity": "0",
            "recurrence": "weekly",
        },
    )
    assert response.status_code == 400 and "请填写活动名称" in response.content.decode()
    client.force_login(district.user("grid_worker_g2"))
    assert "银山社区红马甲" in client.get(reverse("volunteers:teams")).content.decode()
    other = district.user("subdistrict_staff")
    client.force_login(other)
    assert client.get(reverse("volunteers:session_poster", args=[session.pk])).status_code == 404
    assert att is not None


def test_organiser_enters_a_walk_in_team_member_without_a_phone(client, district, team):
    from gongzhi.volunteers.services.teams import team_member_add, volunteer_register
    from gongzhi.volunteers.tests.conftest import make_activity

    worker = district.user("community_worker")
    session = make_activity(district, team, day=-1, at=9, length_hours=2).sessions.get()
    elder = volunteer_register(
        actor=worker, community_id=district.communities["A1"].pk, person_id=district.persons["g2"][0].pk
    )
    team_member_add(actor=worker, team_id=team.pk, volunteer_id=elder.pk)
    client.force_login(worker)
    page = client.get(reverse("volunteers:session_detail", args=[session.pk])).content.decode()
    assert f'<option value="{elder.pk}">{elder.name}（队员）</option>' in page
    local = timezone.localtime(session.starts_at)
    response = client.post(
        reverse("volunteers:session_record", args=[session.pk]),
        {
            "volunteer_id": elder.pk,
            "check_in_at": local.strftime("%Y-%m-%dT%H:%M"),
            "check_out_at": (local + dt.timedelta(minutes=100)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    hours = ServiceHours.objects.get(volunteer=elder)
    assert hours.hours == 1.5 and hours.attendance.check_in_source == "organizer"
