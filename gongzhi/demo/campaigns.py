"""Demo: the joint 创城 action of seed 000 and the year's inspection rounds, through the campaign services.

The 创城 action's tallies are not typed in: 26 places of roadside/outside-shop business, 15 of drying on
public land, 123 disorderly non-motor vehicles (the seed's "120+"), 16 small ads and 11 abandoned cars are
recorded one finding each across the residential grids of 济阳街道 (a bulk record of the on-the-spot
fixes, and three abandoned cars turned into tickets of their grids), and the page counts them. The rounds:
the waste-sorting inspection of 银山社区 with its inspectors' duties (定职责、定地段、定时段) and rounds
walked (the ones not walked show as missed), and the safety month's gas-pipe and fire-lane checks
(seed 003), closed."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.campaigns.services.campaigns import CampaignInput, campaign_close, campaign_create
from gongzhi.campaigns.services.findings import FindingInput, FindingRow, finding_record, finding_record_rows
from gongzhi.campaigns.services.rounds import inspection_check_record, inspection_duty_assign
from gongzhi.core.roles import Role
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Department, Grid

# seed 000: the joint 创城 action's tallies (120+ non-motor vehicles: 123 recorded)
CHUANGCHENG = [
    ("street_business", 26, "占道经营、出店经营，已劝导整改"),
    ("public_drying", 15, "公共绿地晾晒，已劝离"),
    ("bike_parking", 123, "非机动车乱停放，已整理归位"),
    ("small_ads", 16, "清理小广告/牛皮癣"),
    ("abandoned_car", 11, "僵尸车，已张贴告知书"),
]
TICKETED_CARS = 3  # of the 11 abandoned cars, these become tickets (towing needs the traffic police)


def seed_campaigns(seeder: Any) -> dict[str, Any]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed(seeder)


def _grid_worker(grid: Grid) -> User | None:
    ra = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, place_code=grid.code, active=True)
        .order_by("pk")
        .first()
    )
    return ra.user if ra else None


def _seed(seeder: Any) -> dict[str, Any]:
    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    sub_code = "370115001000"
    grids = list(Grid.objects.filter(subdistrict_code=sub_code, kind=GridKind.RESIDENTIAL).order_by("code"))
    deps = list(Department.objects.filter(code__in=["cgj", "scjgj", "zjj", "gaj"]).order_by("code"))
    joint = campaign_create(
        actor=admin,
        data=CampaignInput(
            place_code=sub_code,
            kind="joint",
            title="创建全国文明城市环境秩序联合整治行动",
            starts_on=dt.date(2026, 4, 10),
            ends_on=dt.date(2026, 12, 31),
            department_ids=[d.pk for d in deps],
            streets="银山路、济北路、纬二路、开元大街沿线",
            notes="街道牵头，城管、市场监管、住建、公安联合行动；发现问题逐条记录，能当场整改的当场整改，不能的转工单。",
        ),
    )
    rows: list[FindingRow] = []
    tickets: list[tuple[str, Grid]] = []
    day0 = dt.datetime(2026, 4, 10, 9, 0, tzinfo=dt.UTC)
    n = 0
    for code, count, note in CHUANGCHENG:
        for i in range(count):
            grid = grids[n % len(grids)]
            n += 1
            if code == "abandoned_car" and i < TICKETED_CARS:
                tickets.append((note, grid))
                continue
            lng = (grid.center_lng or 117.1) + rng.uniform(-0.0005, 0.0005)
            lat = (grid.center_lat or 36.98) + rng.uniform(-0.0005, 0.0005)
            rows.append(
                FindingRow(
                    type_code=code,
                    grid_code=grid.code,
                    description=note,
                    lng=None if grid.center_lng is None else round(lng, 6),
                    lat=None if grid.center_lat is None else round(lat, 6),
                    recorded_at=day0 + dt.timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 480)),
                )
            )
    finding_record_rows(actor=admin, campaign_id=joint.pk, rows=rows)
    for note, grid in tickets:
        recorder = _grid_worker(grid) or admin
        finding_record(
            actor=recorder,
            campaign_id=joint.pk,
            data=FindingInput(
                type_code="abandoned_car",
                outcome="ticket",
                description=f"{note}；长期停放无牌车辆，需交警拖移",
                grid_code=grid.code,
                address=f"{grid.name}内道路",
            ),
        )
    rounds = _rounds(admin, rng)
    return {
        "campaign": joint.title,
        "findings": len(rows) + len(tickets),
        "tickets": len(tickets),
        "rounds": rounds,
        "seconds": round(time.monotonic() - t, 1),
    }


def _rounds(admin: User, rng: Any) -> int:
    from gongzhi.core.codes import subdistrict_of

    community = (
        Community.objects.filter(name="银山社区").first() or Community.objects.order_by("code").first()
    )
    assert community is not None
    grids = list(Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL).order_by("code"))
    waste = campaign_create(
        actor=admin,
        data=CampaignInput(
            place_code=community.code,
            kind="inspection",
            round_kind="waste_sorting",
            title="垃圾分类投放点位每日巡查",
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2026, 12, 31),
            every_days=1,
            notes="定职责、定地段、定时段：每个投放点早晚两个时段各巡一次。",
        ),
    )
    made = 0
    for i, grid in enumerate(grids[:4]):
        worker = _grid_worker(grid)
        if worker is None:
            continue
        hours = (dt.time(7, 0), dt.time(9, 0)) if i % 2 == 0 else (dt.time(18, 0), dt.time(20, 0))
        duty = inspection_duty_assign(
            actor=admin,
            campaign_id=waste.pk,
            inspector_id=worker.pk,
            responsibility="督导居民分类投放，检查桶站整洁、满溢",
            section=f"{grid.name}垃圾分类投放点",
            starts_at=hours[0],
            ends_at=hours[1],
            first_due_on=dt.date(2026, 10, 1),
        )
        for day in range(1, 21 - 4 * i):  # the later grids' inspectors stopped earlier: missed rounds
            inspection_check_record(
                actor=worker, duty_id=duty.pk, done_on=dt.date(2026, 10, day), note="投放点整洁，分类准确"
            )
        made += 1
    sub = subdistrict_of(community.code)
    for round_kind, title, type_code, count in (
        ("gas_pipe", "安全生产月燃气管道专项检查", "gas_pipe_hazard", 7),
        ("fire_lane", "安全生产月消防通道专项检查", "fire_lane_blocked", 12),
    ):
        c = campaign_create(
            actor=admin,
            data=CampaignInput(
                place_code=sub,
                kind="inspection",
                round_kind=round_kind,
                title=title,
                starts_on=dt.date(2026, 6, 1),
                ends_on=dt.date(2026, 6, 30),
                every_days=7,
            ),
        )
        all_grids = list(
            Grid.objects.filter(subdistrict_code=sub, kind=GridKind.RESIDENTIAL).order_by("code")
        )
        finding_record_rows(
            actor=admin,
            campaign_id=c.pk,
            rows=[
                FindingRow(
                    type_code=type_code,
                    grid_code=all_grids[(k * 3) % len(all_grids)].code,
                    description="已督促整改",
                    recorded_at=dt.datetime(2026, 6, 3 + k, 10, 0, tzinfo=dt.UTC),
                )
                for k in range(count)
            ],
        )
        campaign_close(actor=admin, campaign_id=c.pk)
    return made
