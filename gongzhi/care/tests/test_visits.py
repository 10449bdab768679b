"""Visits: photos through core.images (GPS EXIF gone), follow-ups through the owning apps' services (a
need in the three lists, a ticket), refusals in Chinese with nothing written; care visits once per
occasion and day."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.care.models import CareVisit, Visit, VisitPhoto
from gongzhi.care.services import CareVisitInput, care_visit_record, visit_outcome_set
from gongzhi.care.tests.factories import days_ago, enter, visit
from gongzhi.cobuild.models import Need
from gongzhi.cobuild.selectors import need_list_for_actor
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def gps_photo() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (36.0, 40.0, 12.5), "E", (117.0, 1.0, 30.0)
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (120, 90, 30)).save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", buf.getvalue(), content_type="image/jpeg")


def test_visit_with_a_photo_raises_a_need_the_community_sees(district, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    d = district
    p = d.persons["g1"][0]
    enter(d, p, on=days_ago(10))
    v = visit(
        d,
        p,
        living_conditions="独居，房屋老旧",
        difficulties="卫生间无扶手，洗澡困难",
        follow_up="need",
        need_title="安装卫生间扶手",
        need_category="elderly_care",
        lng=117.105,
        lat=36.985,
        photos=[gps_photo()],
    )
    photo = VisitPhoto.objects.get(visit=v)
    with Image.open(photo.file.path) as stored:
        assert not stored.getexif().get_ifd(GPS_IFD) and stored.getexif().get(0x010F) is None
    need = Need.objects.get(pk=v.need_id)
    assert (
        need.source == "grid_worker"
        and need.grid_code == d.grids["g1"].code
        and need.title == "安装卫生间扶手"
    )
    assert need_list_for_actor(actor=d.user("community_worker")).filter(pk=need.pk).exists()
    visit_outcome_set(actor=d.user("grid_worker"), visit_id=v.pk, outcome="社区已对接志愿者上门安装")
    v.refresh_from_db()
    assert v.outcome.startswith("社区已对接")


def test_visit_raises_a_ticket(district):
    d = district
    p = d.persons["g1"][1]
    v = visit(d, p, difficulties="楼道灯坏了，老人夜间出行不便", follow_up="ticket")
    ticket = Ticket.objects.get(pk=v.ticket_id)
    assert ticket.grid_code == d.grids["g1"].code and "楼道灯" in ticket.description


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"on": days_ago(-2)}, "visited_on"),
        ({"follow_up": "need"}, "difficulties"),
        ({"follow_up": "referral"}, "referral"),
        ({"mode": "letter"}, "mode"),
        ({"lng": 117.1}, "location"),
        ({"follow_up": "need", "difficulties": "要扶手", "need_category": "nonsense"}, "category"),
    ],
)
def test_bad_visits_are_refused_with_nothing_written(district, change, field):
    d = district
    counts = (Visit.objects.count(), Need.objects.count(), Ticket.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        visit(d, d.persons["g1"][0], **change)
    assert field in exc.value.fields and any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert (Visit.objects.count(), Need.objects.count(), Ticket.objects.count()) == counts


def test_a_bad_photo_is_refused_before_anything_is_written(district):
    d = district
    junk = SimpleUploadedFile("a.jpg", b"not an image at all" * 20, content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        visit(d, d.persons["g1"][0], photos=[junk])
    assert "photos" in exc.value.fields and Visit.objects.count() == 0


def test_a_grid_worker_cannot_visit_in_another_grid(district):
    d = district
    with pytest.raises(NotFound):
        visit(d, d.persons["g4"][0])
    assert Visit.objects.count() == 0


def test_care_visit_once_per_occasion_and_day(district):
    d = district
    p = d.persons["g1"][0]
    data = CareVisitInput(
        person_id=p.pk,
        occasion="double_ninth",
        visited_on=days_ago(1),
        visitors="书记、网格员",
        given="米面油一份",
    )
    care_visit_record(actor=d.user("community_secretary"), data=data)
    with pytest.raises(Conflict):
        care_visit_record(actor=d.user("grid_worker"), data=data)
    assert CareVisit.objects.count() == 1
    with pytest.raises(ValidationFailed) as exc:
        care_visit_record(
            actor=d.user("grid_worker"),
            data=CareVisitInput(person_id=p.pk, occasion="x", visited_on=None, visitors="", given=""),
        )
    assert set(exc.value.fields) >= {"occasion", "visited_on", "visitors", "given"}
    assert CareVisit.objects.count() == 1
