"""The console pages: lists with their empty states, the case page and its moves, the parties masked and
revealed with a reason, downloads of the registers, the agreement and the case file audited."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.mediation.enums import CaseStatus
from gongzhi.mediation.models import Case
from gongzhi.mediation.services.outcomes import case_agree
from gongzhi.mediation.tests.factories import make_case, make_org, mediating_case

pytestmark = pytest.mark.django_db


def client_for(district, key: str) -> Client:
    c = Client()
    c.force_login(district.user(key))
    return c


def test_pages_render_and_empty_states_say_what_to_do(district):
    c = client_for(district, "community_worker")
    for path, text in (
        ("/console/mediation/", "没有符合条件的纠纷案件"),
        ("/console/mediation/committees/", "还没有人民调解委员会"),
        ("/console/mediation/screenings/", "还没有排查记录"),
        ("/console/mediation/warnings/", "本辖区暂无预警"),
        ("/console/mediation/figures/", "本年度还没有纠纷案件"),
    ):
        response = c.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode(), path
    assert client_for(district, "resident").get("/console/mediation/").status_code in (302, 404)
    assert client_for(district, "department_handler").get("/console/mediation/").status_code == 404


def test_register_a_case_on_the_console_and_move_it(district):
    org = make_org(district)
    c = client_for(district, "community_worker")
    before = Case.objects.count()
    bad = c.post(
        "/console/mediation/", {"committee_id": org.committee.pk, "source": "visit", "kind": "neighbours"}
    )
    assert bad.status_code == 200 and "请填写纠纷概要" in bad.content.decode()
    assert Case.objects.count() == before
    response = c.post(
        "/console/mediation/",
        {
            "committee_id": org.committee.pk,
            "source": "visit",
            "kind": "neighbours",
            "title": "楼上漏水",
            "facts": "卫生间漏水",
            "applicant_name": "张三",
            "applicant_phone": "13912340002",
            "respondent_name": "李四",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/mediation/cases/{case.pk}/"
    html = c.get(f"/console/mediation/cases/{case.pk}/").content.decode()
    assert "139****0002" in html and "13912340002" not in html
    c.post(f"/console/mediation/cases/{case.pk}/admit/", {"mediator_ids": [org.mediators[0].pk]})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    # an agreement before any session: the Chinese 409 on the page, nothing changed
    page = c.post(
        f"/console/mediation/cases/{case.pk}/agree/", {"terms": "x", "performance": "y"}, follow=True
    )
    assert "纠纷案件当前状态为“已受理”，不能达成协议" in page.content.decode()
    applicant = case.disputants.get(side="applicant")
    revealed = c.post(
        f"/console/mediation/parties/{applicant.pk}/reveal/", {"field": "phone", "reason": "通知到场"}
    )
    assert "13912340002" in revealed.content.decode() and revealed["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(event_type="mediation.disputant_revealed").count() == 1
    # the subdistrict office reads the case but has no reveal
    other = client_for(district, "subdistrict_staff")
    assert other.get(f"/console/mediation/cases/{case.pk}/").status_code == 200
    assert (
        other.post(
            f"/console/mediation/parties/{applicant.pk}/reveal/", {"field": "phone", "reason": "x"}
        ).status_code
        == 302
    )
    assert AuditEvent.objects.filter(event_type="mediation.disputant_revealed").count() == 1
    assert client_for(district, "grid_worker").get(f"/console/mediation/cases/{case.pk}/").status_code == 404


def test_downloads_are_audited(district):
    org = make_org(district)
    case = mediating_case(district, org)
    case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日")
    c = client_for(district, "community_worker")
    paths = [
        f"/console/mediation/cases/{case.pk}/agreement.pdf",
        f"/console/mediation/cases/{case.pk}/case-file.pdf",
        *[
            f"/console/mediation/committees/{org.committee.pk}/{k}.{e}"
            for k in ("visits", "consultations", "cases", "meetings")
            for e in ("pdf", "xlsx")
        ],
    ]
    for path in paths:
        response = c.get(path)
        assert response.status_code == 200, path
    assert AuditEvent.objects.filter(event_type="mediation.document_downloaded").count() == len(paths)
    for path in paths:
        assert client_for(district, "subdistrict_staff").get(path).status_code == 404


def test_figures_count_from_the_records(district):
    org = make_org(district)
    agreed = mediating_case(district, org)
    case_agree(actor=None, case_id=agreed.pk, terms="赔偿", performance="当日")
    from gongzhi.mediation.services.outcomes import case_end_unresolved

    failed = mediating_case(district, org, title="噪音")
    case_end_unresolved(actor=None, case_id=failed.pk, note="告知诉讼途径")
    make_case(district, org, title="宠物")
    page = client_for(district, "community_worker").get("/console/mediation/figures/").content.decode()
    assert org.committee.name in page and "50%" in page


# The organisation set up on the console: committees, rooms, mediators, deactivation.


def _audits(event: str) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


def test_set_up_a_committee_on_the_console(district):
    from gongzhi.mediation.models import Committee

    c = client_for(district, "community_secretary")
    community = district.communities["A1"]
    before = Committee.objects.count()
    bad = c.post(
        "/console/mediation/committees/new/",
        {"level": "community", "community_id": community.pk, "name": "", "short_name": "银山"},
        follow=True,
    )
    assert "请填写名称" in bad.content.decode()
    assert Committee.objects.count() == before and _audits("mediation.committee_created") == 0
    response = c.post(
        "/console/mediation/committees/new/",
        {
            "level": "community",
            "community_id": community.pk,
            "name": "银山社区人民调解委员会",
            "short_name": "银山",
            "chair": "卜哥",
        },
    )
    assert response.status_code == 302
    committee = Committee.objects.get(name="银山社区人民调解委员会")
    assert committee.community_code == community.code and committee.chair == "卜哥"
    assert _audits("mediation.committee_created") == 1
    page = c.get("/console/mediation/committees/").content.decode()
    assert "银山社区人民调解委员会" in page and "设立调解室" in page
    # another community's committee: the worker of A1 may not set it up (404, nothing written)
    other = district.communities["B1"]
    refused = c.post(
        "/console/mediation/committees/new/",
        {"level": "community", "community_id": other.pk, "name": "外社区调委会", "short_name": "外"},
    )
    assert refused.status_code in (403, 404)
    assert not Committee.objects.filter(name="外社区调委会").exists()
    # the subdistrict office sets up its subdistrict's professional team; the speciality is required
    s = client_for(district, "subdistrict_staff")
    sub = district.subdistricts["A"]
    bad = s.post(
        "/console/mediation/committees/new/",
        {"level": "professional", "subdistrict_id": sub.pk, "name": "物业纠纷调解团队", "short_name": "物调"},
        follow=True,
    )
    assert "请填写专业领域" in bad.content.decode()
    s.post(
        "/console/mediation/committees/new/",
        {
            "level": "professional",
            "subdistrict_id": sub.pk,
            "name": "物业纠纷调解团队",
            "short_name": "物调",
            "speciality": "物业纠纷",
        },
    )
    team = Committee.objects.get(name="物业纠纷调解团队")
    assert team.community_code == "" and team.subdistrict_code == sub.code
    assert _audits("mediation.committee_created") == 2


def test_edit_and_deactivate_a_committee(district):
    org = make_org(district)
    c = client_for(district, "community_worker")
    url = f"/console/mediation/committees/{org.committee.pk}/edit/"
    bad = c.post(url, {"name": "x" * 101, "short_name": "银山"}, follow=True)
    assert "名称不能超过100个字" in bad.content.decode()
    org.committee.refresh_from_db()
    assert org.committee.name != "x" * 101 and _audits("mediation.committee_updated") == 0
    c.post(url, {"name": "银山人民调解委员会", "short_name": "银调", "chair": "老王"})
    org.committee.refresh_from_db()
    assert (org.committee.name, org.committee.short_name, org.committee.chair) == (
        "银山人民调解委员会",
        "银调",
        "老王",
    )
    assert _audits("mediation.committee_updated") == 1
    # the community worker may not edit the subdistrict's committee
    refused = c.post(
        f"/console/mediation/committees/{org.sub_committee.pk}/edit/", {"name": "改名", "short_name": "改"}
    )
    assert refused.status_code in (403, 404)
    org.sub_committee.refresh_from_db()
    assert org.sub_committee.name != "改名" and _audits("mediation.committee_updated") == 1
    # the subdistrict office may
    s = client_for(district, "subdistrict_staff")
    s.post(
        f"/console/mediation/committees/{org.sub_committee.pk}/edit/",
        {"name": "甲街道人民调解委员会", "short_name": "甲街"},
    )
    org.sub_committee.refresh_from_db()
    assert org.sub_committee.name == "甲街道人民调解委员会" and _audits("mediation.committee_updated") == 2
    c.post(f"/console/mediation/committees/{org.committee.pk}/deactivate/")
    org.committee.refresh_from_db()
    assert not org.committee.active and _audits("mediation.committee_deactivated") == 1
    again = c.post(f"/console/mediation/committees/{org.committee.pk}/deactivate/", follow=True)
    assert "调委会已停用" in again.content.decode() and _audits("mediation.committee_deactivated") == 1
    # no room set up in a committee that is no longer active
    rooms = org.committee.rooms.count()
    page = c.post(
        f"/console/mediation/committees/{org.committee.pk}/rooms/",
        {"name": "新调解室", "place": "二楼", "hours": "工作日"},
        follow=True,
    )
    assert "调委会已停用，不能设立调解室" in page.content.decode() and org.committee.rooms.count() == rooms


def test_add_and_edit_a_room_with_its_standards(district):
    from gongzhi.mediation.models import Room

    org = make_org(district)
    c = client_for(district, "community_secretary")
    url = f"/console/mediation/committees/{org.committee.pk}/rooms/"
    before = Room.objects.count()
    bad = c.post(
        url, {"name": "和事佬调解室", "place": "", "hours": "工作日", "standards": ["sign"]}, follow=True
    )
    assert "请填写地点" in bad.content.decode()
    bad = c.post(
        url, {"name": "和事佬调解室", "place": "一楼", "hours": "工作日", "standards": ["gold"]}, follow=True
    )
    assert "无法识别的规范化建设项目" in bad.content.decode()
    assert Room.objects.count() == before and _audits("mediation.room_created") == 1  # make_org's
    c.post(
        url,
        {
            "name": "和事佬调解室",
            "place": "一楼",
            "hours": "周末9:00-12:00",
            "standards": ["sign", "wall_rules"],
        },
    )
    room = Room.objects.get(name="和事佬调解室")
    assert room.standards == ["sign", "wall_rules"] and room.committee_id == org.committee.pk
    assert _audits("mediation.room_created") == 2
    assert "工作制度上墙" in c.get("/console/mediation/committees/").content.decode()
    edit = f"/console/mediation/committees/rooms/{room.pk}/edit/"
    bad = c.post(edit, {"name": "和事佬调解室", "place": "一楼", "hours": ""}, follow=True)
    assert "请填写接待时间" in bad.content.decode()
    room.refresh_from_db()
    assert room.hours == "周末9:00-12:00" and _audits("mediation.room_updated") == 0
    c.post(
        edit,
        {"name": "和事佬调解室", "place": "二楼", "hours": "每天", "standards": ["sign", "room", "stamp"]},
    )
    room.refresh_from_db()
    assert (room.place, room.hours, room.standards) == ("二楼", "每天", ["sign", "room", "stamp"])
    assert _audits("mediation.room_updated") == 1
    # a worker of another community: the room and the committee are not theirs
    other = make_org(district, "B1")
    refused = c.post(
        f"/console/mediation/committees/rooms/{other.room.pk}/edit/",
        {"name": "x", "place": "x", "hours": "x"},
    )
    assert refused.status_code in (403, 404)
    refused = c.post(
        f"/console/mediation/committees/{other.committee.pk}/rooms/",
        {"name": "x", "place": "x", "hours": "x"},
    )
    assert refused.status_code in (403, 404)
    assert Room.objects.filter(name="x").count() == 0 and _audits("mediation.room_updated") == 1


def test_add_a_mediator_by_name_or_account_and_deactivate(district):
    from gongzhi.mediation.models import Mediator
    from gongzhi.mediation.selectors import mediator_pool_public

    org = make_org(district)
    c = client_for(district, "community_worker")
    url = f"/console/mediation/committees/{org.committee.pk}/mediators/"
    before = Mediator.objects.count()
    bad = c.post(url, {"name": "", "kind": "elder"}, follow=True)
    assert "请填写姓名" in bad.content.decode()
    bad = c.post(url, {"username": "nobody-here", "kind": "elder"}, follow=True)
    assert "没有启用的账号" in bad.content.decode()
    bad = c.post(url, {"name": "赵大姐", "kind": "king"}, follow=True)
    assert "请选择调解员身份" in bad.content.decode()
    assert Mediator.objects.count() == before and _audits("mediation.mediator_added") == 2  # make_org's
    c.post(url, {"name": "赵大姐", "kind": "volunteer", "speciality": "婚姻家庭", "in_pool": "1"})
    zhao = Mediator.objects.get(name="赵大姐")
    assert zhao.speciality == "婚姻家庭" and zhao.in_pool and not zhao.legal_service and zhao.user_id is None
    assert any(row["name"] == "赵大姐" for row in mediator_pool_public())
    # from an existing account: the account's name, linked, legal-service staff, not in the pool
    account = district.user("grid_worker")
    c.post(url, {"username": account.username, "kind": "legal_staff"})
    linked = Mediator.objects.get(user=account)
    assert linked.name == str(account) and linked.legal_service and not linked.in_pool
    assert _audits("mediation.mediator_added") == 4
    c.post(f"/console/mediation/committees/mediators/{zhao.pk}/deactivate/")
    zhao.refresh_from_db()
    assert not zhao.active and _audits("mediation.mediator_deactivated") == 1
    assert not any(row["name"] == "赵大姐" for row in mediator_pool_public())
    assert "赵大姐" not in c.get("/console/mediation/committees/").content.decode()
    # another community's worker: neither adds nor deactivates here
    other = make_org(district, "B1")
    refused = c.post(
        f"/console/mediation/committees/{other.committee.pk}/mediators/", {"name": "外人", "kind": "elder"}
    )
    assert refused.status_code in (403, 404) and not Mediator.objects.filter(name="外人").exists()
    refused = c.post(f"/console/mediation/committees/mediators/{other.mediators[0].pk}/deactivate/")
    other.mediators[0].refresh_from_db()
    assert refused.status_code in (403, 404) and other.mediators[0].active
    # the district admin anywhere
    a = client_for(district, "district_admin")
    a.post(f"/console/mediation/committees/mediators/{other.mediators[0].pk}/deactivate/")
    other.mediators[0].refresh_from_db()
    assert not other.mediators[0].active and _audits("mediation.mediator_deactivated") == 2


def test_h5_page_lists_the_public_pool_and_the_rooms(district):
    from gongzhi.mediation.selectors import PUBLIC_MEDIATOR_FIELDS, PUBLIC_ROOM_FIELDS, room_list_public
    from gongzhi.mediation.services.organisation import mediator_add, room_update

    anonymous = Client()
    empty = anonymous.get("/h5/mediation/").content.decode()
    assert "暂未公布调解室" in empty and "公共调解员库暂无调解员" in empty
    org = make_org(district)
    mediator_add(actor=None, committee_id=org.committee.pk, name="不公开", kind="elder", in_pool=False)
    room_update(
        actor=None,
        room_id=org.room.pk,
        name=org.room.name,
        place="党群服务中心3号楼201室",
        hours="工作日9:00-17:00",
        standards=[],
    )
    response = anonymous.get("/h5/mediation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert org.room.name in html and "工作日9:00-17:00" in html and "201室" not in html
    assert org.mediators[0].name in html and "不公开" not in html
    assert all(tuple(row) == PUBLIC_ROOM_FIELDS for row in room_list_public())
    api = anonymous.get("/api/v1/mediation/public/mediators").json()
    assert api and all(tuple(row) == PUBLIC_MEDIATOR_FIELDS for row in api)
    # a committee stopped: its rooms and mediators leave the public page
    client_for(district, "community_worker").post(
        f"/console/mediation/committees/{org.committee.pk}/deactivate/"
    )
    html = anonymous.get("/h5/mediation/").content.decode()
    assert org.room.name not in html and org.mediators[0].name not in html
