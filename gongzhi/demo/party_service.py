"""Demo: each community publishes service posts and items, in-service members claim them, and their
service over the year is on record (confirmed by the community), through the serving services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.demo.layout import username_stem
from gongzhi.demo.population import TODAY
from gongzhi.party.enums import RegistrationStatus, ServiceItemKind
from gongzhi.party.models import MemberRegistration, Unit
from gongzhi.party.services.registration import member_register
from gongzhi.party.services.serving import claim_create, service_item_publish
from gongzhi.party.services.serving_bulk import RecordRow, service_records_bulk_confirmed
from gongzhi.places.models import Community

ITEMS = [
    (ServiceItemKind.POST, "楼道文明督导岗", ["general"], "每周巡查楼道堆物、张贴宣传"),
    (ServiceItemKind.POST, "网格政策宣讲员", ["publicity"], "入户宣讲惠民政策"),
    (ServiceItemKind.ITEM, "独居老人结对帮扶", ["elderly_care"], "每月至少上门探访两次"),
    (ServiceItemKind.ITEM, "四点半课堂", ["education"], "放学后为双职工家庭孩子辅导作业"),
    (ServiceItemKind.ITEM, "社区义诊", ["medical"], "测血压、血糖，健康咨询"),
    (ServiceItemKind.ITEM, "法律明白人进社区", ["legal"], "法律咨询、化解邻里矛盾"),
]
DEEDS = [
    ("清理楼道堆物", "3号楼住户"),
    ("入户宣讲医保政策", "网格内老年居民"),
    ("陪同独居老人就医", "独居老人"),
    ("辅导小学生作业", "双职工家庭儿童"),
    ("社区义诊测血压", "社区居民"),
    ("调解邻里漏水纠纷", "2单元住户"),
    ("参与垃圾分类值守", "小区居民"),
    ("协助疫苗接种登记", "社区居民"),
]


def _py_secretary(community: Community) -> User:
    return User.objects.get(username=f"{username_stem(community.name)}-sj")


def seed_service(seeder: Any) -> dict[str, int]:
    rng = seeder.gen.rng
    totals = {"items": 0, "claims": 0, "records": 0}
    start = dt.date(TODAY.year, 1, 1).toordinal()
    end = TODAY.toordinal()
    for community in Community.objects.order_by("code"):
        secretary = _py_secretary(community)
        members = list(
            MemberRegistration.objects.filter(community=community, status=RegistrationStatus.ACCEPTED)
            .order_by("member_id")
            .values_list("member_id", flat=True)
        )
        items = [
            service_item_publish(
                actor=secretary,
                community_id=community.pk,
                kind=kind,
                title=title,
                skills=skills,
                description=description,
                capacity=30,
            )
            for kind, title, skills, description in rng.sample(ITEMS, 4)
        ]
        totals["items"] += len(items)
        claimed: dict[int, int] = {}
        for item in items:
            for member_id in rng.sample(members, min(len(members), rng.randint(8, 20))):
                if member_id in claimed:
                    continue
                claim = claim_create(
                    actor=secretary, item_id=item.pk, pledge=f"参加{item.title}", member_id=member_id
                )
                claimed[member_id] = claim.pk
                totals["claims"] += 1
        rows: list[RecordRow] = []
        for member_id in members:
            if rng.random() > 0.65:  # a third of the registered members have not served yet this year
                continue
            days = sorted({dt.date.fromordinal(rng.randint(start, end)) for _ in range(rng.randint(1, 3))})
            for day in days:
                content, beneficiaries = rng.choice(DEEDS)
                rows.append(
                    RecordRow(
                        member_id=member_id,
                        served_on=day,
                        hours=Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "4"])),
                        content=content,
                        beneficiaries=beneficiaries,
                        claim_id=claimed.get(member_id),
                        rating=rng.choice([4, 5, 5]),
                    )
                )
        totals["records"] += service_records_bulk_confirmed(
            actor=secretary, community_id=community.pk, rows=rows
        )
        # A few registrations still waiting in the community's inbox, as on any working day.
        unit = Unit.objects.filter(community=community).order_by("pk").first()
        for _ in range(2):
            member_register(
                actor=secretary,
                community_id=community.pk,
                name=seeder.name(),
                phone=seeder.gen.phone(),
                address=f"{community.name}{rng.randint(1, 12)}号楼{rng.randint(1, 2)}单元{rng.randint(1, 6)}0{rng.randint(1, 2)}室",
                unit_id=unit.pk if unit else None,
                workplace_org="" if unit else "区直机关党支部",
                skills=[rng.choice(["medical", "legal", "education", "repair"])],
                services_offered="周末可参加志愿服务",
                available_times="周六上午",
            )
            totals["pending"] = totals.get("pending", 0) + 1
    return totals
