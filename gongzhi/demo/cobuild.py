"""Demo: the three lists of a year, through the cobuild services. Each community's secretary lists the
residents' needs and micro-wishes and the resources its units, in-service members and volunteer teams
offer; about 345 needs were matched into projects, claimed and signed as co-building agreements, about
230 of them are done and their needs fulfilled; the rest of the needs are still open for this year's
matching meeting, whose draft plan waits in the console for a person to confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import NeedSource, ProviderKind, ResourceKind, Urgency
from gongzhi.cobuild.services.needs import NeedInput, NeedRow, needs_bulk_raise
from gongzhi.cobuild.services.plans import matching_plan_generate
from gongzhi.cobuild.services.projects import (
    delivery_record,
    project_claim,
    project_complete,
    project_create,
    project_sign,
)
from gongzhi.cobuild.services.resources import ResourceInput, ResourceRow, resources_bulk_register
from gongzhi.demo.layout import spread, username_stem
from gongzhi.demo.population import TODAY
from gongzhi.party.enums import MemberKind
from gongzhi.party.models import PartyMember, Unit
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid

SIGNED = 345
FULFILLED = 230
OPEN_PER_COMMUNITY = 6

# category → (needs: title, beneficiaries, quantity, unit, micro-wish), (resource kind, resource title)
CATALOGUE: dict[str, tuple[list[tuple[str, str, int, str, bool]], tuple[str, str]]] = {
    "medical": (
        [
            ("独居老人定期测血压", "独居老人", 12, "次", False),
            ("慢病老人用药指导", "慢性病老人", 6, "次", False),
            ("社区义诊进小区", "小区居民", 4, "场", False),
            ("残疾人康复训练指导", "残疾人家庭", 8, "次", False),
        ],
        (ResourceKind.SERVICE, "义诊与健康咨询"),
    ),
    "legal": (
        [
            ("邻里纠纷法律咨询", "社区居民", 12, "次", False),
            ("老年人防范电信诈骗讲座", "老年居民", 4, "场", False),
            ("农民工讨薪法律援助", "外来务工人员", 3, "件", False),
        ],
        (ResourceKind.SKILL, "法律咨询与矛盾调解"),
    ),
    "education": (
        [
            ("双职工子女四点半课堂", "双职工家庭儿童", 40, "课时", False),
            ("留守儿童暑期托管", "留守儿童", 20, "天", False),
            ("家庭教育公益讲座", "学生家长", 4, "场", False),
        ],
        (ResourceKind.SKILL, "课业辅导志愿服务"),
    ),
    "culture": (
        [
            ("红色电影进社区放映", "社区居民", 12, "场", False),
            ("老年合唱团排练指导", "老年合唱团", 10, "次", False),
            ("传统节日文艺汇演", "社区居民", 2, "场", False),
        ],
        (ResourceKind.SERVICE, "文艺演出与培训"),
    ),
    "repair": (
        [
            ("老旧楼道照明维修", "老旧小区住户", 6, "栋", False),
            ("困难家庭水电维修", "困难家庭", 10, "户", False),
            ("小区健身器材维修", "小区居民", 1, "次", False),
        ],
        (ResourceKind.SKILL, "水电维修志愿服务"),
    ),
    "it": (
        [
            ("老年人智能手机使用培训", "老年居民", 6, "期", False),
            ("社区党员学习平台操作辅导", "社区党员", 2, "场", False),
        ],
        (ResourceKind.SKILL, "信息技术志愿服务"),
    ),
    "psychology": (
        [
            ("独居老人心理陪伴", "独居老人", 12, "次", False),
            ("困境儿童心理疏导", "困境儿童", 8, "次", False),
        ],
        (ResourceKind.SKILL, "心理咨询与疏导"),
    ),
    "elderly_care": (
        [
            ("高龄老人助餐送餐", "80岁以上老人", 52, "周", False),
            ("空巢老人结对探访", "空巢老人", 24, "次", False),
            ("失能老人上门助浴", "失能老人", 12, "次", False),
        ],
        (ResourceKind.SERVICE, "助老志愿服务"),
    ),
    "environment": (
        [
            ("垃圾分类宣传督导", "小区居民", 12, "次", False),
            ("背街小巷环境整治", "沿街住户", 4, "次", False),
            ("小区绿化补植", "小区居民", 1, "次", False),
        ],
        (ResourceKind.SERVICE, "环境整治志愿服务"),
    ),
    "publicity": (
        [
            ("惠民政策入户宣讲", "社区居民", 6, "次", False),
            ("文明城市创建宣传", "社区居民", 4, "次", False),
        ],
        (ResourceKind.SERVICE, "政策宣讲"),
    ),
    "venue": (
        [
            ("社区便民服务站建设", "社区居民", 1, "处", False),
            ("党员驿站活动场地", "社区党员", 1, "处", False),
            ("社区活动室改造", "社区居民", 1, "间", False),
        ],
        (ResourceKind.VENUE, "会议室与活动场地"),
    ),
    "goods": (
        [
            ("困难老人过冬棉被", "困难老人", 1, "套", True),
            ("留守儿童学习用品", "留守儿童", 1, "套", True),
            ("残疾人助行器", "残疾人", 1, "台", True),
            ("困难家庭米面油", "困难家庭", 1, "份", True),
            ("孤寡老人轮椅", "孤寡老人", 1, "台", True),
        ],
        (ResourceKind.GOODS, "爱心物资捐赠"),
    ),
    "funds": (
        [
            ("困难学生助学金", "困难家庭学生", 1, "名", True),
            ("社区微实事项目资金", "社区居民", 1, "项", False),
        ],
        (ResourceKind.FUNDS, "共建资金支持"),
    ),
}
# Which categories a unit kind offers.
UNIT_CATEGORIES = {
    "hospital": ["medical", "psychology", "elderly_care"],
    "school": ["education", "culture", "venue"],
    "agency": ["legal", "publicity", "funds", "venue"],
    "public_institution": ["culture", "it", "publicity"],
    "state_enterprise": ["repair", "funds", "goods"],
    "company": ["repair", "goods", "environment"],
    "social_organization": ["elderly_care", "psychology", "environment"],
    "other": ["goods", "environment"],
}
SLOTS = [0, matching.MASK_678, matching.WEEKDAY_DAYTIME, matching.ALL_SLOTS]


def _secretary(community: Community) -> User:
    return User.objects.get(username=f"{username_stem(community.name)}-sj")


def _providers(community: Community) -> list[tuple[str, Any, list[str]]]:
    """(kind, row, categories) of everyone in the community who can offer a resource."""
    out: list[tuple[str, Any, list[str]]] = []
    for unit in Unit.objects.filter(community=community).order_by("pk"):
        out.append((ProviderKind.UNIT, unit, UNIT_CATEGORIES.get(unit.kind, ["goods"])))
    from gongzhi.volunteers.models import VolunteerTeam

    for team in VolunteerTeam.objects.filter(community=community, active=True).order_by("pk"):
        cats = [s for s in (team.skills or []) if s in CATALOGUE] or ["elderly_care", "environment"]
        out.append((ProviderKind.TEAM, team, cats))
    members = PartyMember.objects.filter(
        kind=MemberKind.IN_SERVICE, registrations__community=community
    ).order_by("pk")[:6]
    for member in members:
        out.append((ProviderKind.MEMBER, member, ["publicity", "it", "legal"]))
    return out


def _provider_dict(kind: str, row: Any) -> dict[str, Any]:
    fields: dict[str, str] = {
        ProviderKind.UNIT: "unit",
        ProviderKind.TEAM: "team",
        ProviderKind.MEMBER: "member",
    }
    field = fields[kind]
    return {field: row, "provider_name": row.name}


def seed_cobuild(seeder: Any) -> dict[str, int]:
    rng = seeder.gen.rng
    communities = list(Community.objects.order_by("code"))
    signed_per = spread(SIGNED, len(communities))
    done_per = spread(FULFILLED, len(communities))
    totals = {"needs": 0, "resources": 0, "signed": 0, "fulfilled": 0}
    year_start = dt.date(TODAY.year, 1, 1)
    for community, n_signed, n_done in zip(communities, signed_per, done_per, strict=True):
        secretary = _secretary(community)
        grids = list(Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL).order_by("code"))
        providers = _providers(community)
        # resources: each provider offers one or two; enough capacity for the year's projects and more
        res_rows: list[ResourceRow] = []
        for kind, row, cats in providers:
            for cat in rng.sample(cats, min(len(cats), rng.choice((1, 2)))):
                rkind, rtitle = CATALOGUE[cat][1]
                res_rows.append(
                    ResourceRow(
                        community=community,
                        provider_kind=kind,
                        provider=_provider_dict(kind, row),
                        data=ResourceInput(
                            title=f"{row.name}{rtitle}",
                            kind=rkind,
                            categories=[cat],
                            capacity=rng.choice((3, 4, 5)),
                            schedule=rng.choice(SLOTS)
                            if rkind in (ResourceKind.SKILL, ResourceKind.SERVICE)
                            else 0,
                            radius_km=rng.choice((2.0, 3.0, 5.0)),
                        ),
                    )
                )
        resources = resources_bulk_register(actor=secretary, rows=res_rows)
        totals["resources"] += len(resources)
        by_cat: dict[str, list[Any]] = {}
        for r in resources:
            by_cat.setdefault(r.categories[0], []).append(r)
        # needs: those that became this year's projects, and the ones still open
        need_rows: list[NeedRow] = []
        cats = sorted(by_cat)
        for i in range(n_signed + OPEN_PER_COMMUNITY):
            cat = cats[i % len(cats)] if i < n_signed else rng.choice(sorted(CATALOGUE))
            title, who, qty, unit_word, wish = rng.choice(CATALOGUE[cat][0])
            need_rows.append(
                NeedRow(
                    community=community,
                    grid=rng.choice(grids) if grids else None,
                    source=rng.choice((NeedSource.COMMUNITY, NeedSource.GRID_WORKER, NeedSource.RESIDENT)),
                    data=NeedInput(
                        title=title,
                        category=cat,
                        micro_wish=wish,
                        beneficiaries=who,
                        quantity=qty,
                        quantity_unit=unit_word,
                        urgency=rng.choice((Urgency.NORMAL, Urgency.NORMAL, Urgency.URGENT)),
                        wanted_by=year_start + dt.timedelta(days=rng.randint(60, 360)),
                    ),
                )
            )
        needs = needs_bulk_raise(actor=secretary, rows=need_rows)
        totals["needs"] += len(needs)
        used: dict[int, int] = {}
        for i, need in enumerate(needs[:n_signed]):
            options = [r for r in by_cat[need.category] if used.get(r.pk, 0) < r.capacity]
            if not options:
                continue
            res = options[0]
            used[res.pk] = used.get(res.pk, 0) + 1
            project = project_create(
                actor=secretary,
                need_ids=[need.pk],
                resource_ids=[res.pk],
                title=f"{community.name}{need.title}项目",
                year=TODAY.year,
            )
            project = project_claim(actor=secretary, project_id=project.pk)
            starts = year_start + dt.timedelta(days=rng.randint(0, 120))
            project_sign(
                actor=secretary,
                project_id=project.pk,
                terms=(
                    f"一、甲方负责梳理“{need.title}”的服务对象，提供场地并组织居民参与。\n"
                    f"二、乙方（{project.claimant_name}）投入“{res.title}”，按计划开展服务。\n"
                    "三、双方每季度沟通一次项目进展，年底共同接受居民评议。"
                ),
                community_signatory=secretary.display_label.removesuffix("党委书记") + "党委",
                claimant_signatory=seeder.name(),
                starts_on=starts,
                ends_on=dt.date(TODAY.year, 12, 31),
            )
            totals["signed"] += 1
            if i < n_done:
                delivery_record(
                    actor=secretary, project_id=project.pk, need_id=need.pk, quantity=need.quantity
                )
                project_complete(
                    actor=secretary,
                    project_id=project.pk,
                    outcome=f"已完成：服务{need.beneficiaries}{need.quantity}{need.quantity_unit}，居民满意。",
                )
                totals["fulfilled"] += 1
    admin = User.objects.filter(username="admin").first()
    if admin is not None and communities:
        matching_plan_generate(actor=admin, place_code=communities[0].code[:6], year=TODAY.year + 1)
    return totals
