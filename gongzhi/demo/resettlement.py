"""Demo: the resettlement estate of seed 000, through the resettlement services (bulk paths).

The leadership group and the working groups (程序操作组, 编号搭配组, 房屋结算组), twelve progress meetings,
the implementation plan, 160 eligible households of three former villages with their entitlements, an
inventory of 288 flats, 159 storage rooms and 252 parking spaces with their bundles (编号搭配), the price
bands; the list committed to a seed, three witnesses, the draw; every household allocated in draw order
within its entitlement; settlement statements and key handovers for the first households."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from decimal import Decimal
from typing import Any

from django.db import transaction

from gongzhi.accounts.models import User
from gongzhi.resettlement.models import EligibleHousehold
from gongzhi.resettlement.services import allocation, draws, households, projects

VILLAGES = [("DG", "原东关村"), ("XG", "原西关村"), ("NJ", "原南街村")]
FLATS, STORAGE, PARKING = 288, 159, 252
HOUSEHOLDS = 160  # 128 entitled to two flats and 32 to one: 288 flats
SETTLED = 24  # statements issued for the first households in draw order; keys handed over to half of them
FLAT_AREAS = (Decimal("89.86"), Decimal("99.72"), Decimal("94.35"))
MEETINGS = [
    "安置工作启动会",
    "安置对象资格审核会",
    "安置标准确定会",
    "房源核验会",
    "编号搭配方案审议会",
    "实施方案审议会",
    "摇号规则公示说明会",
    "村民代表征求意见会",
    "摇号前准备会",
    "选房组织协调会",
    "面积差结算工作会",
    "交房工作推进会",
]


def seed_resettlement(seeder: Any) -> dict[str, Any]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed(seeder)


def _seed(seeder: Any) -> dict[str, Any]:
    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    sub_code = "370115002000"  # 济北街道
    project = projects.resettlement_project_create(
        actor=admin,
        place_code=sub_code,
        name="济北片区旧村改造安置房分配",
        estate_name="济北安置区（和园）",
        buildings="1—6号楼住宅，地下储藏室、地下车位",
        max_over_area="10",
    )
    for kind, name, duties in (
        ("leading", "安置工作领导小组", "统筹安置工作，审定方案"),
        ("procedure", "程序操作组", "资格审核、摇号、选房程序"),
        ("numbering", "编号搭配组", "房源编号与住房、储藏室、车位搭配"),
        ("settlement", "房屋结算组", "面积差结算与交房"),
    ):
        members = [(seeder.name(), post, "济北街道") for post in ("组长", "副组长", "成员", "成员")]
        projects.working_group_add(
            actor=admin, project_id=project.pk, kind=kind, name=name, duties=duties, members=members
        )
    for i, title in enumerate(MEETINGS):
        projects.project_meeting_record(
            actor=admin,
            project_id=project.pk,
            held_on=dt.date(2026, 3, 2) + dt.timedelta(days=14 * i),
            title=title,
            attendees="领导小组成员、各工作组组长、三村村民代表",
            minutes=f"会议研究了{title.removesuffix('会')}事项，形成一致意见并部署下一步工作。",
        )
    projects.plan_document_add(
        actor=admin,
        project_id=project.pk,
        title="济北片区旧村改造安置房分配实施方案",
        number="济北街发〔2026〕12号",
        issued_on=dt.date(2026, 5, 20),
        summary="安置对象与标准、房源与编号搭配、摇号确定选房顺序、按序选房、面积差结算、交房。",
    )
    projects.price_bands_set(
        actor=admin,
        project_id=project.pk,
        bands=[
            projects.BandInput(
                lower="-1000", upper="0", price="2800.00", label="不足应安置面积部分按安置价退还"
            ),
            projects.BandInput(lower="0", upper="5", price="3200.00", label="超出5㎡以内按安置价"),
            projects.BandInput(lower="5", upper=None, price="5600.00", label="超出5㎡以上按优惠市场价"),
        ],
    )
    rows = []
    for i in range(HOUSEHOLDS):
        prefix, village = VILLAGES[i % 3]
        two = i < 128
        area = Decimal(rng.randint(19000, 20600) if two else rng.randint(9500, 10300)) / 100
        rows.append(
            households.HouseholdInput(
                key=f"{prefix}-{i // 3 + 1:03d}",
                former_village=village,
                head_name=seeder.name(),
                members=rng.randint(2, 6) if two else rng.randint(1, 3),
                entitled_area=area,
                entitled_flats=2 if two else 1,
                entitled_storage=1 if i < STORAGE else 0,
                entitled_parking=2 if i < 92 else 1,
            )
        )
    households.eligible_households_add_rows(actor=admin, project_id=project.pk, rows=rows)
    units = []
    for b in range(1, 7):  # 6 buildings × 2 entrances × 12 floors × 2 flats
        for entrance in (1, 2):
            for floor in range(1, 13):
                for door in (1, 2):
                    area = FLAT_AREAS[(b + door) % len(FLAT_AREAS)]
                    units.append(
                        households.UnitInput(
                            kind="flat",
                            number=f"{b}-{entrance}-{floor}0{door}",
                            building=str(b),
                            floor=floor,
                            area=area,
                            layout="两室两厅一卫" if area < 95 else "三室两厅一卫",
                        )
                    )
    units += [
        households.UnitInput(
            kind="storage", number=f"C-{i:03d}", building=str(i % 6 + 1), floor=-1, area=Decimal("8.36")
        )
        for i in range(1, STORAGE + 1)
    ]
    units += [
        households.UnitInput(kind="parking", number=f"P-{i:03d}", floor=-1, area=Decimal("12.50"))
        for i in range(1, PARKING + 1)
    ]
    households.housing_units_add_rows(actor=admin, project_id=project.pk, rows=units)
    # 编号搭配: the first 48 flats of building 1 and 2 each with a storage room
    bundles = [(f"DP-{k:03d}", [units[k].number, f"C-{k + 1:03d}"]) for k in range(48)]
    households.bundles_create_rows(actor=admin, project_id=project.pk, rows=bundles)
    seed = hashlib.sha256(f"gongzhi-demo-resettlement-{seeder.seed}".encode()).hexdigest()
    draws.draw_commit(actor=admin, project_id=project.pk, seed=seed)
    for name, capacity in (
        (seeder.name(), "公证员"),
        (seeder.name(), "村民代表"),
        (seeder.name(), "纪检监察"),
    ):
        draws.draw_witness_add(actor=admin, project_id=project.pk, name=name, capacity=capacity)
    draws.draw_run(actor=admin, project_id=project.pk)
    allocated = allocation.allocation_apply_in_order(actor=admin, project_id=project.pk)
    first = list(EligibleHousehold.objects.filter(project=project).order_by("draw_position")[:SETTLED])
    for i, hh in enumerate(first):
        allocation.settlement_issue(actor=admin, household_id=hh.pk)
        if i % 2 == 0:
            allocation.key_handover_sign(
                actor=admin, household_id=hh.pk, signed_by_name=hh.head_name, handed_on=dt.date(2026, 10, 15)
            )
    return {
        "households": len(rows),
        "units": len(units),
        "allocated": allocated,
        "settled": len(first),
        "seconds": round(time.monotonic() - t, 1),
    }
