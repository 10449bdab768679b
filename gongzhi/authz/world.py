"""The world the authorization matrix runs in: the small district plus one object of each kind in scope A
(community A1 / grid g1, the place of every scoped test account) and one in scope B (community B1 /
grid g4, subdistrict B: outside every account's scope except the district-wide ones).

Every object is made through the services, as a user would make it. Each carries the path parameters a
route needs to point at it and the texts that identify it in a response body (a name, a masked phone, a
ticket number), so the matrix can tell whether an answer showed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.roles import Role
from gongzhi.testing import PASSWORD, SmallDistrict, build_small_district

# A point inside each grid of the small district (0.01° squares from 117.10 / 117.15, 36.98).
POINTS = {"A": (117.105, 36.985), "B": (117.155, 36.985)}
PLACE = {"A": ("A1", "g1"), "B": ("B1", "g4")}


@dataclass
class Obj:
    params: dict[str, Any]
    texts: list[str] = field(default_factory=list)


@dataclass
class World:
    d: SmallDistrict
    objects: dict[str, dict[str, Obj]] = field(default_factory=dict)  # kind → {"A": obj, "B": obj}
    users: dict[str, User] = field(default_factory=dict)  # column (role value) → account

    def add(self, kind: str, side: str, obj: Obj) -> None:
        self.objects.setdefault(kind, {})[side] = obj


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91370100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _places(w: World) -> None:
    from gongzhi.core import ids

    d = w.d
    for side, (community_key, grid_key) in PLACE.items():
        grid, community = d.grids[grid_key], d.communities[community_key]
        w.add("grid", side, Obj({"code": grid.code}, [grid.name]))
        w.add(
            "community",
            side,
            Obj({"code": community.code, "community_code": community.code, "community_id": community.pk}),
        )
        hh = d.households[grid_key][0]
        persons = [p for p in d.persons[grid_key] if p.household_id == hh.pk]
        w.add(
            "household",
            side,
            Obj({"household_id": hh.pk}, [p.name for p in persons] + [p.phone_masked for p in persons]),
        )
        person = persons[0]
        w.add("person", side, Obj({"person_id": person.pk}, [person.name, person.phone_masked]))
    # every B person's name and masked phone: a list must show none of them to a scoped account
    w.objects["person"]["B"].texts = sorted(
        {p.name for p in d.persons["g4"]}
        | {p.phone_masked for p in d.persons["g4"]}
        | {ids.decrypt(p.phone_encrypted) for p in d.persons["g4"]}  # a full phone, as a reveal shows it
    )
    w.objects["person"]["A"].texts = sorted({p.name for p in d.persons["g1"]})


def _tickets(w: World) -> None:
    from gongzhi.tickets import services as svc

    d = w.d
    made = {
        "A": svc.ticket_report(
            actor=d.user("resident"),
            data=svc.TicketInput(
                description="授权矩阵甲方工单：楼道灯不亮", lng=POINTS["A"][0], lat=POINTS["A"][1]
            ),
        ),
        "B": svc.ticket_report(
            actor=d.user("district_admin"),
            data=svc.TicketInput(
                description="授权矩阵乙方工单：井盖缺失",
                channel="assigned",
                lng=POINTS["B"][0],
                lat=POINTS["B"][1],
            ),
        ),
    }
    for side, t in made.items():
        w.add(
            "ticket",
            side,
            Obj(
                {"ticket_id": t.pk, "service_request_id": t.number, "action": "accept"},
                [t.number, t.description],
            ),
        )


def _patrols(w: World) -> None:
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.tickets.services.patrols import patrol_start

    d = w.d
    b_worker = user_create(
        actor=None,
        username="authz_b_grid_worker",
        password=PASSWORD,
        display_name="乙方网格员",
        validate_password=False,
    )
    role_assign(actor=None, user=b_worker, role=Role.GRID_WORKER, place_code=d.grids["g4"].code)
    a = patrol_start(actor=d.user("grid_worker"), grid_code=d.grids["g1"].code)
    b = patrol_start(actor=b_worker, grid_code=d.grids["g4"].code)
    w.add("patrol", "A", Obj({"patrol_id": a.pk}))
    w.add("patrol", "B", Obj({"patrol_id": b.pk}))


def _party(w: World) -> None:
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.party.services import registration as reg
    from gongzhi.party.services import serving

    d = w.d
    admin = d.user("district_admin")
    b_worker = user_create(
        actor=None,
        username="authz_b_community_worker",
        password=PASSWORD,
        display_name="乙方社工",
        validate_password=False,
    )
    role_assign(actor=None, user=b_worker, role=Role.COMMUNITY_WORKER, place_code=d.communities["B1"].code)
    publishers = {"A": d.user("community_worker"), "B": b_worker}  # service items are community work
    units = {}
    for n, side in enumerate(("A", "B"), start=1):
        community_key, grid_key = PLACE[side]
        name = "授权矩阵甲方医院" if side == "A" else "授权矩阵乙方供电所"
        units[side] = reg.unit_register(
            actor=admin,
            community_id=d.communities[community_key].pk,
            name=name,
            uscc=_uscc(n),
            kind="hospital",
            paired_grid_code=d.grids[grid_key].code,
            liaison_username="unit_liaison" if side == "A" else "authz_b_liaison",
        )
        w.add("unit", side, Obj({"unit_id": units[side].pk}, [name]))
    regs = {
        "A": reg.member_register(
            actor=d.user("party_member"),
            community_id=d.communities["A1"].pk,
            name="甲方党员钱授权",
            phone="13906419001",
            address="银山小区3号楼1单元201",
            unit_id=units["A"].pk,
        ),
        "B": reg.member_register(
            actor=admin,
            community_id=d.communities["B1"].pk,
            name="乙方党员孙授权",
            phone="13906419002",
            address="安大小区1号楼1单元101",
            unit_id=units["B"].pk,
        ),
    }
    for side, r in regs.items():
        name = "甲方党员钱授权" if side == "A" else "乙方党员孙授权"
        w.add("registration", side, Obj({"registration_id": r.pk}, [name]))
        title = f"授权矩阵{'甲方' if side == 'A' else '乙方'}助老服务岗"
        item = serving.service_item_publish(
            actor=publishers[side],
            community_id=d.communities[PLACE[side][0]].pk,
            kind="post",
            title=title,
            description="为独居老人上门服务",
            skills=["elderly_care"],
            capacity=3,
        )
        w.add("item", side, Obj({"item_id": item.pk}, [title]))


def _party_members(w: World) -> None:
    """Community-managed members: per side a member, a pending transfer in, a pending batch (recorded by
    the system, so any manager may decide it), the community committee, and a rejected members' import."""
    import datetime as dt

    from gongzhi.party import member_import
    from gongzhi.party.services import members as ms
    from gongzhi.party.services import organizations as orgs
    from gongzhi.party.services import tree

    d = w.d
    importers = {"A": d.user("community_worker"), "B": User.objects.get(username="authz_b_community_worker")}
    for side, (community_key, grid_key) in PLACE.items():
        community = d.communities[community_key]
        persons = list(d.persons[grid_key])
        member = orgs.community_member_add(actor=None, person_id=persons[0].pk)
        w.add("party_member", side, Obj({"member_id": member.pk}, [member.name]))
        t = ms.transfer_in_record(
            actor=None,
            person_id=persons[1].pk,
            data=ms.TransferInput(
                dt.date(2019, 6, 28), f"授权矩阵{side}转字1号", other_org_name="授权矩阵撤销厂党委"
            ),
        )
        w.add("transfer", side, Obj({"transfer_id": t.pk}, [persons[1].name, t.letter_number]))
        batch = ms.transfers_in_bulk_record(
            actor=None,
            community_id=community.pk,
            data=ms.BulkTransferIn(
                "授权矩阵撤销厂党委", dt.date(2019, 6, 28), f"授权矩阵{side}批2号", [persons[2].pk]
            ),
        )
        w.add("transfer_batch", side, Obj({"batch": batch}))
        working = tree._working_committee_of(community.subdistrict) or orgs.working_committee_create(
            actor=None, subdistrict_id=community.subdistrict_id
        )
        committee = orgs.community_committee_create(actor=None, community_id=community.pk)
        w.add("party_org", side, Obj({"org_id": committee.pk}, [committee.name]))
        assert working is not None
        record = member_import.member_import(
            actor=importers[side], file_name="授权矩阵.xlsx", content=member_import.template_workbook()
        )
        w.add("member_import", side, Obj({"import_id": record.pk}))


