"""Demo: 140 registered units (驻区单位), each paired with a grid, and about 5,200 in-service party members
registered (报到) and accepted across the district's communities, through the bulk services (one
transaction and one audit row per community)."""

from __future__ import annotations

import time
from typing import Any

from stdnum.cn import uscc as cn_uscc

from gongzhi.party.enums import SKILL_VALUES, UnitKind
from gongzhi.party.models import Unit
from gongzhi.party.services.registration import (
    AcceptedMember,
    MemberInput,
    UnitInput,
    members_bulk_register_accepted,
    units_bulk_register,
)
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid

UNITS = 140
MEMBERS = 5200
_KIND_NAMES: dict[str, tuple[str, ...]] = {
    UnitKind.AGENCY: ("区{}局", "区{}办公室"),
    UnitKind.PUBLIC_INSTITUTION: ("区{}中心", "区{}服务站"),
    UnitKind.STATE_ENTERPRISE: ("{}供电所", "{}燃气公司", "{}农商银行支行"),
    UnitKind.SCHOOL: ("{}小学", "{}中学", "{}幼儿园"),
    UnitKind.HOSPITAL: ("{}社区卫生服务中心", "{}医院"),
    UnitKind.COMPANY: ("{}物业公司", "{}商贸有限公司"),
    UnitKind.SOCIAL_ORGANIZATION: ("{}志愿服务协会", "{}社会工作服务中心"),
}
_AGENCY_WORDS = ("教育", "卫健", "住建", "市场监管", "民政", "司法", "人社", "生态环境", "城管", "文旅")
_SERVICES = {
    "medical": "义诊、健康讲座",
    "legal": "法律咨询、矛盾调解",
    "education": "课后辅导、家庭教育讲座",
    "culture": "文艺演出、书法培训",
    "repair": "家电维修、水电维修",
    "it": "智能手机教学、反诈宣传",
    "finance": "理财知识、防范非法集资宣传",
    "psychology": "心理疏导、谈心谈话",
    "elderly_care": "陪护老人、助餐助浴",
    "environment": "垃圾分类宣传、环境整治",
    "publicity": "政策宣讲、理论宣讲",
    "general": "网格巡查、文明劝导",
}
_TIMES = ("周末上午", "周末下午", "工作日晚上", "节假日", "每月第一个周六")


def _uscc(n: int) -> str:
    body = f"91370125MA{n:07d}"
    return body + cn_uscc.calc_check_digit(body)


def seed_units_and_members(seeder: Any, units: int = UNITS, members: int = MEMBERS) -> dict[str, int]:
    t = time.monotonic()
    rng, fake = seeder.gen.rng, seeder.gen.fake
    communities = list(Community.objects.order_by("code"))
    if not communities:
        return {"units": 0, "members": 0}
    grids: dict[int, list[Grid]] = {c.pk: [] for c in communities}
    for g in Grid.objects.filter(community__in=communities).order_by("code"):
        grids[g.community_id].append(g)
    residential = {cid: [g for g in gs if g.kind == GridKind.RESIDENTIAL] or gs for cid, gs in grids.items()}
    start = Unit.objects.count()
    by_community: dict[int, list[UnitInput]] = {c.pk: [] for c in communities}
    kinds = list(_KIND_NAMES)
    used: set[str] = set()
    for i in range(units):
        community = communities[i % len(communities)]
        kind = kinds[i % len(kinds)]
        pattern = rng.choice(_KIND_NAMES[kind])
        agency = kind in (UnitKind.AGENCY, UnitKind.PUBLIC_INSTITUTION)
        word = rng.choice(_AGENCY_WORDS) if agency else community.name.removesuffix("社区").removesuffix("村")
        name = pattern.format(word)
        if name in used:
            name = f"{name}（第{i + 1}分部）"
        used.add(name)
        grid = rng.choice(residential[community.pk]) if residential[community.pk] else None
        by_community[community.pk].append(
            UnitInput(
                name=name,
                uscc=_uscc(start + i + 1),
                kind=kind,
                address=f"{community.name}{fake.street_name()}{rng.randint(1, 300)}号",
                party_org_name=f"{name}党支部",
                paired_grid_code=grid.code if grid else None,
            )
        )
    created_units: dict[int, list[Unit]] = {}
    for community in communities:
        created_units[community.pk] = units_bulk_register(
            actor=None, community_id=community.pk, units=by_community[community.pk]
        )
    all_units = [u for us in created_units.values() for u in us]
    skills = sorted(SKILL_VALUES)
    total = 0
    per = members // len(communities)
    for n, community in enumerate(communities):
        count = per + (1 if n < members % len(communities) else 0)
        gs = residential[community.pk]
        if not gs:
            continue
        entries: list[AcceptedMember] = []
        for _ in range(count):
            mine = rng.sample(skills, rng.randint(1, 3))
            unit = rng.choice(all_units) if all_units and rng.random() < 0.85 else None
            grid = rng.choice(gs)
            entries.append(
                AcceptedMember(
                    member=MemberInput(
                        name=seeder.name() if hasattr(seeder, "name") else fake.name(),
                        phone=seeder.gen.phone(),
                        address=f"{grid.name.removesuffix('网格')}{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                        unit_id=unit.pk if unit else None,
                        workplace_org="" if unit else f"{rng.choice(_AGENCY_WORDS)}系统机关党委",
                        skills=mine,
                        services_offered="、".join(_SERVICES[s] for s in mine),
                        available_times=rng.choice(_TIMES),
                    ),
                    grid_code=grid.code,
                    classification=mine[0],
                )
            )
        total += members_bulk_register_accepted(actor=None, community_id=community.pk, entries=entries)
    seconds = round(time.monotonic() - t, 1)
    if hasattr(seeder, "stats"):
        seeder.stats.timings["party_units_members"] = seconds
    if hasattr(seeder, "progress"):
        seeder.progress(f"  驻区单位 {len(all_units)} 个，在职党员报到 {total} 人（{seconds} 秒）")
    return {"units": len(all_units), "members": total}
