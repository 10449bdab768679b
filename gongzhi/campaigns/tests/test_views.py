"""The pages and the API: the phone's finding form (a photo, the point, bad input in Chinese with nothing
written), the photo served in scope only, the console register, detail and forms, the rounds on the
phone, and the API's tallies."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.campaigns.models import Campaign, Finding, FindingPhoto, InspectionCheck
from gongzhi.campaigns.tests.factories import POINT, make_campaign

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile("scene.png", buf.getvalue(), content_type="image/png")


def test_recording_a_finding_on_the_phone_with_a_photo(district, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = district
    campaign = make_campaign(d)
    client.force_login(d.user("grid_worker"))
    page = client.get(f"/h5/campaigns/{campaign.pk}/record/")
    assert page.status_code == 200 and "占道/出店经营" in page.content.decode()
    lng, lat = POINT["g1"]
    r = client.post(
        f"/h5/campaigns/{campaign.pk}/record/",
        {
            "type_code": "bike_parking",
            "quantity": "7",
            "outcome": "fixed",
            "lng": lng,
            "lat": lat,
            "photos": _png(),
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    f = Finding.objects.get()
    assert (f.type.code, f.quantity, f.grid_code) == ("bike_parking", 7, d.grids["g1"].code)
    photo = FindingPhoto.objects.get(finding=f)
    assert photo.content_type == "image/png"
    client.force_login(d.user("community_worker"))
    assert client.get(f"/console/campaigns/photos/{photo.pk}/").status_code == 200
    client.force_login(d.user("grid_worker_g2"))  # another grid: not theirs
    assert client.get(f"/console/campaigns/photos/{photo.pk}/").status_code == 404


def test_bad_input_on_the_phone_is_answered_in_chinese_and_nothing_is_written(district, client):
    d = district
    campaign = make_campaign(d)
    client.force_login(d.user("grid_worker"))
    r = client.post(
        f"/h5/campaigns/{campaign.pk}/record/", {"type_code": "", "quantity": "x", "outcome": "fixed"}
    )
    body = r.content.decode()
    assert r.status_code == 400 and "请选择问题类型" in body and "请定位或选择问题所在网格" in body
    r = client.post(
        f"/h5/campaigns/{campaign.pk}/record/",
        {"type_code": "small_ads", "outcome": "fixed", "lng": "abc", "lat": "1"},
    )
    assert r.status_code == 400 and "位置坐标无效" in r.content.decode()
    r = client.post(
        f"/api/v1/campaigns/{campaign.pk}/findings",
        {"type_code": "small_ads", "outcome": "ticket", "grid_code": d.grids["g1"].code},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["message"] == "转为工单时请填写情况说明"
    assert not Finding.objects.exists()


def test_console_register_detail_and_forms(district, client):
    d = district
    client.force_login(d.user("community_worker"))
    r = client.post(
        "/console/campaigns/",
        {
            "place_code": d.communities["A1"].code,
            "kind": "inspection",
            "round_kind": "gas_pipe",
            "title": "燃气管道安全月巡查",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + dt.timedelta(days=29)).isoformat(),
            "every_days": "7",
            "department_ids": [str(d.department.pk)],
            "streets": "银山路、济北路",
        },
    )
    assert r.status_code == 302
    campaign = Campaign.objects.get(title="燃气管道安全月巡查")
    assert list(campaign.departments.values_list("name", flat=True)) == ["城管局"]
    r = client.post("/console/campaigns/", {"place_code": d.communities["A1"].code, "kind": "joint"})
    assert r.status_code == 400 and "请填写名称" in r.content.decode()
    assert Campaign.objects.count() == 1
    page = client.get(f"/console/campaigns/{campaign.pk}/").content.decode()
    assert "分类统计" in page and "燃气管道安全月巡查" in page and "还没有安排巡查人" in page
    r = client.post(
        f"/console/campaigns/{campaign.pk}/duties/",
        {
            "inspector_id": str(d.user("grid_worker").pk),
            "responsibility": "燃气管道",
            "section": "1号楼",
            "starts_at": "09:00",
            "ends_at": "08:00",
        },
    )
    assert r.status_code == 400 and "时段结束应晚于开始" in r.content.decode()
    r = client.post(
        f"/console/campaigns/{campaign.pk}/duties/",
        {
            "inspector_id": str(d.user("grid_worker").pk),
            "responsibility": "燃气管道",
            "section": "1号楼",
            "starts_at": "00:00",
            "ends_at": "23:59",
        },
    )
    assert r.status_code == 302
    assert client.get("/console/campaigns/").status_code == 200
    assert client.get("/console/campaigns/missed/").status_code == 200
    assert "占道/出店经营" in client.get("/console/campaigns/types/").content.decode()
    r = client.post("/console/campaigns/types/", {"code": "dog_fouling", "name": "不文明养犬"})
    assert r.status_code == 404  # only a district admin keeps the types
    client.force_login(d.user("district_admin"))
    assert (
        client.post("/console/campaigns/types/", {"code": "dog_fouling", "name": "不文明养犬"}).status_code
        == 302
    )
    # the inspector walks the round on the phone
    client.force_login(d.user("grid_worker"))
    assert "燃气管道安全月巡查" in client.get("/h5/campaigns/").content.decode()
    duty = campaign.duties.get()
    r = client.post(f"/h5/campaigns/duties/{duty.pk}/check/", {"note": "无异常"})
    assert r.status_code == 302
    assert InspectionCheck.objects.filter(duty=duty).count() == 1
    r = client.post(f"/h5/campaigns/duties/{duty.pk}/check/", {"note": "再次"})
    assert r.status_code == 409 and "巡查已记录" in r.content.decode()


def test_api_detail_has_the_tallies(district, client):
    d = district
    campaign = make_campaign(d)
    client.force_login(d.user("grid_worker"))
    lng, lat = POINT["g1"]
    r = client.post(
        f"/api/v1/campaigns/{campaign.pk}/findings",
        {"type_code": "public_drying", "outcome": "fixed", "lng": lng, "lat": lat, "quantity": 3},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["type_code"] == "public_drying"
    body = client.get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert body["total"] == {"findings": 1, "quantity": 3, "fixed": 1, "tickets": 0}
    assert {t["code"]: t["quantity"] for t in body["tallies"]}["public_drying"] == 3
    client.force_login(d.user("resident"))
    assert client.get(f"/api/v1/campaigns/{campaign.pk}").status_code == 404
