"""Demo: care rosters from the register's tags, a year of visits and care visits, through the care services.

Every person tagged 独居老人 / 空巢老人 / 残疾人 / 低保户 / 留守儿童 / 退役军人, and party members born
before 1956 (老党员), enters the matching group of their community's roster, looked after by their grid's
worker, about a year ago (some lately, a few have left). Visits follow each person's frequency back over
the year in the first community (weekly ones over the last 16 weeks) and over the last period elsewhere,
most on time, some missed, so the overdue list has people on
it; a few dozen visits raise a need in the three lists or a ticket through the owning apps' services. The
Spring Festival, 七一 and 重阳 care visits fill the 慰问花名册. Two need-to-know members per community, and one
grant (the first community's first grid worker). Anchored on the real date, so the overdue list stays true.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.care.enums import FollowUp, Frequency, Occasion, due_after
from gongzhi.care.models import CareMembership
from gongzhi.care.services import (
    CareVisitInput,
    EntryInput,
    VisitInput,
    VisitRow,
    care_grant,
    care_visits_bulk_record,
    membership_enter,
    membership_exit,
    memberships_bulk_enter,
    visit_record,
    visits_bulk_record,
)
from gongzhi.core.roles import Role
from gongzhi.people.models import Person
from gongzhi.places.models import Community

TAG_GROUPS = {
    "elderly_alone": ("elderly_alone", "独居，子女在外地工作"),
    "empty_nest": ("empty_nest", "老两口同住，子女不在身边"),
    "disabled": ("disabled", "持残疾人证"),
    "low_income": ("low_income", "街道民政办认定低保"),
    "left_behind_child": ("left_behind_child", "父母外出务工，随祖辈生活"),
    "veteran": ("veteran", "退役军人服务站登记"),
}
FINDINGS: dict[str, list[tuple[str, str, str, str]]] = {
    # (living conditions, income, health, difficulty — "" when none)
    "elderly_alone": [
        ("独居平房，屋内整洁", "养老金每月约2800元", "高血压，按时服药", ""),
        ("楼房五楼无电梯", "养老金", "腿脚不便，下楼困难", "希望有人帮忙买菜"),
        ("冬季取暖靠电暖气", "养老金", "身体尚可", "卫生间无扶手，洗澡困难"),
    ],
    "empty_nest": [
        ("老两口同住，居住条件一般", "两人养老金", "老伴患糖尿病", ""),
        ("子女每周来一次", "养老金", "身体尚可", "想参加社区老年大学"),
    ],
    "disabled": [
        ("家人照护，无障碍设施不足", "残疾人两项补贴", "肢体残疾", "需要轮椅维修"),
        ("与父母同住", "低收入", "视力残疾", ""),
    ],
    "low_income": [
        ("租住老旧楼房", "低保金加零工收入", "身体尚可", "孩子上学需要辅导"),
        ("住房漏雨", "低保金", "慢性病", "房顶漏雨需要修缮"),
    ],
    "left_behind_child": [("随祖父母生活", "父母务工汇款", "健康", "放学后无人辅导作业")],
    "veteran": [("与家人同住，生活稳定", "退休金", "健康", ""), ("老伴去世后独居", "优抚金", "听力下降", "")],
    "old_party_member": [
        ("与子女同住", "退休金", "行动不便", "希望在家过组织生活"),
        ("独居", "退休金", "健康", ""),
    ],
}
NEEDS = {  # difficulty → (need title, category)
    "希望有人帮忙买菜": ("独居老人代买代办", "elderly_care"),
    "卫生间无扶手，洗澡困难": ("卫生间安装扶手", "elderly_care"),
    "需要轮椅维修": ("轮椅维修", "repair"),
    "孩子上学需要辅导": ("低保家庭子女课业辅导", "education"),
    "放学后无人辅导作业": ("留守儿童四点半课堂", "education"),
    "想参加社区老年大学": ("老年大学报名", "culture"),
}
TICKETS = {"房顶漏雨需要修缮": "走访发现：低保户房顶漏雨，需协调修缮"}
STEP_DAYS: dict[str, int] = {
    Frequency.WEEKLY: 7,
    Frequency.BIWEEKLY: 14,
    Frequency.MONTHLY: 30,
    Frequency.QUARTERLY: 91,
}
PERIODS: dict[str, int] = {
    Frequency.WEEKLY: 16,
    Frequency.BIWEEKLY: 26,
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
}
# Only the first community keeps a full year of visits (its 走访台账 fills every month); the others keep
# the last period of each person, which is all the overdue list and this month's figures read. A full
# year everywhere is about 137,000 visit rows at the default scale and dominated the demo's seed time.
RECENT_PERIODS = 1
FOLLOW_UPS_PER_COMMUNITY = 2


def _workers() -> dict[str, User]:
    out: dict[str, User] = {}
    for ra in (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, active=True)
        .select_related("user")
        .order_by("id")
    ):
        out.setdefault(ra.place_code, ra.user)
    return out


def _group_of(tags: list[str], birth: dt.date | None) -> list[tuple[str, str]]:
    out = [TAG_GROUPS[t] for t in tags if t in TAG_GROUPS]
    if "party_member" in tags and birth is not None and birth.year < 1956:
        out.append(("old_party_member", "党龄50年以上老党员"))
    return out


def seed_care(seeder: Any) -> dict[str, int]:
    rng = random.Random(seeder.seed + 22)
    today = timezone.localdate()
    workers = _workers()
    stats: defaultdict[str, int] = defaultdict(int)
    first = True
    for index, community in enumerate(Community.objects.order_by("code")):
        from gongzhi.demo.cobuild import _secretary

        secretary = _secretary(community)
        persons = list(Person.objects.filter(community_code=community.code).order_by("id"))
        rows = []
        for p in persons:
            for group, reason in _group_of(p.tags, p.birth_date):
                carer = workers.get(p.grid_code)
                entered = today - dt.timedelta(
                    days=rng.randint(20, 60) if rng.random() < 0.08 else rng.randint(370, 720)
                )
                rows.append(
                    EntryInput(
                        person_id=p.pk,
                        group=group,
                        entered_on=entered,
                        reason=reason,
                        carer_id=carer.pk if carer else None,
                    )
                )
        stats["members"] += memberships_bulk_enter(actor=secretary, community=community, rows=rows)
        by_person = {p.pk: p for p in persons}
        members = list(
            CareMembership.objects.filter(community_code=community.code, status="active").order_by("id")
        )
        # a few leave the group (moved away, income above the line)
        for m in members[:: max(1, len(members) // 2)][:2]:
            membership_exit(
                actor=secretary,
                membership_id=m.pk,
                exited_on=today - dt.timedelta(days=rng.randint(1, 15)),
                reason=rng.choice(["搬离本社区", "家庭收入超过低保标准"]),
            )
            stats["exited"] += 1
        visits = []
        followed = 0
        for m in members:
            if m.status != "active":
                continue
            p = by_person[m.person_id]
            carer = workers.get(p.grid_code)
            visitor = carer.display_label if carer else "社区工作者"
            step = STEP_DAYS[m.frequency]
            periods = PERIODS[m.frequency] if index == 0 else RECENT_PERIODS
            start = max(m.entered_on, today - dt.timedelta(days=step * periods))
            overdue_now = rng.random() < 0.12  # about one in eight is behind
            day = start + dt.timedelta(days=rng.randint(1, step - 1))
            while day <= today:
                last_period = day > today - dt.timedelta(days=step * 2)
                if not (last_period and overdue_now) and rng.random() < 0.92:
                    living, income, health, difficulty = rng.choice(
                        FINDINGS.get(m.group, FINDINGS["veteran"])
                    )
                    visits.append(
                        VisitRow(
                            person=p,
                            visited_on=day,
                            visitors=visitor,
                            living_conditions=living,
                            income=income,
                            health=health,
                            difficulties=difficulty if rng.random() < 0.3 else "",
                            mode="home" if rng.random() < 0.8 else "phone",
                        )
                    )
                day += dt.timedelta(days=step + rng.randint(-2, 2))
            if followed < FOLLOW_UPS_PER_COMMUNITY and carer is not None:
                living, income, health, difficulty = FINDINGS.get(m.group, FINDINGS["veteran"])[-1]
                if difficulty in NEEDS or difficulty in TICKETS:
                    title, category = NEEDS.get(difficulty, ("", ""))
                    visit_record(
                        actor=carer,
                        data=VisitInput(
                            person_id=p.pk,
                            visited_on=today - dt.timedelta(days=rng.randint(0, 3)),
                            visitors=visitor,
                            living_conditions=living,
                            income=income,
                            health=health,
                            difficulties=difficulty,
                            follow_up=FollowUp.NEED if title else FollowUp.TICKET,
                            need_title=title,
                            need_category=category,
                        ),
                    )
                    followed += 1
                    stats["follow_ups"] += 1
        stats["visits"] += visits_bulk_record(actor=secretary, community=community, rows=visits)
        # care visits: Spring Festival for everyone in care, 七一 for old party members, 重阳 for the elderly
        gifts = []
        spring = (
            dt.date(today.year, 1, 26)
            if today >= dt.date(today.year, 1, 26)
            else dt.date(today.year - 1, 1, 26)
        )
        for m in members:
            gifts.append(
                CareVisitInput(
                    person_id=m.person_id,
                    occasion=Occasion.SPRING_FESTIVAL,
                    visited_on=spring,
                    visitors=f"{community.name}党委书记、网格员",
                    given="米、面、油各一份",
                )
            )
            if m.group == "old_party_member":
                gifts.append(
                    CareVisitInput(
                        person_id=m.person_id,
                        occasion=Occasion.JULY_FIRST,
                        visited_on=dt.date(spring.year, 6, 30),
                        visitors="社区党委书记、党员志愿者",
                        given="慰问信、纪念章和营养品",
                    )
                )
            if m.group in ("elderly_alone", "empty_nest") and today >= dt.date(spring.year, 10, 29):
                gifts.append(
                    CareVisitInput(
                        person_id=m.person_id,
                        occasion=Occasion.DOUBLE_NINTH,
                        visited_on=dt.date(spring.year, 10, 29),
                        visitors="网格员、志愿者",
                        given="重阳糕和保暖护膝",
                    )
                )
        stats["care_visits"] += care_visits_bulk_record(actor=secretary, community=community, rows=gifts)
        # the need-to-know groups: two members, entered by the system (the register of the justice office)
        candidates = [
            p
            for p in persons
            if p.pk not in {m.person_id for m in members} and p.birth_date and p.birth_date.year < 2000
        ]
        for p, group in zip(candidates[7:9], ("community_correction", "severe_mental_illness"), strict=False):
            membership_enter(
                actor=None,
                data=EntryInput(
                    person_id=p.pk,
                    group=group,
                    entered_on=today - dt.timedelta(days=rng.randint(30, 300)),
                    reason="司法所通报" if group == "community_correction" else "卫生院登记",
                ),
            )
            stats["sensitive"] += 1
        if first and persons:
            worker = workers.get(persons[0].grid_code)
            if worker is not None:
                care_grant(
                    actor=None,
                    user_id=worker.pk,
                    district_code=community.code[:6],
                    reason="社区矫正与严重精神障碍患者管理（演示授权）",
                )
            first = False
    stats["overdue"] = CareMembership.objects.filter(status="active", due_on__lt=today).count()
    return dict(stats)


__all__ = ["due_after", "seed_care"]
