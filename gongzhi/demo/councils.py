"""Demo: a year of co-governance (协商议事) through the councils' services — a 民情议事会 in every community
(6+X, its members by category), topics in every state (the seed's 清华园 heating pipes and parking in the
first community), two meetings each with attendance, votes and minutes, resolutions carried out, an
overdue milestone, published results rated by residents; 党群提案 of the grid branches; 书记有约 at two
places per community every month, with demands turned into tickets (the duty secretary first responder),
answered on the spot or sent to the council, and callbacks at the next session day."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core.roles import Role
from gongzhi.councils import services as cs
from gongzhi.councils.enums import MemberCategory, TopicSource
from gongzhi.councils.models import Resolution
from gongzhi.demo.population import TODAY
from gongzhi.places.models import Community, Grid

MEMBERS = [
    (MemberCategory.PARTY_COMMITTEE, "社区党委书记"),
    (MemberCategory.RESIDENT_REP, "居民代表"),
    (MemberCategory.RESIDENT_REP, "居民代表"),
    (MemberCategory.OWNERS_COMMITTEE, "业委会主任"),
    (MemberCategory.PROPERTY, "物业项目经理"),
    (MemberCategory.UNIT, "驻区单位代表"),
    (MemberCategory.DEPARTMENT, "街道城管科"),
]
# (title, description) per state, the first community's from seed 001 (清华园).
FIRST = {
    "published": ("清华园小区供热管网改造", "小区供热管网老化漏水，冬季室温不达标，居民多次反映。"),
    "implementing": ("清华园小区停车难治理", "车位不足、乱停乱放，消防通道被占。"),
}
TOPICS = {
    "published": ("老旧小区供热管网更换", "管网锈蚀，供暖季多处漏水。"),
    "implementing": ("小区停车秩序整治", "车位紧张，消防通道常被占用。"),
    "resolved": ("楼道加装扶手", "高龄老人上下楼不便。"),
    "voted_down": ("小区内增设收费停车位", "拟将绿地改建为收费车位。"),
    "declined": ("邻居家装修噪音", "属个人纠纷，建议人民调解。"),
    "consulting": ("小区加装电动车充电桩", "电动车楼道充电隐患大。"),
}


def _staff(role: str, code: str) -> User | None:
    ra = RoleAssignment.objects.filter(role=role, place_code=code, active=True).select_related("user").first()
    return ra.user if ra else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_councils(seeder: Any) -> dict[str, int]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed(seeder)


def _seed(seeder: Any) -> dict[str, int]:
    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    residents = list(User.objects.filter(username__in=["jumin1", "jumin2"]).order_by("username"))
    totals = {"councils": 0, "topics": 0, "meetings": 0, "proposals": 0, "sessions": 0, "demands": 0}
    today = timezone.localdate()
    year_start = dt.date(TODAY.year, 1, 1)
    communities = list(Community.objects.order_by("code"))
    for n, community in enumerate(communities):
        secretary = _staff(Role.COMMUNITY_SECRETARY, community.code) or admin
        worker = _staff(Role.COMMUNITY_WORKER, community.code) or admin
        council = cs.council_create(
            actor=admin,
            community_id=community.pk,
            data=cs.CouncilInput(
                name=f"{community.name}民情议事会",
                pattern="6+x" if n % 3 else "1+x+1",
                description="党组织领导，居民、业委会、物业、驻区单位和职能部门共同商量，议题征集—调研—表决—公开。",
                term_start=dt.date(TODAY.year - 1, 1, 1),
                term_end=dt.date(TODAY.year + 1, 12, 31),
            ),
        )
        totals["councils"] += 1
        members = [
            cs.council_member_add(
                actor=admin,
                council_id=council.pk,
                data=cs.MemberInput(name=seeder.name(), category=cat, title=title),
            )
            for cat, title in MEMBERS
        ]
        texts = {**TOPICS, **(FIRST if n == 0 else {})}
        topics = {}
        for state, (title, body) in texts.items():
            topics[state] = cs.topic_propose(
                actor=worker, council_id=council.pk, data=cs.TopicInput(title=title, description=body)
            )
        for state, topic in topics.items():
            if state == "declined":
                cs.topic_decline(
                    actor=secretary, topic_id=topic.pk, reason="属于邻里个人纠纷，已转人民调解委员会"
                )
            else:
                cs.topic_accept(actor=secretary, topic_id=topic.pk)
        totals["topics"] += len(topics)
        spring = year_start + dt.timedelta(days=60 + n)
        cs.topic_field_visit_record(
            actor=worker,
            topic_id=topics["published"].pk,
            visited_on=spring - dt.timedelta(days=10),
            location="小区换热站及3号楼",
            findings="主管网锈蚀严重，多处补漏；物业、供热公司到场。",
            participants="社区、物业、供热公司、居民代表",
        )
        cs.topic_consultation_open(
            actor=worker,
            topic_id=topics["published"].pk,
            opens_on=spring - dt.timedelta(days=20),
            closes_on=spring - dt.timedelta(days=5),
        )
        cs.topic_paper_opinions_record(
            actor=worker,
            topic_id=topics["published"].pk,
            support=rng.randint(40, 90),
            oppose=rng.randint(1, 8),
            neutral=rng.randint(0, 5),
        )
        # Meeting 1 in spring: heating adopted, parking adopted, paid parking voted down.
        m1 = cs.meeting_schedule(
            actor=secretary,
            council_id=council.pk,
            data=cs.MeetingInput(
                title=f"{community.name}民情议事会{spring:%Y年%m月}联席会议",
                starts_at=_at(spring, 15),
                ends_at=_at(spring, 17),
                location=f"{community.name}党群服务中心",
                host=members[0].name,
                recorder="社区工作者",
            ),
            topic_ids=[topics["published"].pk, topics["implementing"].pk, topics["voted_down"].pk],
        )
        cs.meeting_invite(actor=secretary, meeting_id=m1.pk)
        present = members[:6]
        for m in present:
            cs.meeting_attendance_record(actor=secretary, meeting_id=m1.pk, member_id=m.pk)
        items = list(m1.agenda.order_by("position"))
        cs.meeting_topic_decide(
            actor=secretary,
            item_id=items[0].pk,
            votes={m.pk: "for" for m in present},
            resolution=cs.ResolutionInput(
                content="分两期更换小区供热主管网，物业牵头、供热公司施工，费用按维修资金规定列支。",
                owner_name="物业服务企业",
                due_on=spring + dt.timedelta(days=150),
            ),
        )
        cs.meeting_topic_decide(
            actor=secretary,
            item_id=items[1].pk,
            votes={m.pk: ("for" if i < 5 else "abstain") for i, m in enumerate(present)},
            resolution=cs.ResolutionInput(
                content="施划车位、清理消防通道，错时共享周边单位车位。",
                owner_name="社区居委会",
                due_on=TODAY + dt.timedelta(days=30),
            ),
        )
        cs.meeting_topic_decide(
            actor=secretary,
            item_id=items[2].pk,
            votes={m.pk: ("against" if i < 4 else "for") for i, m in enumerate(present)},
        )
        cs.meeting_minutes_record(
            actor=secretary,
            meeting_id=m1.pk,
            minutes="会议听取了供热管网和停车问题的调研情况，逐项表决：供热管网改造、停车整治通过；"
            "绿地改建收费车位未通过，保留绿地。",
        )
        # Meeting 2 in autumn: handrails adopted.
        autumn = TODAY - dt.timedelta(days=40 - n)
        m2 = cs.meeting_schedule(
            actor=secretary,
            council_id=council.pk,
            data=cs.MeetingInput(
                title=f"{community.name}民情议事会{autumn:%Y年%m月}会议",
                starts_at=_at(autumn, 15),
                ends_at=_at(autumn, 16),
                location=f"{community.name}党群服务中心",
            ),
            topic_ids=[topics["resolved"].pk],
        )
        for m in members[:5]:
            cs.meeting_attendance_record(actor=secretary, meeting_id=m2.pk, member_id=m.pk)
        cs.meeting_topic_decide(
            actor=secretary,
            item_id=m2.agenda.get().pk,
            votes={m.pk: "for" for m in members[:5]},
            resolution=cs.ResolutionInput(
                content="为6栋老楼楼道加装扶手。",
                owner_name="社区居委会",
                due_on=TODAY + dt.timedelta(days=60),
            ),
        )
        cs.meeting_minutes_record(actor=secretary, meeting_id=m2.pk, minutes="一致同意加装楼道扶手。")
        totals["meetings"] += 2
        heating = Resolution.objects.get(topic=topics["published"])
        parking = Resolution.objects.get(topic=topics["implementing"])
        handrail = Resolution.objects.get(topic=topics["resolved"])
        for row in (heating, parking, handrail):
            cs.resolution_notice_publish(actor=worker, resolution_id=row.pk)
        cs.resolution_implementation_start(actor=worker, resolution_id=heating.pk)
        ms = cs.resolution_milestone_add(
            actor=worker,
            resolution_id=heating.pk,
            title="一期主管网更换",
            due_on=spring + dt.timedelta(days=90),
        )
        cs.resolution_milestone_done(actor=worker, milestone_id=ms.pk, done_on=spring + dt.timedelta(days=85))
        cs.resolution_complete(
            actor=secretary, resolution_id=heating.pk, result="主管网全部更换，入冬室温达标。"
        )
        cs.resolution_result_publish(actor=worker, resolution_id=heating.pk)
        cs.resolution_implementation_start(actor=worker, resolution_id=parking.pk)
        cs.resolution_milestone_add(
            actor=worker, resolution_id=parking.pk, title="施划停车位", due_on=TODAY - dt.timedelta(days=10)
        )
        cs.resolution_milestone_add(
            actor=worker, resolution_id=parking.pk, title="共享车位协议", due_on=TODAY + dt.timedelta(days=20)
        )
        cs.resolution_progress_update(
            actor=worker, resolution_id=parking.pk, progress=40, note="消防通道已清理"
        )
        # The consultation running now (the residents' H5 page takes opinions).
        cs.topic_consultation_open(
            actor=worker,
            topic_id=topics["consulting"].pk,
            opens_on=today - dt.timedelta(days=3),
            closes_on=today + dt.timedelta(days=14),
        )
        if n == 0:
            for i, resident in enumerate(residents):
                cs.resolution_rate(
                    actor=resident, resolution_id=heating.pk, score=5 - i, comment="家里暖和了"
                )
            if residents:
                cs.topic_opinion_give(
                    actor=residents[0], topic_id=topics["consulting"].pk, stance="support", text_="支持"
                )
                cs.topic_propose(
                    actor=residents[0],
                    council_id=council.pk,
                    data=cs.TopicInput(
                        title="小区垃圾分类亭位置调整", description="离单元门太近，夏天有异味。"
                    ),
                    source_kind=TopicSource.RESIDENT,
                )
                totals["topics"] += 1
        totals["proposals"] += _proposals(community, council, secretary, worker)
        s, dmd = _appointments(seeder, community, council, secretary, worker)
        totals["sessions"] += s
        totals["demands"] += dmd
    totals["seconds"] = round(time.monotonic() - t, 1)  # type: ignore[assignment]
    return totals


def _proposals(community: Community, council: Any, secretary: User, worker: User) -> int:
    from gongzhi.party.models import PartyOrganization

    branches = list(
        PartyOrganization.objects.filter(
            community_code=community.code, kind__in=("grid_branch", "joint_branch")
        ).order_by("pk")[:2]
    )
    count = 0
    for i, branch in enumerate(branches):
        row = cs.proposal_submit(
            actor=worker,
            branch_id=branch.pk,
            title=("楼院微更新：增设休闲座椅" if i == 0 else "独居老人助餐点"),
            content="支部党员走访收集，居民反映较多。",
            proposers=f"{branch.name}党员",
        )
        if i == 0:
            cs.proposal_accept(actor=secretary, proposal_id=row.pk, council_id=council.pk)
        else:
            cs.proposal_answer(
                actor=secretary, proposal_id=row.pk, answer="已纳入社区“三张清单”需求，与驻区餐饮单位对接。"
            )
        count += 1
    return count


def _appointments(
    seeder: Any, community: Community, council: Any, secretary: User, worker: User
) -> tuple[int, int]:
    rng = seeder.gen.rng
    places = [
        cs.appointment_place_create(
            actor=worker, community_id=community.pk, name=f"{community.name}连心亭", address="社区广场东侧"
        ),
        cs.appointment_place_create(
            actor=worker, community_id=community.pk, name=f"{community.name}党群服务站", address="小区南门"
        ),
    ]
    sessions_all = []
    for k, place in enumerate(places):
        days = [dt.date(TODAY.year, month, 10 + 10 * k) for month in range(1, 13)]
        sessions_all += cs.appointment_schedule(
            actor=worker,
            place_id=place.pk,
            sessions=[
                cs.SessionInput(
                    date=day,
                    secretary_name=secretary.display_name or secretary.username,
                    secretary_kind=("community" if day.month % 2 else "people"),
                    secretary_id=secretary.pk,
                )
                for day in days
            ],
        )
    past = [s for s in sessions_all if s.date < TODAY]
    cs.appointment_sessions_bulk_record(
        actor=worker,
        rows=[(s.pk, rng.randint(8, 30), rng.choice(["医保政策宣讲", "义诊", "法律咨询", ""])) for s in past],
    )
    grid = Grid.objects.filter(community=community, kind="residential").order_by("code").first()
    recent = sorted([s for s in past if s.place_id == places[0].pk], key=lambda s: s.date)[-2:]
    demands = []
    for s in recent:
        if grid is not None:
            demands.append(
                cs.appointment_demand_record(
                    actor=worker,
                    session_id=s.pk,
                    data=cs.DemandInput(
                        demand_type=rng.choice(["heating", "leak", "property"]),
                        description=rng.choice(["暖气不热", "顶楼漏水", "物业费收支不公开"]),
                        resident_name=seeder.name(),
                        resident_phone=f"139{rng.randint(10000000, 99999999)}",
                        grid_id=grid.pk,
                    ),
                )
            )
        demands.append(
            cs.appointment_demand_record(
                actor=worker,
                session_id=s.pk,
                data=cs.DemandInput(
                    demand_type="policy",
                    description="咨询高龄津贴申领",
                    resident_name=seeder.name(),
                    resident_phone=f"138{rng.randint(10000000, 99999999)}",
                    route="answer",
                    answer="当场讲解申领条件和材料",
                ),
            )
        )
    if recent:
        demands.append(
            cs.appointment_demand_record(
                actor=worker,
                session_id=recent[-1].pk,
                data=cs.DemandInput(
                    demand_type="parking",
                    description="小区停车难，需物业、业委会和周边单位共同商量",
                    resident_name=seeder.name(),
                    resident_phone=f"137{rng.randint(10000000, 99999999)}",
                    route="topic",
                    council_id=council.pk,
                ),
            )
        )
    # The first of the two days' ticketed demand: called back at the next day.
    if len(recent) == 2 and demands and demands[0].ticket_id:
        cs.appointment_callback_record(
            actor=worker,
            demand_id=demands[0].pk,
            session_id=recent[1].pk,
            result="reached",
            opinion="basic",
            note="已派物业处理，正在跟进",
        )
    return len(sessions_all), len(demands)
