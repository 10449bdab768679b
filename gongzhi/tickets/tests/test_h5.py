"""The resident's ticket pages (随手拍 / 我的反映): report, follow, rate — and nothing of anyone else's."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from gongzhi.audit.models import AuditEvent
from gongzhi.console.tests.helpers import assert_no_inline_script
from gongzhi.people.services import resident_account_for_phone
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level, PhotoStage, TicketStatus
from gongzhi.tickets.models import Category, Ticket, TicketEvent, TicketPhoto
from gongzhi.tickets.tests.helpers import G1_POINT, report

S = TicketStatus
NEW = "/h5/tickets/new/"
MINE = "/h5/tickets/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(*, gps: bool = False, color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    if gps:
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        ifd[ExifTags.GPS.GPSLatitude] = (36.0, 59.0, 6.0)
        ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        ifd[ExifTags.GPS.GPSLongitude] = (117.0, 6.0, 18.0)
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def upload(name: str = "photo.jpg", data: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type=content_type)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def other_resident(district):
    """A resident of another grid, with their own account (as the one-time-code sign-in opens it)."""
    return resident_account_for_phone(phone_hash=district.persons["g4"][0].phone_hash)


def counts() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        TicketPhoto.objects.count(),
        AuditEvent.objects.count(),
    )


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def to_verified(district, ticket: Ticket, *, result_photo: bool = False) -> Ticket:
    """The staff part of the loop, through the services: accept, escalate, dispatch, respond, handle, verify."""
    gw, cw, dh = (
        district.user("grid_worker"),
        district.user("community_worker"),
        district.user("department_handler"),
    )
    svc.ticket_accept(actor=gw, ticket_id=ticket.pk, category_code="101018", note="内部备注：此人多次反映")
    svc.ticket_escalate(actor=gw, ticket_id=ticket.pk, reason="需城管部门维修")
    svc.ticket_dispatch(
        actor=cw,
        ticket_id=ticket.pk,
        level=Level.DEPARTMENT,
        department_id=district.department.pk,
        note="派给城管",
    )
    svc.ticket_respond(actor=dh, ticket_id=ticket.pk, note="部门内部：交给维修班")
    photos = [upload("result.jpg", jpeg(color="green"))] if result_photo else None
    svc.ticket_handle(actor=dh, ticket_id=ticket.pk, result="已更换灯泡，路灯恢复照明", photos=photos)
    return svc.ticket_verify(actor=gw, ticket_id=ticket.pk, passed=True, note="核查人员内部意见")


# --- pages and tiles ------------------------------------------------------------------------------------


def test_pages_need_sign_in(db):
    client = Client()
    for url in (NEW, MINE, "/h5/tickets/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/h5/login/?next=")


def test_home_has_the_tiles(district):
    html = signed_in(district.user("resident")).get("/h5/").content.decode()
    assert "随手拍" in html and 'href="/h5/tickets/new/"' in html
    assert "我的反映" in html and 'href="/h5/tickets/"' in html


def test_report_page_offers_public_categories_only(district):
    hidden = Category.objects.filter(parent__isnull=False).order_by("code").first()
    assert hidden is not None
    hidden.public = False
    hidden.save(update_fields=["public"])
    response = signed_in(district.user("resident")).get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert_no_inline_script(html)
    assert "问题描述" in html and "对外匿名" in html and "获取当前位置" in html
    assert 'type="file" accept="image/*" multiple class="photo-input"' in html
    assert 'name="coord_system" id="id_coord_system" value="wgs84"' in html
    assert "/static/tickets/h5-report.js" in html
    assert 'value="101018"' in html  # 路灯
    assert f'value="{hidden.code}"' not in html


def test_report_with_location_and_photos(district, _media):
    resident = district.user("resident")
    client = signed_in(resident)
    response = client.post(
        NEW,
        {
            "description": "小区门口路灯不亮了，晚上很黑",
            "category": "101018",
            "lng": f"{G1_POINT[0]:.7f}",
            "lat": f"{G1_POINT[1]:.7f}",
            "coord_system": "wgs84",
            "address": "银山社区小区1号楼门口",
            "anonymous": "on",
            "photos": [upload("a.jpg"), upload("b.jpg", jpeg(color="blue"))],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/h5/tickets/{ticket.pk}/"
    assert ticket.channel == Channel.RESIDENT and ticket.reporter_id == resident.pk
    assert ticket.anonymous is True and ticket.category is not None and ticket.category.code == "101018"
    assert ticket.grid_code == district.grids["g1"].code and ticket.coord_system == "wgs84"
    assert (ticket.lng, ticket.lat) == pytest.approx(G1_POINT)
    assert ticket.address == "银山社区小区1号楼门口"
    assert ticket.photos.filter(stage=PhotoStage.REPORT).count() == 2

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert_no_inline_script(html)
    assert f"已提交，工单编号 {ticket.number}" in html
    assert "待受理" in html and "您反映的问题已提交，正在等待受理" in html
    for p in ticket.photos.all():
        assert f"/h5/tickets/{ticket.pk}/photos/{p.pk}/" in html
        photo = client.get(f"/h5/tickets/{ticket.pk}/photos/{p.pk}/")
        assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_report_without_location_uses_household(district):
    client = signed_in(district.user("resident"))
    response = client.post(NEW, {"description": "楼道里堆满杂物", "lng": "", "lat": ""})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.grid_code == district.grids["g1"].code and ticket.lng is None and not ticket.anonymous


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": "   "}, "description", "请填写问题描述"),
        (
            {"description": "有问题", "photos": [upload("x.jpg", b"%PDF-1.4 not an image", "image/jpeg")]},
            "photos",
            "",
        ),
        (
            {"description": "有问题", "photos": [upload(f"{i}.jpg") for i in range(10)]},
            "photos",
            "最多上传9张照片",
        ),
        ({"description": "有问题", "lng": "abc", "lat": "36.9"}, "location", "位置信息格式不正确"),
        ({"description": "有问题", "lng": "117.1"}, "location", "经纬度需同时提供"),
        ({"description": "有问题", "category": "999999"}, "category", "事件分类"),
    ],
)
def test_bad_reports_answer_400_in_chinese_and_write_nothing(district, _media, fields, field, message):
    client = signed_in(district.user("resident"))
    before = counts()
    response = client.post(NEW, {"address": "银山社区小区3号楼东侧", **fields})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in html
    assert message in html
    assert "提交未成功" in html
    assert counts() == before
    assert stored_files(_media) == []
    # What was typed is kept for the correction.
    assert "银山社区小区3号楼东侧" in html
    if fields["description"].strip():
        assert fields["description"] in html


def test_non_image_message_is_chinese(district):
    client = signed_in(district.user("resident"))
    response = client.post(
        NEW, {"description": "有问题", "photos": [upload("doc.jpg", b"hello world", "image/jpeg")]}
    )
    assert response.status_code == 400
    message = response.context["field_errors"]["photos"]
    assert "JPEG" in message or "图片" in message or "照片" in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_gps_exif_is_stripped_from_stored_photo(district):
    data = jpeg(gps=True)
    assert b"Exif" in data and b"TestPhone" in data
    with Image.open(io.BytesIO(data)) as original:  # the test photo does carry a location
        gps = original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert gps.get(ExifTags.GPS.GPSLatitude)
    client = signed_in(district.user("resident"))
    response = client.post(NEW, {"description": "垃圾桶满了", "photos": [upload("gps.jpg", data)]})
    assert response.status_code == 302
    stored = TicketPhoto.objects.get()
    with stored.file.open("rb") as f:
        raw = f.read()
    assert b"Exif" not in raw and b"TestPhone" not in raw
    with Image.open(io.BytesIO(raw)) as im:
        assert len(im.getexif()) == 0
        assert not im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in im.info


# --- 我的反映 and the ticket page ---------------------------------------------------------------------


def test_mine_lists_own_tickets_newest_first(district):
    resident = district.user("resident")
    first = report(district, "resident", "第一条：路灯不亮")
    second = report(district, "resident", "第二条：井盖松动")
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=second.pk)
    other = other_resident(district)
    svc.ticket_report(actor=other, data=svc.TicketInput(description="别人的反映：噪音扰民"))
    response = signed_in(resident).get(MINE)
    html = response.content.decode()
    assert response.status_code == 200
    assert_no_inline_script(html)
    assert html.index("第二条") < html.index("第一条")
    assert "别人的反映" not in html
    assert "已受理，正在安排处置" in html and "待受理" in html
    assert [t.pk for t, _label in response.context["tickets"]] == [second.pk, first.pk]


def test_another_resident_gets_404(district):
    ticket = report(district, "resident", "路灯不亮")
    svc.ticket_report(
        actor=district.user("resident"),
        data=svc.TicketInput(description="带照片的反映", lng=G1_POINT[0], lat=G1_POINT[1]),
        photos=[upload()],
    )
    photo = TicketPhoto.objects.get()
    stranger = signed_in(other_resident(district))
    assert stranger.get(f"/h5/tickets/{ticket.pk}/").status_code == 404
    assert stranger.get(f"/h5/tickets/{photo.ticket_id}/photos/{photo.pk}/").status_code == 404
    assert stranger.post(f"/h5/tickets/{ticket.pk}/rate/", {"satisfaction": "satisfied"}).status_code == 404
    assert stranger.get("/h5/tickets/999999/").status_code == 404
    # Staff who may read the ticket in the console still do not get the reporter's page.
    assert signed_in(district.user("grid_worker")).get(f"/h5/tickets/{ticket.pk}/").status_code == 404
    # The owner's photo path with someone else's photo id is a 404 too.
    owner = signed_in(district.user("resident"))
    assert owner.get(f"/h5/tickets/{ticket.pk}/photos/{photo.pk}/").status_code == 404


def test_ticket_page_shows_public_steps_and_the_promise_without_staff_notes_or_names(district):
    resident = district.user("resident")
    ticket = report(district, "resident", "路灯坏了一个星期了", category_code="101018")
    gw, cw = district.user("grid_worker"), district.user("community_worker")
    svc.ticket_accept(actor=gw, ticket_id=ticket.pk, note="内部备注：此人多次反映")
    svc.ticket_escalate(actor=gw, ticket_id=ticket.pk, reason="需城管部门维修")
    svc.ticket_dispatch(
        actor=cw,
        ticket_id=ticket.pk,
        level=Level.DEPARTMENT,
        department_id=district.department.pk,
        note="派给城管",
    )
    ticket.refresh_from_db()
    response = signed_in(resident).get(f"/h5/tickets/{ticket.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "处置中" in html
    assert "已受理，工作人员将负责跟进到底（首问负责）" in html
    assert "已吹哨上报至社区协调处理" in html
    assert "已派至城管局处置" in html
    from django.utils import timezone

    assert ticket.deadline is not None
    assert f"承诺{timezone.localtime(ticket.deadline):%Y-%m-%d %H:%M}前办结" in html
    for secret in ("内部备注", "需城管部门维修", "派给城管", "grid_worker", "community_worker"):
        assert secret not in html, secret
    assert [s.title for s in response.context["steps"]] == ["已派遣", "上报协调", "已受理", "提交反映"]
    assert 'data-testid="rate"' not in html


def test_rating_after_verification_and_closed_page(district):
    resident = district.user("resident")
    client = signed_in(resident)
    ticket = report(district, "resident", "路灯坏了一个星期了", category_code="101018")
    to_verified(district, ticket, result_photo=True)

    page = client.get(f"/h5/tickets/{ticket.pk}/")
    html = page.content.decode()
    assert "待您评价" in html and 'data-testid="rate-form"' in html
    assert "满意" in html and "基本满意" in html and "不满意" in html
    assert "已更换灯泡，路灯恢复照明" in html
    result_photo = TicketPhoto.objects.get(stage=PhotoStage.RESULT)
    assert f"/h5/tickets/{ticket.pk}/photos/{result_photo.pk}/" in html
    for secret in ("部门内部", "核查人员内部意见", "department_handler"):
        assert secret not in html, secret

    # No choice: a Chinese message, nothing changed, the comment kept.
    before = counts()
    response = client.post(f"/h5/tickets/{ticket.pk}/rate/", {"note": "修得很快"})
    assert response.status_code == 400
    assert "请选择满意、基本满意或不满意" in response.content.decode()
    assert "修得很快" in response.content.decode()
    assert counts() == before

    response = client.post(
        f"/h5/tickets/{ticket.pk}/rate/", {"satisfaction": "satisfied", "note": "修得很快"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED_BACK and ticket.satisfaction == "satisfied"
    event = ticket.events.get(move="callback")
    assert event.actor_id == resident.pk and event.data["by_reporter"] is True and event.note == "修得很快"

    # Rating twice is an illegal move: 409 with a Chinese message.
    again = client.post(f"/h5/tickets/{ticket.pk}/rate/", {"satisfaction": "fairly"})
    assert again.status_code == 409 and "不能回访" in again.content.decode()

    svc.ticket_close(actor=district.user("grid_worker"), ticket_id=ticket.pk)
    page = client.get(f"/h5/tickets/{ticket.pk}/")
    html = page.content.decode()
    assert 'data-testid="closed"' in html and "已办结" in html
    assert "已更换灯泡，路灯恢复照明" in html
    assert "回访评价：满意，感谢您的反馈" in html and "工单已办结，感谢您的反映" in html
    assert 'data-testid="rate-form"' not in html
    photo = client.get(f"/h5/tickets/{ticket.pk}/photos/{result_photo.pk}/")
    assert photo.status_code == 200
    assert photo.getvalue()[:2] == b"\xff\xd8"  # a JPEG


def test_dissatisfied_rating_reopens(district):
    client = signed_in(district.user("resident"))
    ticket = report(district, "resident", "垃圾没人清")
    to_verified(district, ticket)
    response = client.post(f"/h5/tickets/{ticket.pk}/rate/", {"satisfaction": "dissatisfied"}, follow=True)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS and ticket.dissatisfied_count == 1
    html = response.content.decode()
    assert "我们已重新安排处置" in html and "处置中" in html


def test_merged_ticket_follows_the_ticket_it_joined(district):
    client = signed_in(district.user("resident"))
    other = other_resident(district)
    first = svc.ticket_report(
        actor=other,
        data=svc.TicketInput(description="路灯不亮", lng=G1_POINT[0], lat=G1_POINT[1]),
        photos=[upload()],
    )
    mine = report(district, "resident", "门口路灯也不亮")
    svc.ticket_merge(actor=district.user("grid_worker"), ticket_id=mine.pk, into_id=first.pk)
    to_verified(district, first, result_photo=True)
    html = client.get(f"/h5/tickets/{mine.pk}/").content.decode()
    assert "已合并办理" in html and "已更换灯泡，路灯恢复照明" in html
    result = TicketPhoto.objects.get(stage=PhotoStage.RESULT)
    theirs = TicketPhoto.objects.get(stage=PhotoStage.REPORT)
    assert client.get(f"/h5/tickets/{mine.pk}/photos/{result.pk}/").status_code == 200
    # The other resident's own report photo stays theirs.
    assert client.get(f"/h5/tickets/{mine.pk}/photos/{theirs.pk}/").status_code == 404