def _cobuild(w: World) -> None:
    from gongzhi.cobuild import matching
    from gongzhi.cobuild.enums import NeedSource, ProviderKind, ResourceKind
    from gongzhi.cobuild.services.needs import NeedInput, need_raise
    from gongzhi.cobuild.services.projects import project_create
    from gongzhi.cobuild.services.resources import ResourceInput, resource_register

    d = w.d
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        title = "授权矩阵甲方微心愿" if side == "A" else "授权矩阵乙方微心愿"
        need = need_raise(
            actor=d.user("district_admin"),
            data=NeedInput(title=title, category="medical"),
            source=NeedSource.COMMUNITY,
            community_id=d.communities[community_key].pk,
        )
        w.add("need", side, Obj({"need_id": need.pk}, [title]))
        label = "甲方" if side == "A" else "乙方"
        resource = resource_register(
            actor=d.user("district_admin"),
            community_id=d.communities[community_key].pk,
            provider_kind=ProviderKind.UNIT,
            provider_id=w.objects["unit"][side].params["unit_id"],
            data=ResourceInput(
                title=f"授权矩阵{label}义诊资源",
                kind=ResourceKind.SERVICE,
                categories=["medical"],
                schedule=matching.ALL_SLOTS,
            ),
        )
        project = project_create(
            actor=d.user("district_admin"),
            need_ids=[need.pk],
            resource_ids=[resource.pk],
            title=f"授权矩阵{label}共建项目",
        )
        w.add("project", side, Obj({"project_id": project.pk}, [project.title]))


