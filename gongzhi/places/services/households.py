"""Estates, buildings and households: the addresses of a community, entered one writer at a time."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import ApplicationError, field_error
from gongzhi.core.locks import lock_name
from gongzhi.places.models import Building, Community, Estate, Grid, Household
from gongzhi.places.services._common import _name, _require_community_editor

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_SPACES = re.compile(r"\s+")


def address_key(*parts: str) -> str:
    return "|".join(_SPACES.sub("", p or "").upper() for p in parts)


def compose_address(estate: str, building: str, entrance: str, door: str) -> str:
    out = estate or ""
    if building:
        out += building if building.endswith(("号楼", "栋", "幢")) else f"{building}号楼"
    if entrance:
        out += entrance if entrance.endswith("单元") else f"{entrance}单元"
    if door:
        out += door if door.endswith(("室", "号")) else f"{door}室"
    return out


def lock_addresses(*community_ids: int) -> None:
    """Estates, buildings and households of a community are created one writer at a time: two entries of
    the same new address (or of two doors of a new building) would each miss the other's uncommitted row
    and meet the unique constraint (a 500), or make the same building twice. Callers that create in several
    communities lock them all up front (``lock_name`` takes them in a fixed order)."""
    lock_name(*(f"places.addresses:{c}" for c in community_ids))


@transaction.atomic
def estate_get_or_create(
    *, actor: Actor | None, community: Community, name: str, grid_code: str = ""
) -> Estate:
    name = _name(name, "estate", "小区名称", 100)
    lock_addresses(community.pk)
    estate = Estate.objects.filter(community=community, name=name).first()
    if estate:
        return estate
    estate = Estate(community=community, name=name)
    estate.set_place_codes(community_code=community.code, grid_code=grid_code)
    _require_community_editor(actor, estate)
    estate.save()
    audit_record(actor=actor, target=estate, event="places.estate_created", data={"name": name})
    return estate


@transaction.atomic
def building_get_or_create(
    *, actor: Actor | None, grid: Grid, estate: Estate | None, number: str
) -> Building:
    number = _name(number, "building", "楼号", 30)
    lock_addresses(grid.community_id)
    building = Building.objects.filter(grid=grid, estate=estate, number=number).first()
    if building:
        return building
    building = Building(grid=grid, estate=estate, number=number)
    building.set_place_codes(grid_code=grid.code)
    _require_community_editor(actor, building)
    building.save()
    audit_record(actor=actor, target=building, event="places.building_created", data={"number": number})
    return building


@transaction.atomic
def household_create(
    *,
    actor: Actor | None,
    grid: Grid,
    estate_name: str = "",
    building_number: str = "",
    entrance: str = "",
    door: str = "",
    address: str = "",
) -> Household:
    probe = Household(grid=grid)
    probe.set_place_codes(grid_code=grid.code)
    _require_community_editor(actor, probe)
    lock_addresses(grid.community_id)
    estate = (
        estate_get_or_create(actor=actor, community=grid.community, name=estate_name, grid_code=grid.code)
        if estate_name
        else None
    )
    building = (
        building_get_or_create(actor=actor, grid=grid, estate=estate, number=building_number)
        if building_number
        else None
    )
    address = (address or "").strip() or compose_address(estate_name, building_number, entrance, door)
    if not address:
        raise field_error("address", gettext("请填写住户地址（小区、楼栋、单元、门牌号）"), code="required")
    key = (
        address_key(estate_name, building_number, entrance, door)
        if (estate_name or door)
        else address_key(address)
    )
    if Household.objects.filter(grid=grid, address_key=key).exists():
        raise ApplicationError(
            gettext("网格内已有住户“%(address)s”") % {"address": address}, code="duplicate", status=409
        )
    household = Household(
        grid=grid,
        building=building,
        entrance=entrance.strip(),
        door=door.strip(),
        address=address,
        address_key=key,
    )
    household.set_place_codes(grid_code=grid.code)
    household.save()
    audit_record(actor=actor, target=household, event="places.household_created", data={"address": address})
    return household


@transaction.atomic
def buildings_get_or_create(
    *, actor: Actor | None, wanted: list[tuple[Grid, Estate | None, str]]
) -> dict[tuple[int, int | None, str], Building]:
    """``building_get_or_create`` for many buildings at once (a large population import): the same name
    check, lock, editor check (once per grid) and one audit row per building made, in one query to find
    the existing ones, one insert for the new ones and one statement for their audit rows. Returns
    {(grid id, estate id or None, number): building}."""
    from gongzhi.core.bulk import Batch

    keyed: dict[tuple[int, int | None, str], tuple[Grid, Estate | None, str]] = {}
    for grid, estate, number in wanted:
        number = _name(number, "building", "楼号", 30)
        keyed.setdefault((grid.pk, estate.pk if estate else None, number), (grid, estate, number))
    if not keyed:
        return {}
    lock_addresses(*{grid.community_id for grid, _, _ in keyed.values()})
    out: dict[tuple[int, int | None, str], Building] = {}
    grid_ids = sorted({k[0] for k in keyed})
    for start in range(0, len(grid_ids), 500):
        for b in Building.objects.filter(grid_id__in=grid_ids[start : start + 500]):
            key = (b.grid_id, b.estate_id, b.number)
            if key in keyed:
                out[key] = b
    checked: set[int] = set()
    new: list[Building] = []
    for key, (grid, estate, number) in keyed.items():
        if key in out:
            continue
        building = Building(grid=grid, estate=estate, number=number)
        building.set_place_codes(grid_code=grid.code)
        if grid.pk not in checked:
            _require_community_editor(actor, building)
            checked.add(grid.pk)
        new.append(building)
        out[key] = building
    Building.objects.bulk_create(new, batch_size=500)
    if new and not all(b.pk for b in new):  # a backend without RETURNING: read the keys back
        by_key = {
            (b.grid_id, b.estate_id, b.number): b.pk
            for b in Building.objects.filter(grid_id__in={b.grid_id for b in new})
        }
        for b in new:
            b.pk = b.id = by_key[(b.grid_id, b.estate_id, b.number)]
    for start in range(0, len(new), 200):  # a statement of at most a few thousand parameters
        batch = Batch()
        for b in new[start : start + 200]:
            audit_record(
                actor=actor, target=b, event="places.building_created", data={"number": b.number}, batch=batch
            )
        batch.run()
    return out
