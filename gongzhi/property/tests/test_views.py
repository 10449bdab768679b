"""The console pages, the resident's H5 page and the API, through the test client."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.property.models import OwnersCommittee, PropertyCompany, PropertyRating
from gongzhi.property.services._validation import quarter_containing
from gongzhi.property.services.matters import MatterInput, property_matter_propose
from gongzhi.property.tests.factories import estate_of, set_up_estate, uscc

pytestmark = pytest.mark.django_db


def _client(district, key: str) -> Client:
    c = Client()
    c.force_login(district.user(key))
    return c


def test_estate_pages_for_community_staff(district):
    estate, company, _committee, branch = set_up_estate(district)
    c = _client(district, "community_worker")
    page = c.get("/console/property/")
    assert page.status_code == 200
    text = page.content.decode()
    assert estate.name in text and company.name in text and estate_of(district, "B1").name not in text
    page = c.get(f"/console/property/estates/{estate.pk}/")
    assert page.status_code == 200 and branch.name in page.content.decode()
    assert c.get(f"/console/property/estates/{estate_of(district, 'B1').pk}/").status_code == 404
    # a new term of the committee through the form: the old one ended first
    committee = OwnersCommittee.objects.get(estate=estate)
    r = c.post(
        f"/console/property/estates/{estate.pk}/committee/{committee.pk}/end/", {"reason": "任期届满换届"}
    )
    assert r.status_code == 302
    r = c.post(
        f"/console/property/estates/{estate.pk}/committee/",
        {
            "elected_on": timezone.localdate().isoformat(),
            "members": "李明 主任 党员\n王芳 副主任\n赵强\n钱进 党员 交叉任职\n孙丽",
        },
    )
    assert r.status_code == 302
    new = OwnersCommittee.objects.get(estate=estate, status="elected")
    assert [(m.name, m.post, m.is_party_member, m.cross_appointed) for m in new.members.all()][:2] == [
        ("李明", "chair", True, False),
        ("王芳", "vice_chair", False, False),
    ]
    assert c.get("/console/property/committees/").status_code == 200


def test_company_register_page_shows_the_uscc_error(district):
    c = _client(district, "subdistrict_staff")
    bad = uscc(5)[:-1] + ("0" if uscc(5)[-1] != "0" else "1")
    page = c.post(
        "/console/property/companies/",
        {"subdistrict_id": district.subdistricts["A"].pk, "name": "校验物业", "uscc": bad},
    )
    assert page.status_code == 400 and "校验位错误" in page.content.decode()
    r = c.post(
        "/console/property/companies/",
        {"subdistrict_id": district.subdistricts["A"].pk, "name": "济阳安居物业", "uscc": uscc(5)},
    )
    company = PropertyCompany.objects.get(uscc=uscc(5))
    assert r.status_code == 302 and r["Location"] == f"/console/property/companies/{company.pk}/"
    assert c.get(f"/console/property/companies/{company.pk}/").status_code == 200
    assert (
        _client(district, "community_worker").get(f"/console/property/companies/{company.pk}/").status_code
        == 404
    )


def test_matter_page_steps(district):
    estate, *_ = set_up_estate(district)
    matter = property_matter_propose(
        actor=district.user("community_worker"),
        estate_id=estate.pk,
        data=MatterInput(
            title="地下车库照明改造", description="车库灯光昏暗", proposer_kind="owners_committee"
        ),
    )
    c = _client(district, "community_secretary")
    page = c.get(f"/console/property/matters/{matter.pk}/")
    assert page.status_code == 200 and "列入联席会议议程" in page.content.decode()
    assert f'href="/console/councils/topics/{matter.topic_id}/"' in page.content.decode()
    assert c.post(f"/console/property/matters/{matter.pk}/accept/").status_code == 302
    text = c.get(f"/console/property/matters/{matter.pk}/").content.decode()
    assert "已列入议程" in text and "开始征求意见" in text
    r = c.post(
        f"/console/property/matters/{matter.pk}/consult/", {"closes_on": timezone.localdate().isoformat()}
    )
    assert r.status_code == 302
    home = _client(district, "resident").get("/h5/property/").content.decode()
    assert "地下车库照明改造" in home and "阳光议事" in home


def test_assessment_page_run_and_export(district):
    set_up_estate(district)
    c = _client(district, "subdistrict_staff")
    q = quarter_containing(timezone.localdate())
    assert c.get("/console/property/assessment/").status_code == 200
    r = c.post(
        "/console/property/assessment/run/",
        {"subdistrict_id": district.subdistricts["A"].pk, "quarter": q.key},
    )
    assert r.status_code == 302
    page = c.get(f"/console/property/assessment/?quarter={q.key}").content.decode()
    assert "济阳红领物业服务有限公司1" in page
    x = c.get(f"/console/property/assessment/export.xlsx?quarter={q.key}")
    assert x.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert wb["物业公司"]["C3"].value == "济阳红领物业服务有限公司1"


def test_resident_rates_on_h5_once(district):
    set_up_estate(district)
    c = _client(district, "resident")
    page = c.get("/h5/property/")
    assert page.status_code == 200 and "提交评价" in page.content.decode()
    r = c.post("/h5/property/rate/", {"company_score": "4", "committee_score": "5", "branch_score": "5"})
    assert r.status_code == 302
    assert "本户本季度已评价" in c.get("/h5/property/").content.decode()
    again = c.post("/h5/property/rate/", {"company_score": "1"})
    assert again.status_code == 409 and "每户每季度只能评价一次" in again.content.decode()
    api = c.post("/api/v1/property/ratings", {"company_score": 2}, content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "already_rated"
    assert PropertyRating.objects.count() == 1


def test_overview_counts_from_records(district):
    set_up_estate(district)
    set_up_estate(district, "B1", n=2)
    body = Client().get("/api/v1/overview").json()["property"]
    assert body == {"companies": 2, "owners_committees": 2, "tongxinqiao_branches": 2, "estates_covered": 2}


def test_resident_reads_a_published_result_masked_and_rates_it_once(district):
    import datetime as dt

    from gongzhi.councils import services as engine
    from gongzhi.councils.models import Rating, Resolution

    estate, *_ = set_up_estate(district)
    matter = property_matter_propose(
        actor=None,
        estate_id=estate.pk,
        data=MatterInput(title="楼道照明改造", description="楼道灯不亮", proposer_kind="company"),
    )
    topic_id = matter.topic_id or 0
    engine.topic_accept(actor=None, topic_id=topic_id)
    now = timezone.now()
    topic_council = engine_council_id(topic_id)
    meeting = engine.meeting_schedule(
        actor=None,
        council_id=topic_council,
        data=engine.MeetingInput(
            title="联席会议",
            starts_at=now - dt.timedelta(hours=2),
            ends_at=now - dt.timedelta(hours=1),
            location="会议室",
        ),
        topic_ids=[topic_id],
    )
    from gongzhi.councils.models import CouncilMember

    members = list(CouncilMember.objects.filter(council_id=topic_council))
    for m in members:
        engine.meeting_attendance_record(actor=None, meeting_id=meeting.pk, member_id=m.pk)
    engine.meeting_topic_decide(
        actor=None,
        item_id=meeting.agenda.get().pk,
        votes={m.pk: "for" for m in members},
        resolution=engine.ResolutionInput(content="更换声控灯，报修请联系王师傅13912345678"),
    )
    resolution = Resolution.objects.get(topic_id=topic_id)
    engine.resolution_implementation_start(actor=None, resolution_id=resolution.pk, owner_name="物业公司")
    engine.resolution_complete(actor=None, resolution_id=resolution.pk, result="已更换12盏声控灯")
    engine.resolution_result_publish(actor=None, resolution_id=resolution.pk)
    c = _client(district, "resident")
    page = c.get("/h5/property/").content.decode()
    assert "楼道照明改造" in page and "已更换12盏声控灯" in page
    assert "13912345678" not in page
    assert c.post(f"/h5/property/results/{resolution.pk}/rate/", {"score": "4"}).status_code == 302
    assert c.post(f"/h5/property/results/{resolution.pk}/rate/", {"score": "1"}).status_code == 302
    assert list(Rating.objects.filter(resolution=resolution).values_list("score", flat=True)) == [4]


def engine_council_id(topic_id: int) -> int:
    from gongzhi.councils.models import Topic

    return Topic.objects.values_list("council_id", flat=True).get(pk=topic_id)