def _volunteers(w: World) -> None:
    from gongzhi.people.services import resident_account_for_phone
    from gongzhi.volunteers.services.activities import activity_create, signup_create
    from gongzhi.volunteers.services.teams import team_create

    d = w.d
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        team = team_create(
            actor=d.user("district_admin"),
            community_id=d.communities[community_key].pk,
            name=f"授权矩阵{label}志愿服务队",
            service_area="全域",
            skills=["general"],
        )
        w.add("team", side, Obj({"team_id": team.pk}, [team.name]))
        activity = activity_create(
            actor=d.user("district_admin"),
            team_id=team.pk,
            title=f"授权矩阵{label}义诊",
            venue="党群服务中心",
            capacity=5,
            start_date=start.date(),
            start_time=start.time(),
            end_time=(start + dt.timedelta(hours=2)).time(),
        )
        w.add("activity", side, Obj({"activity_id": activity.pk}, [activity.title]))
        session = activity.sessions.get()
        w.add("session", side, Obj({"session_id": session.pk}, [activity.title]))
        # a resident of the side signs up (in A the party member, whose own signup it is)
        volunteer = (
            d.user("party_member")
            if side == "A"
            else resident_account_for_phone(phone_hash=d.persons["g4"][0].phone_hash)
        )
        signup = signup_create(actor=volunteer, session_id=session.pk)
        w.add("signup", side, Obj({"signup_id": signup.pk}))


def _care(w: World) -> None:
    from gongzhi.care.services import EntryInput, VisitInput, care_grant, membership_enter, visit_record

    d = w.d
    admin = d.user("district_admin")
    on = timezone.localdate() - dt.timedelta(days=60)  # long enough ago to be overdue
    for side, (_community, grid_key) in PLACE.items():
        person = d.persons[grid_key][0]
        member = membership_enter(
            actor=admin,
            data=EntryInput(person_id=person.pk, group="elderly_alone", entered_on=on, reason="独居"),
        )
        w.add("membership", side, Obj({"membership_id": member.pk}, [person.name]))
        visit = visit_record(
            actor=admin,
            data=VisitInput(
                person_id=person.pk, visited_on=timezone.localdate(), visitors="授权矩阵走访人",
                difficulties=f"授权矩阵{side}方走访发现",
            ),
        )  # fmt: skip
        w.add("visit", side, Obj({"visit_id": visit.pk}, [f"授权矩阵{side}方走访发现"]))
    # the need-to-know groups: the A grid worker holds a grant; one member on each side
    grant = care_grant(
        actor=admin, user_id=d.user("grid_worker").pk, district_code="370115", reason="授权矩阵"
    )
    w.add("grant", "A", Obj({"grant_id": grant.pk}))
    for _community, grid_key in PLACE.values():
        person = d.persons[grid_key][1]
        membership_enter(
            actor=None,
            data=EntryInput(
                person_id=person.pk, group="community_correction", entered_on=on, reason="矫正期"
            ),
        )


def _mediation(w: World) -> None:
    from gongzhi.mediation.enums import CaseSource, CommitteeLevel, DisputeKind, MediatorKind, Side
    from gongzhi.mediation.services.cases import CaseInput, DisputantInput, case_register
    from gongzhi.mediation.services.organisation import committee_create, mediator_add, room_create

    d = w.d
    for side in ("A", "B"):
        community_key, grid_key = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        committee = committee_create(
            actor=None,
            name=f"授权矩阵{label}人民调解委员会",
            short_name=f"矩{label}",
            level=CommitteeLevel.COMMUNITY,
            community_id=d.communities[community_key].pk,
        )
        w.add("mediation_committee", side, Obj({"committee_id": committee.pk}, [committee.name]))
        mediator = mediator_add(
            actor=None, committee_id=committee.pk, name=f"{label}调解员", kind=MediatorKind.ELDER
        )
        w.add("mediator", side, Obj({"mediator_id": mediator.pk}, [mediator.name]))
        room = room_create(
            actor=None, committee_id=committee.pk, name=f"{label}调解室", place=f"{label}二楼", hours="工作日"
        )
        w.add("mediation_room", side, Obj({"room_id": room.pk}, [room.name]))
        title = f"授权矩阵{label}漏水纠纷"
        case = case_register(
            actor=None,
            committee_id=committee.pk,
            data=CaseInput(
                source=CaseSource.VISIT,
                kind=DisputeKind.NEIGHBOURS,
                title=title,
                facts="楼上漏水",
                disputants=[
                    DisputantInput(side=Side.APPLICANT, person_id=d.persons[grid_key][0].pk),
                    DisputantInput(side=Side.RESPONDENT, name=f"{label}被申请人", phone="13912349876"),
                ],
            ),
        )
        w.add("mediation_case", side, Obj({"case_id": case.pk}, [title]))
        respondent = case.disputants.get(side=Side.RESPONDENT)
        w.add("disputant", side, Obj({"disputant_id": respondent.pk}, [title]))


