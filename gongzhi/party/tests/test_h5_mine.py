"""The in-service member's and the unit liaison's own H5 pages: the card with the unit's address, the items
of the paired grid's community, claiming with a pledge, recording service, the community's decision, the
hours of the year, paging; the liaison's unit page. Every write goes through the serving services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError
from gongzhi.party.enums import ClaimStatus, RecordStatus
from gongzhi.party.models import Claim, MemberRegistration, ServiceItem, ServiceRecord, Unit
from gongzhi.party.services import evaluation, registration, serving
from gongzhi.testing import SmallDistrict

UNIT_ADDRESS = "济阳街道纬二路88号"


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91370100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


@dataclass
class InService:
    d: SmallDistrict
    unit: Unit
    reg: MemberRegistration
    item: ServiceItem


def in_service(d: SmallDistrict) -> InService:
    """A hospital in A1 paired with grid g2, its liaison, and the party member registered and accepted."""
    unit = registration.unit_register(
        actor=d.user("district_admin"),
        community_id=d.communities["A1"].pk,
        name="济阳区人民医院",
        uscc=_uscc(1),
        kind="hospital",
        address=UNIT_ADDRESS,
        paired_grid_code=d.grids["g2"].code,
        liaison_username="unit_liaison",
    )
    reg = registration.member_register(
        actor=d.user("party_member"),
        community_id=d.communities["A1"].pk,
        name="钱在职",
        phone="13906415555",
        address="银山小区3号楼1单元201",
        unit_id=unit.pk,
        skills=["medical"],
        services_offered="义诊、健康讲座",
        available_times="周末上午",
    )
    reg = registration.registration_accept(
        actor=d.user("community_secretary"),
        registration_id=reg.pk,
        classification="medical",
        grid_code=d.grids["g1"].code,
    )
    item = serving.service_item_publish(
        actor=d.user("community_worker"),
        community_id=d.communities["A1"].pk,
        kind="post",
        title="独居老人助老服务岗",
        description="每月上门陪伴",
        capacity=2,
    )
    return InService(d, unit, reg, item)


@pytest.fixture
def world(district) -> InService:
    return in_service(district)


def _as(d: SmallDistrict, key: str) -> Client:
    client = Client()
    client.force_login(d.user(key))
    return client


def test_the_card_shows_the_units_address_services_and_paired_grid(world):
    page = _as(world.d, "party_member").get("/h5/party/me/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world.reg.card_number and world.reg.card_number in html
    assert UNIT_ADDRESS in html and "义诊、健康讲座" in html and "139****5555" in html
    assert world.d.grids["g2"].name in page.context["places"][0].grid.name  # the unit's paired grid first
    assert page.context["places"][0].source == "paired"
    assert "13906415555" not in html  # the phone masked


@pytest.mark.pdf
def test_the_card_pdf_carries_the_unit_address(world, tmp_path):
    import shutil
    import subprocess

    from gongzhi.party.cards import render_card

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    path = tmp_path / "card.pdf"
    path.write_bytes(render_card(world.reg, "https://example.org/"))
    text = subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
        [pdftotext, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = "".join(text.split())
    assert "单位地址" in compact and UNIT_ADDRESS in compact


def test_someone_without_a_registration_is_told_what_to_do(district):
    client = _as(district, "party_member")
    assert "请先到居住地社区报到" in client.get("/h5/party/me/").content.decode()
    assert "暂无可服务的社区" in client.get("/h5/party/items/").content.decode()
    assert "您不是驻区单位联络人" in client.get("/h5/party/unit/").content.decode()


def test_a_member_claims_with_a_pledge_records_service_and_sees_it_confirmed(world):
    d = world.d
    member = _as(d, "party_member")
    page = member.get("/h5/party/items/")
    assert page.status_code == 200 and "独居老人助老服务岗" in page.content.decode()
    assert page.context["chosen"].community == d.communities["A1"]  # the paired grid g2's community

    # an empty pledge: the service's Chinese refusal on the page, nothing written
    r = member.post(f"/h5/party/items/{world.item.pk}/claim/", {"pledge": "  "}, follow=True)
    assert "请填写承诺事项" in r.content.decode() and not Claim.objects.exists()

    r = member.post(f"/h5/party/items/{world.item.pk}/claim/", {"pledge": "每月上门两次"})
    assert r.status_code == 302 and r["Location"] == "/h5/party/service/"
    claim = Claim.objects.get()
    assert claim.member is not None and claim.member.user_id == d.user("party_member").pk
    assert claim.status == ClaimStatus.ACTIVE
    assert AuditEvent.objects.filter(event_type="party.claim_created", target_id=str(claim.pk)).count() == 1
    assert "您已认领此岗位" in member.get("/h5/party/items/").content.decode()

    # a record with bad hours is refused with the field's reason, nothing written
    today = timezone.localdate()
    bad = {"claim_id": claim.pk, "served_on": today.isoformat(), "hours": "0", "content": "陪伴老人"}
    r = member.post("/h5/party/service/", bad)
    assert r.status_code == 400 and "服务时长应大于0小时" in r.content.decode()
    assert not ServiceRecord.objects.exists()

    good = {**bad, "hours": "2", "beneficiaries": "3号楼独居老人"}
    r = member.post("/h5/party/service/", good)
    assert r.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.status == RecordStatus.PENDING and record.hours == Decimal("2") and record.claim == claim
    html = member.get("/h5/party/service/").content.decode()
    assert "待确认" in html and "3号楼独居老人" in html

    # the member cannot confirm their own record; the community worker does
    with pytest.raises(ApplicationError):
        serving.service_record_confirm(actor=d.user("party_member"), record_id=record.pk)
    serving.service_record_confirm(actor=d.user("community_worker"), record_id=record.pk)
    me = member.get("/h5/party/me/")
    assert me.context["hours"].confirmed == Decimal("2") and me.context["hours"].year == today.year
    assert "已确认" in member.get("/h5/party/service/").content.decode()


def test_a_record_without_a_claim_is_placed_in_the_units_paired_grid(world):
    d = world.d
    r = _as(d, "party_member").post(
        "/h5/party/service/",
        {"served_on": timezone.localdate().isoformat(), "hours": "1.5", "content": "网格环境整治"},
    )
    assert r.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.grid_code == d.grids["g2"].code and record.community_code == d.communities["A1"].code
    assert record.claim_id is None


def test_a_rejection_and_its_reason_reach_the_member(world):
    d = world.d
    record = serving.service_record_submit(
        actor=d.user("party_member"), served_on=timezone.localdate(), hours="3", content="值守"
    )
    serving.service_record_reject(
        actor=d.user("community_worker"), record_id=record.pk, reason="当天无值守安排"
    )
    page = _as(d, "party_member").get("/h5/party/service/").content.decode()
    assert "社区未予确认：当天无值守安排" in page


def test_the_records_are_paged(world):
    d = world.d
    today = timezone.localdate()
    for n in range(12):
        serving.service_record_submit(
            actor=d.user("party_member"),
            served_on=today - dt.timedelta(days=n),
            hours="1",
            content=f"服务{n}",
        )
    member = _as(d, "party_member")
    first = member.get("/h5/party/service/")
    assert len(first.context["records"]) == 10 and first.context["page"].paginator.num_pages == 2
    assert first.context["records"][0].served_on == today  # newest first
    second = member.get("/h5/party/service/?page=2")
    assert len(second.context["records"]) == 2
    assert second.context["records"][-1].served_on == today - dt.timedelta(days=11)


def test_another_members_item_of_another_community_cannot_be_claimed(world):
    d = world.d
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role
    from gongzhi.testing import PASSWORD

    b_worker = user_create(
        actor=None, username="b1_worker", password=PASSWORD, display_name="乙方社工", validate_password=False
    )
    role_assign(actor=None, user=b_worker, role=Role.COMMUNITY_WORKER, place_code=d.communities["B1"].code)
    other = serving.service_item_publish(
        actor=b_worker, community_id=d.communities["B1"].pk, kind="post", title="乙方岗位"
    )
    r = _as(d, "party_member").post(f"/h5/party/items/{other.pk}/claim/", {"pledge": "试试"}, follow=True)
    assert "该岗位/项目不存在或不在您服务的社区" in r.content.decode()
    assert not Claim.objects.exists()


def test_the_liaison_sees_members_claims_records_resources_projects_and_assessment(world):
    from gongzhi.cobuild.services.projects import project_claim, project_create
    from gongzhi.cobuild.tests.factories import make_need, make_resource

    d = world.d
    claim = serving.claim_create(actor=d.user("party_member"), item_id=world.item.pk, pledge="每月两次")
    record = serving.service_record_submit(
        actor=d.user("party_member"),
        claim_id=claim.pk,
        served_on=timezone.localdate(),
        hours="2",
        content="陪伴",
    )
    serving.service_record_confirm(actor=d.user("community_worker"), record_id=record.pk)
    resource = make_resource(d, world.unit, title="医院义诊资源")
    project = project_create(
        actor=d.user("community_worker"),
        need_ids=[make_need(d, title="老人测血压").pk],
        resource_ids=[resource.pk],
        title="义诊进社区",
    )
    project_claim(actor=d.user("unit_liaison"), project_id=project.pk)
    year = timezone.localdate().year
    evaluation.feedback_letters_issue(actor=d.user("community_worker"), period=str(year))

    liaison = _as(d, "unit_liaison")
    page = liaison.get("/h5/party/unit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "钱在职" in html and "独居老人助老服务岗" in html and "每月两次" in html
    assert "医院义诊资源" in html and "义诊进社区" in html and "老人测血压" in html
    assert "考核结果尚未公布" in html
    unit_page = page.context["pages"][0]
    assert unit_page.hours.confirmed == Decimal("2") and [r.pk for r in unit_page.records] == [record.pk]
    assert len(unit_page.letters) == 1

    evaluation.assessment_scheme_set(actor=d.user("district_admin"), year=year, weights={"hours": 100})
    evaluation.units_assess(actor=d.user("district_admin"), year=year)
    html = liaison.get("/h5/party/unit/").content.decode()
    assert f"{year}年度考核得分" in html and "排名第 1 位" in html

    # the member's item page lists the community's co-building projects still waiting to be claimed
    from gongzhi.cobuild.services.projects import project_create as create

    waiting = create(
        actor=d.user("community_worker"),
        need_ids=[make_need(d, title="楼道照明").pk],
        resource_ids=[make_resource(d, world.unit, title="电工服务").pk],
        title="楼道照明改造",
    )
    items = _as(d, "party_member").get("/h5/party/items/")
    assert [p.pk for p in items.context["projects"]] == [waiting.pk] and "楼道照明" in items.content.decode()

    # another account sees none of it
    assert "钱在职" not in _as(d, "resident").get("/h5/party/unit/").content.decode()


def test_register_then_a_success_page_and_the_form_stays_away(district):
    client = _as(district, "party_member")
    data = {
        "community_id": district.communities["A1"].pk,
        "name": "孙在职",
        "phone": "13906417777",
        "address": "银山小区1号楼",
        "workplace_org": "某机关党委",
    }
    r = client.post("/h5/party/register/", data)
    reg = MemberRegistration.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/h5/party/register/{reg.pk}/done/"
    done = client.get(r["Location"]).content.decode()
    assert "报到已提交" in done and "银山社区" in done and "register-form" not in done
    page = client.get("/h5/party/register/").content.decode()
    assert "register-form" not in page and "向其他社区报到" in page
    assert "register-form" in client.get("/h5/party/register/?new=1").content.decode()
    # someone else's success page is a 404
    assert _as(district, "resident").get(f"/h5/party/register/{reg.pk}/done/").status_code == 404


def test_the_register_form_has_phone_sized_controls(district):
    html = _as(district, "party_member").get("/h5/party/register/").content.decode()
    assert 'name="phone" type="tel"' in html
    assert 'class="form"' in html and 'class="choice"' in html and "btn btn-primary" not in html
