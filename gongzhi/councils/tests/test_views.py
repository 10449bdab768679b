"""The console, H5 and public pages: each role sees its pages, the moves go through the forms, the public
page masks personal data, other communities' staff get 404s; the PDFs read back through poppler."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.councils.enums import TopicStatus
from gongzhi.councils.models import Meeting, Topic
from gongzhi.councils.services import (
    ResolutionInput,
    TopicInput,
    meeting_minutes_record,
    meeting_topic_decide,
    resolution_notice_publish,
    topic_consultation_open,
    topic_propose,
)
from gongzhi.councils.tests.factories import make_council, make_meeting, make_topic

pytestmark = pytest.mark.django_db


def _held_meeting(d):
    council = make_council(d)
    topic = make_topic(d, council, title="清华园供热管网改造")
    meeting, members = make_meeting(d, council, [topic])
    meeting_topic_decide(
        actor=d.user("community_secretary"),
        item_id=meeting.agenda.get().pk,
        votes={m.pk: ("for" if i < 5 else "against") for i, m in enumerate(members)},
        resolution=ResolutionInput(content="更换主管网，联系电话13912345678", owner_name="物业公司"),
    )
    meeting = meeting_minutes_record(
        actor=d.user("community_worker"),
        meeting_id=meeting.pk,
        minutes=f"成员1提出分两期施工，居民{d.persons['g1'][0].name}（13912345678）表示支持。",
        host="张书记",
        recorder="李干事",
    )
    return council, Topic.objects.get(pk=topic.pk), meeting


def test_console_pages_for_staff_and_404_for_another_community(district, client):
    d = district
    council, topic, meeting = _held_meeting(d)
    client.force_login(d.user("community_worker"))
    for url in (
        reverse("councils:list"),
        reverse("councils:council_detail", args=[council.pk]),
        reverse("councils:topic_detail", args=[topic.pk]),
        reverse("councils:meeting_detail", args=[meeting.pk]),
        reverse("councils:resolutions"),
        reverse("councils:proposals"),
        reverse("councils:appointments"),
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    client.force_login(d.user("district_admin"))
    assert client.get(reverse("councils:topic_detail", args=[topic.pk])).status_code == 200
    # B1's council: A1's staff get the same 404 as for a missing one, and cannot move its topics.
    b_council = make_council(d, community="B1", members=0)
    b_topic = make_topic(d, b_council, accepted=False)
    client.force_login(d.user("community_secretary"))
    assert client.get(reverse("councils:council_detail", args=[b_council.pk])).status_code == 404
    r = client.post(reverse("councils:topic_act", args=[b_topic.pk]), {"action": "accept"})
    assert r.status_code == 404
    assert Topic.objects.get(pk=b_topic.pk).status == TopicStatus.PROPOSED
    # A resident is sent to the H5 site.
    client.force_login(d.user("resident"))
    assert client.get(reverse("councils:list")).status_code == 302


def test_topic_moves_through_the_console_form_and_illegal_move_is_a_message(district, client):
    d = district
    council = make_council(d)
    topic = topic_propose(
        actor=d.user("resident"),
        council_id=council.pk,
        data=TopicInput(title="楼道堆物"),
        source_kind="resident",
    )
    client.force_login(d.user("community_secretary"))
    url = reverse("councils:topic_act", args=[topic.pk])
    r = client.post(url, {"action": "decline", "reason": ""}, follow=True)
    assert "请填写不予受理理由" in r.content.decode()
    client.post(url, {"action": "accept"})
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.ACCEPTED
    r = client.post(url, {"action": "accept"}, follow=True)
    assert "议题当前状态为“已列入议程”，不能列入议程" in r.content.decode()


def test_resident_h5_propose_opinion_once(district, client):
    d = district
    council = make_council(d)
    client.force_login(d.user("resident"))
    r = client.post(
        reverse("councils_h5:home"),
        {"council_id": council.pk, "title": "增设充电桩", "description": "电动车"},
    )
    assert r.status_code == 302
    topic = Topic.objects.get(title="增设充电桩")
    assert topic.source_kind == "resident"
    # Not public yet: the resident cannot open it.
    assert client.get(reverse("councils_h5:topic_detail", args=[topic.pk])).status_code == 404
    topic2 = make_topic(d, council, title="小区停车")
    topic_consultation_open(
        actor=d.user("community_worker"),
        topic_id=topic2.pk,
        closes_on=timezone.localdate() + dt.timedelta(days=3),
    )
    url = reverse("councils_h5:topic_detail", args=[topic2.pk])
    assert client.post(url, {"stance": "support", "body": "同意"}).status_code == 302
    r = client.post(url, {"stance": "oppose"})
    assert r.status_code == 409 and "每位居民限一次" in r.content.decode()
    # Another community's resident does not see it.
    from gongzhi.councils.tests.factories import make_resident

    client.force_login(make_resident(d, grid="g4"))
    assert client.get(url).status_code == 404


def test_public_page_masks_names_and_numbers(district, client):
    d = district
    council, topic, _meeting = _held_meeting(d)
    resolution_notice_publish(actor=d.user("community_worker"), resolution_id=topic.resolution.pk)
    r = client.get(reverse("councils_h5:public", args=[council.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "清华园供热管网改造" in body
    assert "13912345678" not in body and d.persons["g1"][0].name not in body and "成员1" not in body
    assert "成*" in body  # the members' names, masked
    r = client.get(f"/api/v1/councils/public/{council.pk}")
    assert r.status_code == 200 and "13912345678" not in r.content.decode()


@pytest.mark.pdf
def test_minutes_and_notice_pdfs_read_back(district, client):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"

    def read(pdf: bytes) -> str:
        out = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S603
        return out.stdout.decode()

    d = district
    _council, topic, meeting = _held_meeting(d)
    client.force_login(d.user("community_worker"))
    r = client.get(f"/console/councils/meetings/{meeting.pk}/minutes.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = read(r.content)
    assert (
        "会议纪要" in text.replace(" ", "")
        and "清华园供热管网改造" in text
        and "赞成5票" in text
        and "成员6" in text
    )
    assert (
        AuditEvent.objects.filter(event_type="councils.minutes_downloaded", target_id=str(meeting.pk)).count()
        == 1
    )
    # The notice is public once published; before that, nobody gets it.
    notice = reverse("councils_h5:public_notice_pdf", args=[topic.resolution.pk])
    client.logout()
    assert client.get(notice).status_code == 404
    resolution_notice_publish(actor=d.user("community_worker"), resolution_id=topic.resolution.pk)
    r = client.get(notice)
    text = read(r.content)
    assert "决议公示" in text.replace(" ", "") and "更换主管网" in text and "13912345678" not in text
    # Another community's staff do not get the minutes.
    client.force_login(d.user("grid_worker_g2"))
    assert client.get(reverse("councils:minutes_pdf", args=[meeting.pk])).status_code in (302, 404)
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