def _venues(w: World) -> None:
    from gongzhi.venues.services.bookings import BookingInput, booking_create
    from gongzhi.venues.services.venues import VenueInput, venue_register

    d = w.d
    day = timezone.localdate() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        lng, lat = POINTS[side]
        venue = venue_register(
            actor=d.user("district_admin"),
            community_id=d.communities[community_key].pk,
            data=VenueInput(
                kind="service_centre",
                name=f"授权矩阵{label}党群服务中心",
                address=f"{label}路1号",
                lng=lng,
                lat=lat,
            ),
        )
        w.add("venue", side, Obj({"venue_id": venue.pk}, [venue.name]))
        booking = booking_create(
            actor=d.user("district_admin"),
            venue_id=venue.pk,
            data=BookingInput(
                starts_at=start, ends_at=start + dt.timedelta(hours=1), purpose=f"授权矩阵{label}议事会"
            ),
        )
        w.add("booking", side, Obj({"booking_id": booking.pk}, [booking.purpose]))


def _training(w: World) -> None:
    from gongzhi.training.services.attendance import training_attendance_record
    from gongzhi.training.services.certificates import training_certificate_issue
    from gongzhi.training.services.plans import CourseInput, course_create, training_plan_create
    from gongzhi.training.services.sessions import training_session_schedule
    from gongzhi.training.services.trainees import trainee_register

    d = w.d
    admin = d.user("district_admin")
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        community = d.communities[community_key]
        plan = training_plan_create(
            actor=admin,
            place_code=community.code,
            year=timezone.localdate().year,
            title=f"授权矩阵{label}培训计划",
        )
        w.add("training_plan", side, Obj({"plan_id": plan.pk}, [plan.title]))
        course = course_create(
            actor=admin,
            plan_id=plan.pk,
            data=CourseInput(
                title=f"授权矩阵{label}课程", trainer_name="讲师", trainer_kind="expert", format="lecture"
            ),
        )
        w.add("course", side, Obj({"course_id": course.pk}, [course.title]))
        session = training_session_schedule(
            actor=admin,
            course_id=course.pk,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place_text="会议室",
        )
        w.add("training_session", side, Obj({"session_id": session.pk}, [course.title]))
        # the A trainee is the grid worker's own record (they read their certificate); B's has no account
        trainee = trainee_register(
            actor=admin,
            community_id=community.pk,
            name=f"授权矩阵{label}学员",
            kind="grid_worker",
            user_id=d.user("grid_worker").pk if side == "A" else None,
        )
        w.add("trainee", side, Obj({"trainee_id": trainee.pk}, [trainee.name]))
        training_attendance_record(actor=admin, session_id=session.pk, trainee_id=trainee.pk)
        cert = training_certificate_issue(actor=admin, course_id=course.pk, trainee_id=trainee.pk)
        w.add("completion_certificate", side, Obj({"certificate_id": cert.pk}, [cert.number, trainee.name]))


def _devices(w: World) -> None:
    """A device in each side's grid with one event; A's event carries a scene snapshot. The B device is
    offline (the offline list must not show it to scoped accounts)."""
    import base64
    import io

    from PIL import Image

    from gongzhi.devices import signing
    from gongzhi.devices.models import Device, DeviceEvent
    from gongzhi.devices.payload import event_of
    from gongzhi.devices.selectors import request_verify
    from gongzhi.devices.services.events import device_event_receive
    from gongzhi.devices.services.platforms import platform_create, platform_key_issue
    from gongzhi.devices.services.registry import DeviceInput, device_register

    d = w.d
    admin = d.user("district_admin")
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 90, 90)).save(buf, format="JPEG")
    picture = base64.b64encode(buf.getvalue()).decode()
    for side, (community_key, grid_key) in PLACE.items():
        label = "甲方" if side == "A" else "乙方"
        platform = platform_create(
            actor=admin, name=f"授权矩阵{label}监控平台", place_code=d.communities[community_key].code
        )
        issued = platform_key_issue(actor=admin, platform_id=platform.pk)
        w.add(
            "device_platform",
            side,
            Obj({"platform_id": platform.pk, "key_id": issued.key.pk}, [platform.name]),
        )
        device = device_register(
            actor=admin,
            data=DeviceInput(
                code=f"AUTHZ-{side}-001",
                name=f"授权矩阵{label}消防通道摄像头",
                kind="fire_lane_camera",
                grid_code=d.grids[grid_key].code,
                platform_id=platform.pk,
            ),
        )
        w.add("device", side, Obj({"device_id": device.pk}, [device.name, device.code]))
        now = timezone.now()
        body = f"authz-{side}".encode()
        verified = request_verify(
            key_id=issued.key.key_id,
            timestamp=str(int(now.timestamp())),
            signature_header="v1=" + signing.sign(issued.secret, int(now.timestamp()), body),
            body=body,
        )
        data = event_of(
            {
                "event_id": f"authz-{side}",
                "device": device.code,
                "kind": "fire_lane_blocked",
                "snapshot": picture,
            },
            now=now,
        )
        got = device_event_receive(verified=verified, data=data)
        w.add("device_event", side, Obj({"event_id": got.event.pk}, [device.name]))
        assert DeviceEvent.objects.get(pk=got.event.pk).snapshot_id
    Device.objects.filter(code="AUTHZ-B-001").update(status="offline", offline_since=timezone.now())


