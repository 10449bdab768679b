"""Serving: publishing and closing items, claims with pledges, service records and their confirmation;
scope of every read; bad input refused in Chinese with nothing written.

Units and members are created as plain rows by the helpers below, because the registration services are
written alongside; serving does not depend on them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from gongzhi.core.roles import Role
from gongzhi.party.enums import (
    ClaimStatus,
    MemberKind,
    RecordStatus,
    RegistrationStatus,
    ServiceItemStatus,
    UnitKind,
)
from gongzhi.party.models import Claim, MemberRegistration, PartyMember, ServiceItem, ServiceRecord, Unit
from gongzhi.party.selectors import serving as serving_selectors
from gongzhi.party.services import serving
from gongzhi.testing import PASSWORD

_seq = count(1)


def uscc_for(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91370100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_unit(d, name: str = "济阳区人民医院", *, community: str = "A1", liaison=None) -> Unit:
    c = d.communities[community]
    unit = Unit(
        name=name,
        uscc=uscc_for(next(_seq)),
        kind=UnitKind.HOSPITAL,
        community=c,
        liaison=liaison,
        party_org_name=f"{name}党委",
        registered_at=timezone.now(),
    )
    unit.set_place_codes(community_code=c.code)
    unit.save()
    return unit


def make_member(
    d, name: str, *, unit: Unit | None = None, user=None, community: str = "A1", registered: bool = True
) -> PartyMember:
    c = d.communities[community]
    member = PartyMember(kind=MemberKind.IN_SERVICE, name=name, unit=unit, user=user)
    member.set_place_codes(community_code=c.code)
    member.save()
    if registered:
        reg = MemberRegistration(
            member=member, community=c, unit=unit, address="银山小区1号楼", status=RegistrationStatus.ACCEPTED
        )
        reg.set_place_codes(community_code=c.code)
        reg.save()
    return member


def make_user(d, key: str, role: str, place_code: str):
    user = user_create(actor=None, username=key, password=PASSWORD, display_name=key, validate_password=False)
    role_assign(actor=None, user=user, role=role, place_code=place_code)
    d.users[key] = user
    return user


def liaison_for(d, key: str, community: str = "A1"):
    return make_user(d, key, Role.UNIT_LIAISON, d.communities[community].code)


def publish(d, title: str = "助老服务岗", *, capacity: int = 3, community: str = "A1", kind: str = "post"):
    return serving.service_item_publish(
        actor=d.user("community_worker"),
        community_id=d.communities[community].pk,
        kind=kind,
        title=title,
        description="为独居老人上门服务",
        skills=["elderly_care"],
        capacity=capacity,
    )


def confirmed_record(
    d, member: PartyMember, hours: str, served_on: dt.date, *, claim=None, rating: int | None = None
) -> ServiceRecord:
    staff = d.user("community_worker")
    record = serving.service_record_submit(
        actor=staff,
        served_on=served_on,
        hours=Decimal(hours),
        content="上门陪护、打扫卫生",
        beneficiaries="独居老人王某",
        claim_id=claim.pk if claim else None,
        member_id=None if claim else member.pk,
    )
    return serving.service_record_confirm(actor=staff, record_id=record.pk, rating=rating)


# --- tests ----------------------------------------------------------------------------------------


def build_world(district):
    """A1 has a hospital (liaison ``unit_liaison``) with two members: ``party_member``'s own row and 李四;
    a school in A1 with 王五 (liaison ``school_liaison``); B1 has a unit with 赵六."""
    d = district
    hospital = make_unit(d, "济阳区人民医院", liaison=d.user("unit_liaison"))
    school = make_unit(d, "济阳区实验中学", liaison=liaison_for(d, "school_liaison"))
    b_unit = make_unit(d, "安大公司", community="B1", liaison=liaison_for(d, "b_liaison", "B1"))
    d.hospital, d.school, d.b_unit = hospital, school, b_unit
    d.zhang = make_member(d, "张三", unit=hospital, user=d.user("party_member"))
    d.li = make_member(d, "李四", unit=hospital)
    d.wang = make_member(d, "王五", unit=school)
    d.zhao = make_member(d, "赵六", unit=b_unit, community="B1")
    make_user(d, "b1_worker", Role.COMMUNITY_WORKER, d.communities["B1"].code)
    return d


@pytest.fixture
def world(district):
    return build_world(district)


TODAY = timezone.localdate


def _audits(event: str) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


def test_publish_claim_record_confirm_is_audited_at_each_step(world):
    d = world
    item = publish(d)
    assert item.status == ServiceItemStatus.OPEN and item.community_code == d.communities["A1"].code
    claim = serving.claim_create(actor=d.user("party_member"), item_id=item.pk, pledge="每周上门一次")
    assert claim.member == d.zhang and claim.unit is None and claim.community_code == item.community_code
    unit_claim = serving.claim_create(actor=d.user("unit_liaison"), item_id=item.pk, pledge="派医生义诊")
    assert unit_claim.unit == d.hospital and unit_claim.member is None
    record = serving.service_record_submit(
        actor=d.user("party_member"),
        served_on=TODAY() - dt.timedelta(days=1),
        hours="2.5",
        content="陪老人就医",
        beneficiaries="王大爷",
        claim_id=claim.pk,
    )
    assert record.status == RecordStatus.PENDING and record.hours == Decimal("2.5")
    record = serving.service_record_confirm(actor=d.user("community_worker"), record_id=record.pk, rating=5)
    assert record.status == RecordStatus.CONFIRMED and record.confirmed_by == d.user("community_worker")
    for event in (
        "party.service_item_published",
        "party.claim_created",
        "party.service_record_submitted",
        "party.service_record_confirmed",
    ):
        assert _audits(event) >= 1, event
    assert _audits("party.claim_created") == 2


def test_a_claim_on_a_closed_item_is_refused_in_chinese_and_nothing_is_written(world):
    d = world
    item = publish(d)
    serving.service_item_close(actor=d.user("community_secretary"), item_id=item.pk)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        serving.claim_create(actor=d.user("party_member"), item_id=item.pk, pledge="每周一次")
    assert exc.value.message == "该岗位/项目已关闭，不能认领" and exc.value.status == 409
    assert not Claim.objects.exists() and AuditEvent.objects.count() == before
    # Closing twice is an illegal move.
    with pytest.raises(Conflict):
        serving.service_item_close(actor=d.user("community_worker"), item_id=item.pk)


def test_capacity_and_double_claims_are_409(world):
    d = world
    item = publish(d, capacity=2)
    serving.claim_create(actor=d.user("party_member"), item_id=item.pk, pledge="一")
    with pytest.raises(Conflict) as exc:
        serving.claim_create(actor=d.user("party_member"), item_id=item.pk, pledge="二")
    assert "已认领此岗位/项目" in exc.value.message
    serving.claim_create(actor=d.user("community_worker"), item_id=item.pk, pledge="二", member_id=d.li.pk)
    with pytest.raises(Conflict) as exc:
        serving.claim_create(actor=d.user("unit_liaison"), item_id=item.pk, pledge="三")
    assert exc.value.message == "该岗位/项目已认领满额（计划2人，已认领2人）"
    assert Claim.objects.count() == 2
    # A withdrawn claim frees the place, and the same member may claim again.
    first = Claim.objects.get(member=d.zhang)
    serving.claim_withdraw(actor=d.user("party_member"), claim_id=first.pk)
    again = serving.claim_create(actor=d.user("party_member"), item_id=item.pk, pledge="再认领")
    assert again.status == ClaimStatus.ACTIVE
    with pytest.raises(Conflict):
        serving.claim_withdraw(actor=d.user("party_member"), claim_id=first.pk)


def test_only_community_staff_publish_and_staff_of_another_community_cannot_claim_for_a_member(world):
    d = world
    with pytest.raises(Forbidden):
        serving.service_item_publish(
            actor=d.user("party_member"),
            community_id=d.communities["A1"].pk,
            kind="post",
            title="x",
            capacity=1,
        )
    with pytest.raises(NotFound):
        serving.service_item_publish(
            actor=d.user("b1_worker"), community_id=d.communities["A1"].pk, kind="post", title="x"
        )
    item = publish(d)
    with pytest.raises(NotFound):  # B1 staff do not see A1's item
        serving.claim_create(actor=d.user("b1_worker"), item_id=item.pk, pledge="x", member_id=d.li.pk)
    with pytest.raises(ApplicationError) as exc:  # A1 staff may not claim for a member of B1
        serving.claim_create(
            actor=d.user("community_worker"), item_id=item.pk, pledge="x", member_id=d.zhao.pk
        )
    assert exc.value.fields == {"member_id": "该党员未在本社区报到，不能代为登记"}
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-1", "服务时长应大于0小时"),
        ("0", "服务时长应大于0小时"),
        ("25", "服务时长不能超过24小时"),
        ("1.3", "服务时长以0.5小时为单位，如 1、1.5、2"),
        ("两小时", "服务时长应为数字，如 1.5"),
        ("NaN", "服务时长应为数字，如 1.5"),
    ],
)
def test_impossible_hours_are_refused_with_a_chinese_field_message(world, hours, message):
    d = world
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as exc:
        serving.service_record_submit(
            actor=d.user("party_member"), served_on=TODAY(), hours=hours, content="打扫楼道"
        )
    assert exc.value.status == 400 and exc.value.fields["hours"] == message
    assert not ServiceRecord.objects.exists() and AuditEvent.objects.count() == before


def test_a_future_date_and_more_than_24_hours_a_day_are_refused(world):
    d = world
    with pytest.raises(ApplicationError) as exc:
        serving.service_record_submit(
            actor=d.user("party_member"),
            served_on=TODAY() + dt.timedelta(days=1),
            hours="2",
            content="打扫楼道",
        )
    assert exc.value.fields == {"served_on": "服务日期不能晚于今天"}
    day = TODAY() - dt.timedelta(days=2)
    serving.service_record_submit(actor=d.user("party_member"), served_on=day, hours="20", content="值守")
    with pytest.raises(ApplicationError) as exc:
        serving.service_record_submit(
            actor=d.user("party_member"), served_on=day, hours="4.5", content="值守"
        )
    assert exc.value.fields["hours"] == f"{day:%Y-%m-%d} 已登记20小时，再加4.5小时将超过每天24小时"
    assert ServiceRecord.objects.count() == 1
    # A rejected record no longer counts towards the day.
    first = ServiceRecord.objects.get()
    serving.service_record_reject(actor=d.user("community_worker"), record_id=first.pk, reason="时长不实")
    serving.service_record_submit(actor=d.user("party_member"), served_on=day, hours="4.5", content="值守")
    assert ServiceRecord.objects.count() == 2
    event = AuditEvent.objects.get(event_type="party.service_record_rejected")
    assert event.data["reason"] == "时长不实"


def test_confirm_and_reject_follow_the_transition_table(world):
    d = world
    record = serving.service_record_submit(
        actor=d.user("party_member"), served_on=TODAY(), hours=1, content="x"
    )
    with pytest.raises(Forbidden):
        serving.service_record_confirm(actor=d.user("party_member"), record_id=record.pk)
    with pytest.raises(NotFound):
        serving.service_record_confirm(actor=d.user("b1_worker"), record_id=record.pk)
    with pytest.raises(ApplicationError) as exc:
        serving.service_record_reject(actor=d.user("community_worker"), record_id=record.pk, reason=" ")
    assert exc.value.fields == {"reason": "请填写不予确认的原因"}
    serving.service_record_confirm(actor=d.user("community_worker"), record_id=record.pk)
    with pytest.raises(Conflict) as exc:
        serving.service_record_reject(actor=d.user("community_worker"), record_id=record.pk, reason="重复")
    assert exc.value.message == "服务记录当前状态为“已确认”，不能退回"
    with pytest.raises(Conflict):
        serving.service_record_confirm(actor=d.user("community_secretary"), record_id=record.pk)


# --- scope ----------------------------------------------------------------------------------------


def _record(d, member, hours="1"):
    return serving.service_record_submit(
        actor=d.user("community_worker")
        if member.community_code == d.communities["A1"].code
        else d.user("b1_worker"),
        served_on=TODAY(),
        hours=hours,
        content=f"{member.name}的服务",
        member_id=member.pk,
    )


def test_each_reader_sees_only_their_records(world):
    d = world
    mine = {m.name: _record(d, m).pk for m in (d.zhang, d.li, d.wang, d.zhao)}
    unit_record = serving.service_record_submit(
        actor=d.user("unit_liaison"), served_on=TODAY(), hours=3, content="单位义诊"
    )

    def seen(key: str) -> set[int]:
        return set(
            serving_selectors.service_record_list_for_actor(actor=d.user(key)).values_list("id", flat=True)
        )

    assert seen("unit_liaison") == {mine["张三"], mine["李四"], unit_record.pk}
    assert seen("school_liaison") == {mine["王五"]}
    assert seen("party_member") == {mine["张三"]}
    assert seen("community_worker") == {mine["张三"], mine["李四"], mine["王五"], unit_record.pk}
    assert seen("b1_worker") == {mine["赵六"]}
    assert seen("resident") == set()
    assert len(seen("district_admin")) == 5
    with pytest.raises(NotFound):
        serving_selectors.service_record_get_for_actor(actor=d.user("school_liaison"), record_id=mine["张三"])
    with pytest.raises(NotFound):
        serving_selectors.service_record_get_for_actor(actor=d.user("party_member"), record_id=mine["李四"])


def test_items_are_seen_in_the_community_and_claims_by_their_claimants(world):
    d = world
    a_item = publish(d, "A1岗位")
    b_item = serving.service_item_publish(
        actor=d.user("b1_worker"), community_id=d.communities["B1"].pk, kind="item", title="B1项目"
    )

    def items(key: str) -> set[int]:
        return set(
            serving_selectors.service_item_list_for_actor(actor=d.user(key)).values_list("id", flat=True)
        )

    assert items("party_member") == {a_item.pk} and items("unit_liaison") == {a_item.pk}
    assert items("b_liaison") == {b_item.pk} and items("b1_worker") == {b_item.pk}
    assert items("district_admin") == {a_item.pk, b_item.pk}
    c1 = serving.claim_create(actor=d.user("unit_liaison"), item_id=a_item.pk, pledge="义诊")
    c2 = serving.claim_create(
        actor=d.user("community_worker"), item_id=a_item.pk, pledge="辅导", member_id=d.wang.pk
    )
    claims = lambda key: set(  # noqa: E731
        serving_selectors.claim_list_for_actor(actor=d.user(key)).values_list("id", flat=True)
    )
    assert claims("unit_liaison") == {c1.pk} and claims("school_liaison") == {c2.pk}
    assert claims("party_member") == set() and claims("community_worker") == {c1.pk, c2.pk}
    with pytest.raises(NotFound):
        serving.claim_withdraw(actor=d.user("school_liaison"), claim_id=c1.pk)
    assert ServiceItem.objects.count() == 2


# --- API ------------------------------------------------------------------------------------------


def _login(client, d, key: str) -> None:
    client.logout()
    client.force_login(d.user(key))


def _post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_api_flow_and_errors(world, client):
    d = world
    _login(client, d, "community_worker")
    r = _post(
        client,
        "/api/v1/party/items",
        {"community_id": d.communities["A1"].pk, "kind": "post", "title": "楼道清洁岗", "capacity": 1},
    )
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]
    assert _post(client, f"/api/v1/party/items/{item_id}/close").json()["status"] == "closed"
    client.logout()
    _login(client, d, "party_member")
    r = _post(client, "/api/v1/party/claims", {"item_id": item_id, "pledge": "每周打扫"})
    assert r.status_code == 409 and r.json()["message"] == "该岗位/项目已关闭，不能认领"
    r = _post(
        client,
        "/api/v1/party/records",
        {"served_on": TODAY().isoformat(), "hours": "-2", "content": "打扫"},
    )
    assert r.status_code == 400 and r.json()["fields"] == {"hours": "服务时长应大于0小时"}
    r = _post(
        client, "/api/v1/party/records", {"served_on": TODAY().isoformat(), "hours": 1.5, "content": "打扫"}
    )
    assert r.status_code == 201, r.content
    record_id = r.json()["id"]
    assert r.json()["status"] == "pending" and r.json()["member_name"] == "张三"
    assert [x["id"] for x in client.get("/api/v1/party/records").json()["items"]] == [record_id]
    r = _post(client, f"/api/v1/party/records/{record_id}/confirm")
    assert r.status_code == 403
    client.logout()
    _login(client, d, "b1_worker")
    assert _post(client, f"/api/v1/party/records/{record_id}/confirm").status_code == 404
    assert client.get("/api/v1/party/records").json()["items"] == []
    client.logout()
    _login(client, d, "community_secretary")
    r = _post(client, f"/api/v1/party/records/{record_id}/confirm", {"rating": 4})
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["rating"] == 4
    r = _post(client, f"/api/v1/party/records/{record_id}/reject", {"reason": "x"})
    assert r.status_code == 409


def test_console_pages_render_for_community_staff(world, client):
    d = world
    item = publish(d)
    serving.claim_create(actor=d.user("party_member"), item_id=item.pk, pledge="每周一次")
    serving.service_record_submit(
        actor=d.user("party_member"), served_on=TODAY(), hours=2, content="陪护老人"
    )
    _login(client, d, "community_worker")
    for name in ("items", "records", "letters", "ranking"):
        r = client.get(f"/console/party/serving/{name}/")
        assert r.status_code == 200, (name, r.content[:300])
    r = client.get("/console/party/serving/records/")
    assert "陪护老人" in r.content.decode() and "张三" in r.content.decode()
    record = ServiceRecord.objects.get()
    r = client.post(f"/console/party/serving/records/{record.pk}/confirm/", {"rating": "5"})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED and record.rating == 5
    r = client.post(
        "/console/party/serving/items/",
        {"title": "", "kind": "post", "capacity": "2", "community_id": d.communities["A1"].pk},
    )
    assert r.status_code == 400 and "请填写名称" in r.content.decode()
    assert ServiceItem.objects.count() == 1
