"""A small resettlement project made through the services, for the tests."""

from __future__ import annotations

from decimal import Decimal

from gongzhi.resettlement.models import ResettlementProject
from gongzhi.resettlement.services import draws, households, projects
from gongzhi.testing import SmallDistrict

SEED = "gongzhi-test-seed-0001"
# The order HMAC-SHA256(seed, key) gives for the eight households of ``make_project`` (computed once, by
# hand, with draw.py's documented algorithm; the same on every database, process and machine).
EXPECTED_ORDER = ["T-003", "T-007", "T-001", "T-006", "T-005", "T-002", "T-008", "T-004"]
EXPECTED_LIST_SHA256 = "a9739e6da3f69e6f55bf72ea245e99ef3a6084b6a46b1a97f0e2c85e5dba310f"
EXPECTED_COMMITMENT = "cb788c5c1b5e87ecc001ca69bffa9feba0bf07d05325a0f89c939416129cdd90"
EXPECTED_RESULT_SHA256 = "028feb8b237678ecc64ebff00455352712671749ecc222810bc36c1aad26a4e6"


def household_rows(n: int = 8) -> list[households.HouseholdInput]:
    return [
        households.HouseholdInput(
            key=f"T-{i:03d}",
            former_village="东村" if i % 2 else "西村",
            head_name=f"张{'三四五六七八九十'[i % 8]}{i}",
            entitled_area=Decimal("90.5") + i,
            entitled_flats=1,
            entitled_storage=1,
            entitled_parking=0,
        )
        for i in range(1, n + 1)
    ]


def make_project(d: SmallDistrict, *, households_n: int = 8, community: str = "A1") -> ResettlementProject:
    admin = d.user("district_admin")
    project = projects.resettlement_project_create(
        actor=admin,
        place_code=d.communities[community].code,
        name="测试安置项目",
        estate_name="幸福苑",
        buildings="1、2号楼",
        max_over_area="10",
    )
    projects.price_bands_set(
        actor=admin,
        project_id=project.pk,
        bands=[
            projects.BandInput(lower="-1000", upper="0", price="2500.00", label="面积不足部分退款"),
            projects.BandInput(lower="0", upper="5", price="3000.00", label="超出5㎡以内"),
            projects.BandInput(lower="5", upper=None, price="4500.50", label="超出5㎡以上"),
        ],
    )
    households.eligible_households_add_rows(
        actor=admin, project_id=project.pk, rows=household_rows(households_n)
    )
    units = (
        [
            households.UnitInput(
                kind="flat",
                number=f"1-1-{100 + i}",
                building="1",
                floor=i,
                area=Decimal("95.00") + i,
                layout="两室两厅",
            )
            for i in range(1, households_n + 3)
        ]
        + [
            households.UnitInput(kind="storage", number=f"C-{i:03d}", building="1", floor=-1, area="8.20")
            for i in range(1, households_n + 1)
        ]
        + [households.UnitInput(kind="parking", number="P-001", floor=-1, area="12.50")]
    )
    households.housing_units_add_rows(actor=admin, project_id=project.pk, rows=units)
    return project


def drawn_project(d: SmallDistrict, **kwargs: object) -> ResettlementProject:
    project = make_project(d, **kwargs)  # type: ignore[arg-type]
    admin = d.user("district_admin")
    draws.draw_commit(actor=admin, project_id=project.pk, seed=SEED)
    draws.draw_witness_add(actor=admin, project_id=project.pk, name="李公证", capacity="公证员")
    draws.draw_witness_add(actor=admin, project_id=project.pk, name="王代表", capacity="村民代表")
    draws.draw_run(actor=admin, project_id=project.pk)
    project.refresh_from_db()
    return project