def _socialorgs(w: World) -> None:
    from gongzhi.socialorgs.services.contests import (
        contest_entry_add,
        contest_judge_add,
        contest_open,
        contest_scoring_start,
    )
    from gongzhi.socialorgs.services.organizations import (
        ProfileInput,
        WorkerInput,
        incubation_enter,
        social_worker_register,
        socialorg_register,
    )
    from gongzhi.socialorgs.services.projects import FundedProjectInput, funded_project_apply

    d = w.d
    admin = d.user("district_admin")
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        profile = socialorg_register(
            actor=admin,
            community_id=d.communities[community_key].pk,
            name=f"授权矩阵{label}社会组织",
            data=ProfileInput(
                kind="community_service",
                legal_status="filed",
                field="为老服务",
                filing_number=f"AUTHZ-{side}",
                party_instructor=f"{label}指导员",
                contact_phone="13900001111" if side == "A" else "13900002222",
            ),
        )
        org_id = profile.organization_id
        w.add("social_org", side, Obj({"organization_id": org_id}, [profile.organization.name]))
        inc = incubation_enter(
            actor=admin,
            organization_id=org_id,
            cohort=f"{label}批次",
            mentor_name="导师",
            milestones=[(f"{label}节点", timezone.localdate() + dt.timedelta(days=30))],
        )
        w.add("incubation", side, Obj({"incubation_id": inc.pk}, [inc.cohort]))
        w.add("milestone", side, Obj({"milestone_id": inc.milestones.get().pk}, [inc.cohort]))
        project = funded_project_apply(
            actor=admin,
            organization_id=org_id,
            data=FundedProjectInput(
                year=timezone.localdate().year,
                title=f"授权矩阵{label}创投项目",
                summary="助老服务",
                category="elderly_care",
                beneficiaries="独居老人",
                requested_yuan="8000.00",
            ),
        )
        w.add("funded_project", side, Obj({"project_id": project.pk}, [project.title]))
        sub = d.subdistricts[side]
        contest = contest_open(
            actor=admin,
            subdistrict_code=sub.code,
            year=timezone.localdate().year,
            title=f"授权矩阵{label}大赛",
        )
        entry = contest_entry_add(
            actor=admin, contest_id=contest.pk, organization_id=org_id, title=f"授权矩阵{label}参赛项目"
        )
        contest_judge_add(actor=admin, contest_id=contest.pk, username="district_admin")
        contest_scoring_start(actor=admin, contest_id=contest.pk)
        w.add("contest", side, Obj({"contest_id": contest.pk}, [contest.title]))
        w.add("contest_entry", side, Obj({"entry_id": entry.pk}, [entry.title]))
        worker = social_worker_register(
            actor=admin,
            community_id=d.communities[community_key].pk,
            data=WorkerInput(
                name=f"授权矩阵{label}社工",
                kind="licensed_social_worker",
                level="社会工作师",
                certificate_number=f"AUTHZ-SG-{side}",
                issued_on=dt.date(2024, 1, 1),
            ),
        )
        w.add("social_worker", side, Obj({"worker_id": worker.pk}, [worker.name]))


def _stairwells(w: World) -> None:
    from gongzhi.stairwells.models import Stairwell
    from gongzhi.stairwells.services.captains import captain_election_open, captains_bulk_appoint
    from gongzhi.stairwells.services.register import stairwells_register_community

    d = w.d
    for side in ("A", "B"):
        community_key, grid_key = PLACE[side]
        stairwells_register_community(actor=None, community_id=d.communities[community_key].pk)
        sw = Stairwell.objects.get(grid_code=d.grids[grid_key].code)
        w.add("stairwell", side, Obj({"stairwell_id": sw.pk}, [sw.label]))
        person = d.persons[grid_key][0]
        e = captain_election_open(
            actor=d.user("district_admin"), stairwell_id=sw.pk, candidate_ids=[person.pk]
        )
        w.add("election", side, Obj({"election_id": e.pk}, [sw.label]))
        (post,) = captains_bulk_appoint(actor=None, rows=[(sw, "captain", d.persons[grid_key][1], None)])
        w.add("captain", side, Obj({"captain_id": post.pk}, [sw.label]))


def _campaigns(w: World) -> None:
    from gongzhi.campaigns.services.campaigns import CampaignInput, campaign_create
    from gongzhi.campaigns.services.rounds import inspection_duty_assign

    d = w.d
    admin = d.user("district_admin")
    today = timezone.localdate()
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        campaign = campaign_create(
            actor=admin,
            data=CampaignInput(
                place_code=d.communities[community_key].code,
                kind="inspection",
                round_kind="fire_lane",
                title=f"授权矩阵{label}消防通道巡查",
                starts_on=today,
                ends_on=today + dt.timedelta(days=30),
            ),
        )
        w.add("campaign", side, Obj({"campaign_id": campaign.pk}, [campaign.title]))
        duty = inspection_duty_assign(
            actor=admin,
            campaign_id=campaign.pk,
            inspector_id=(d.user("grid_worker") if side == "A" else admin).pk,
            responsibility="检查消防通道",
            section=f"授权矩阵{label}地段",
            starts_at=dt.time(0, 0),
            ends_at=dt.time(23, 59),
        )
        w.add("inspection_duty", side, Obj({"duty_id": duty.pk}, [duty.section]))


def _resettlement(w: World) -> None:
    from gongzhi.resettlement.services import draws, households, projects

    d = w.d
    admin = d.user("district_admin")
    for side in ("A", "B"):
        community_key, _grid = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        project = projects.resettlement_project_create(
            actor=admin,
            place_code=d.communities[community_key].code,
            name=f"授权矩阵{label}安置项目",
            estate_name=f"{label}安置小区",
            max_over_area="10",
        )
        projects.price_bands_set(
            actor=admin,
            project_id=project.pk,
            bands=[
                projects.BandInput(lower="-1000", upper="0", price="2500", label="退款"),
                projects.BandInput(lower="0", upper=None, price="3000", label="补款"),
            ],
        )
        hh = households.eligible_household_add(
            actor=admin,
            project_id=project.pk,
            data=households.HouseholdInput(
                key=f"{side}-001",
                former_village=f"{label}村",
                head_name=f"授权矩阵{label}户主",
                entitled_area="90",
            ),
        )
        households.housing_units_add_rows(
            actor=admin,
            project_id=project.pk,
            rows=[
                households.UnitInput(kind="flat", number=f"{side}-1-101", building="1", floor=1, area="90")
            ],
        )
        draws.draw_commit(actor=admin, project_id=project.pk)
        for name in ("见证人甲", "见证人乙"):
            draws.draw_witness_add(actor=admin, project_id=project.pk, name=name, capacity="村民代表")
        draws.draw_run(actor=admin, project_id=project.pk)
        w.add("resettlement_project", side, Obj({"project_id": project.pk}, [project.name, hh.head_name]))
        w.add("eligible_household", side, Obj({"household_id": hh.pk}, [hh.head_name]))


def _councils(w: World) -> None:
    from gongzhi.councils import services as cs
    from gongzhi.councils.enums import MemberCategory
    from gongzhi.party.models import PartyOrganization

    d = w.d
    admin = d.user("district_admin")
    today = timezone.localdate()
    now = timezone.now()
    for side in ("A", "B"):
        community_key, grid_key = PLACE[side]
        label = "甲方" if side == "A" else "乙方"
        community = d.communities[community_key]
        council = cs.council_create(
            actor=admin, community_id=community.pk, data=cs.CouncilInput(name=f"授权矩阵{label}议事会")
        )
        w.add("council", side, Obj({"council_id": council.pk}, [council.name]))
        members = [
            cs.council_member_add(
                actor=admin,
                council_id=council.pk,
                data=cs.MemberInput(name=f"矩阵{label}成员{i}", category=MemberCategory.RESIDENT_REP),
            )
            for i in range(3)
        ]
        # a topic open for opinions (the resident of A reads it on H5)
        topic = cs.topic_propose(
            actor=None, council_id=council.pk, data=cs.TopicInput(title=f"授权矩阵{label}议题")
        )
        cs.topic_accept(actor=admin, topic_id=topic.pk)
        cs.topic_consultation_open(actor=admin, topic_id=topic.pk, closes_on=today + dt.timedelta(days=10))
        w.add("topic", side, Obj({"topic_id": topic.pk}, [topic.title]))
        # a topic decided at a held meeting, its resolution publicised
        decided = cs.topic_propose(
            actor=None, council_id=council.pk, data=cs.TopicInput(title=f"授权矩阵{label}决议题")
        )
        cs.topic_accept(actor=admin, topic_id=decided.pk)
        meeting = cs.meeting_schedule(
            actor=admin,
            council_id=council.pk,
            data=cs.MeetingInput(
                title=f"授权矩阵{label}会议",
                starts_at=now - dt.timedelta(hours=1),
                ends_at=now + dt.timedelta(hours=1),
                location="会议室",
            ),
            topic_ids=[decided.pk],
        )
        for m in members:
            cs.meeting_attendance_record(actor=admin, meeting_id=meeting.pk, member_id=m.pk)
        cs.meeting_topic_decide(
            actor=admin,
            item_id=meeting.agenda.get().pk,
            votes={m.pk: "for" for m in members},
            resolution=cs.ResolutionInput(content=f"授权矩阵{label}决议内容"),
        )
        cs.meeting_minutes_record(actor=admin, meeting_id=meeting.pk, minutes=f"授权矩阵{label}纪要")
        w.add("meeting", side, Obj({"meeting_id": meeting.pk}, [meeting.title, members[0].name]))
        resolution = decided.__class__.objects.get(pk=decided.pk).resolution
        cs.resolution_notice_publish(actor=admin, resolution_id=resolution.pk)
        w.add("resolution", side, Obj({"resolution_id": resolution.pk}, [resolution.number]))
        grid = d.grids[grid_key]
        branch = PartyOrganization(kind="grid_branch", name=f"授权矩阵{label}支部")
        branch.set_place_codes(grid_code=grid.code)
        branch.save()
        proposal = cs.proposal_submit(
            actor=admin, branch_id=branch.pk, title=f"授权矩阵{label}提案", content="内容"
        )
        w.add("proposal", side, Obj({"proposal_id": proposal.pk}, [proposal.title]))
        place = cs.appointment_place_create(
            actor=admin, community_id=community.pk, name=f"授权矩阵{label}连心亭"
        )
        session = cs.appointment_schedule(
            actor=admin,
            place_id=place.pk,
            sessions=[cs.SessionInput(date=today, secretary_name=f"矩阵{label}书记")],
        )[0]
        w.add("appointment_session", side, Obj({"session_id": session.pk}, [place.name]))


def _property(w: World) -> None:
    """红色物业: per side, a company serving the community's estate, its owners' committee, 同心桥 branch,
    a red captain, a 党建联盟 of the subdistrict, and a matter proposed to the joint meeting (a topic)."""
    from gongzhi.places.models import Estate
    from gongzhi.property.enums import BranchSide, CommitteePost, ProposerKind, ServiceKind
    from gongzhi.property.services.estates import (
        BranchInput,
        CommitteeInput,
        CommitteeMemberInput,
        RepresentativeInput,
        estate_service_set,
        owners_committee_elect,
        red_captain_post_assign,
        tongxinqiao_branch_found,
    )
    from gongzhi.property.services.matters import MatterInput, property_matter_propose
    from gongzhi.property.services.register import (
        CompanyInput,
        OrganizationInput,
        property_company_register,
        property_organization_create,
    )

    d = w.d
    admin = d.user("district_admin")
    for n, side in enumerate(("A", "B"), start=1):
        community_key, _grid = PLACE[side]
        sub = d.subdistricts[side]
        label = "甲方" if side == "A" else "乙方"
        estate = Estate.objects.get(community=d.communities[community_key])
        w.add("estate", side, Obj({"estate_id": estate.pk}, [estate.name]))
        company = property_company_register(
            actor=admin,
            subdistrict_id=sub.pk,
            data=CompanyInput(
                name=f"授权矩阵{label}物业公司", uscc=_uscc(900 + n), manager_name=f"{label}经理"
            ),
        )
        w.add("property_company", side, Obj({"company_id": company.pk}, [company.name]))
        org = property_organization_create(
            actor=admin,
            data=OrganizationInput(
                kind="alliance", name=f"授权矩阵{label}红色物业党建联盟", subdistrict_id=sub.pk
            ),
        )
        w.add("property_organization", side, Obj({}, [org.name]))
        estate_service_set(actor=admin, estate_id=estate.pk, kind=ServiceKind.COMPANY, company_id=company.pk)
        committee = owners_committee_elect(
            actor=admin,
            estate_id=estate.pk,
            data=CommitteeInput(
                elected_on=timezone.localdate(),
                name=f"授权矩阵{label}业委会",
                members=[CommitteeMemberInput(name=f"{label}主任", post=CommitteePost.CHAIR)],
            ),
        )
        w.add(
            "owners_committee",
            side,
            Obj({"estate_id": estate.pk, "committee_id": committee.pk}, [committee.name]),
        )
        branch = tongxinqiao_branch_found(
            actor=admin,
            estate_id=estate.pk,
            data=BranchInput(
                name=f"授权矩阵{label}同心桥党支部",
                representatives=[
                    RepresentativeInput(side=BranchSide.COMPANY, name=f"{label}物业代表"),
                    RepresentativeInput(side=BranchSide.COMPANY, name=f"{label}物业代表二"),
                    RepresentativeInput(side=BranchSide.OWNERS_COMMITTEE, name=f"{label}业委会代表"),
                    RepresentativeInput(side=BranchSide.GRID, name=f"{label}网格党员"),
                ],
            ),
        )
        w.add(
            "tongxinqiao_branch", side, Obj({"estate_id": estate.pk, "branch_id": branch.pk}, [branch.name])
        )
        rep = branch.representatives.get(name=f"{label}物业代表二")
        w.add(
            "branch_representative",
            side,
            Obj({"estate_id": estate.pk, "representative_id": rep.pk}, [rep.name]),
        )
        post = red_captain_post_assign(
            actor=admin, estate_id=estate.pk, kind="red_captain", holder_name=f"{label}红楼长"
        )
        w.add("captain_post", side, Obj({"estate_id": estate.pk, "post_id": post.pk}, [post.holder_name]))
        matter = property_matter_propose(
            actor=admin,
            estate_id=estate.pk,
            data=MatterInput(
                title=f"授权矩阵{label}物业议事",
                description="增设充电车棚",
                proposer_kind=ProposerKind.COMPANY,
            ),
        )
        w.add("property_matter", side, Obj({"matter_id": matter.pk}, [matter.title]))
        w.add("property_topic", side, Obj({"topic_id": matter.topic_id}, [matter.title]))


def _registers(w: World) -> None:
    """台账: an import of units by scope A's community worker that was refused (a bad row), so its error
    report exists; no B side (the small district has no community manager in B)."""
    from gongzhi.core.cells import new_workbook
    from gongzhi.registers.services.imports import register_import
    from gongzhi.registers.sheets import UNITS

    wb = new_workbook()
    ws = wb.active
    ws.title = UNITS.sheet
    ws.append(list(UNITS.headers))
    ws.append([w.d.communities["A1"].code, "银山测试单位", "91370100MA0000001X", "机关", "", "", ""])
    record = register_import(
        actor=w.d.user("community_worker"), kind="units", file_name="units.xlsx", content=wb.to_bytes()
    )
    w.add("register_import", "A", Obj({"import_id": record.pk}))


def _jobs(w: World) -> None:
    """A population check started in the background by the grid worker (A) and by the other grid's (B)."""
    from gongzhi.people.imports import population_import_enqueue

    d = w.d
    b_worker = User.objects.get(username="authz_b_grid_worker")  # g4's grid worker (_patrols)
    for side, starter, grid in (("A", d.user("grid_worker"), "g1"), ("B", b_worker, "g4")):
        content = f"网格编码,门牌号,姓名\n{d.grids[grid].code},101,{side}号检查\n".encode()
        job = population_import_enqueue(actor=starter, file_name=f"{side}.csv", content=content, dry_run=True)
        w.add("job", side, Obj({"job_id": job.pk}, [job.label]))


def _assessment(w: World) -> None:
    """考核: a grid workers' indicator set per subdistrict (A, B), computed and published by the system, and
    each side's grid worker's sheet (A: the g1 grid worker's; B: g4's)."""
    from gongzhi.assessment.models import Result
    from gongzhi.assessment.services._validation import LineInput, SetInput
    from gongzhi.assessment.services.runs import assessment_run_compute, assessment_run_publish
    from gongzhi.assessment.services.sets import indicator_set_create

    d = w.d
    b_worker = User.objects.get(username="authz_b_grid_worker")
    for side, sub, worker in (("A", "A", d.user("grid_worker")), ("B", "B", b_worker)):
        name = f"{d.subdistricts[sub].name}网格员考核"
        s = indicator_set_create(
            actor=None,
            place_code=d.subdistricts[sub].code,
            data=SetInput(
                name=name,
                year=timezone.localdate().year,
                subject_kind="worker",
                lines=[LineInput("tickets_found", 50, 4), LineInput("on_time_rate", 50, 100)],
            ),
        )
        run = assessment_run_publish(actor=None, run_id=assessment_run_compute(actor=None, set_id=s.pk).pk)
        result = Result.objects.get(run=run, subject_user=worker)
        w.add("assessment_set", side, Obj({"set_id": s.pk}, [name]))
        w.add("assessment_run", side, Obj({"run_id": run.pk}, [name]))
        w.add("assessment_result", side, Obj({"result_id": result.pk}, [name]))


def build_world() -> World:
    d = build_small_district()
    w = World(d=d)
    for role in Role:
        w.users[role.value] = d.user(role.value)
    _places(w)
    _tickets(w)
    _patrols(w)
    _party(w)
    _party_members(w)
    _cobuild(w)
    _mediation(w)
    _volunteers(w)
    _care(w)
    _venues(w)
    _training(w)
    _devices(w)
    _socialorgs(w)
    _stairwells(w)
    _campaigns(w)
    _resettlement(w)
    _councils(w)
    _property(w)
    _registers(w)
    _jobs(w)
    _assessment(w)
    return w
