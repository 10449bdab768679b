"""Writes of the eligible households, the inventory (flats, storage rooms, parking spaces) and the
bundles (编号搭配) — all before the list is committed to the draw."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.resettlement import draw as drawing
from gongzhi.resettlement.enums import MAX_HOUSEHOLDS, UnitKind
from gongzhi.resettlement.models import Bundle, EligibleHousehold, HousingUnit
from gongzhi.resettlement.services._common import _codes, _decimal, _project, _raise, _still_preparing, _text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.resettlement.models import ResettlementProject


def mask_head_name(name: str) -> str:
    """张三 → 张*: the family name stays, as on a posted notice."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


@dataclass
class HouseholdInput:
    key: str
    former_village: str
    head_name: str
    entitled_area: str | Decimal
    entitled_flats: int = 1
    entitled_storage: int = 0
    entitled_parking: int = 0
    members: int = 1
    household_id: int | None = None  # the household of the register, where it exists


def _check(errors: dict[str, str], data: HouseholdInput, n: int = 0) -> EligibleHousehold:
    p = f"第{n}行：" if n else ""
    key = (data.key or "").strip()
    if not drawing.KEY_RE.match(key):
        errors["key"] = f"{p}安置编号应为1到20位字母、数字或“-”"
    village = _text(errors, "former_village", data.former_village, f"{p}原村（居）", 50, True)
    head = _text(errors, "head_name", data.head_name, f"{p}户主姓名", 50, True)
    area = _decimal(
        errors,
        "entitled_area",
        data.entitled_area,
        f"{p}应安置面积",
        low=Decimal("0.01"),
        high=Decimal(10000),
    )
    counts = {}
    for name, label in (
        ("entitled_flats", "住房套数"),
        ("entitled_storage", "储藏室"),
        ("entitled_parking", "车位"),
        ("members", "安置人口"),
    ):
        value = getattr(data, name)
        if not isinstance(value, int) or not 0 <= value <= 20:
            errors[name] = f"{p}{label}应为0到20之间的整数"
        counts[name] = value if isinstance(value, int) else 0
    return EligibleHousehold(
        key=key,
        former_village=village,
        head_name=head,
        head_name_masked=mask_head_name(head),
        entitled_area=area,
        **counts,
    )


def _link(
    actor: Actor, project: ResettlementProject, row: EligibleHousehold, household_id: int | None
) -> None:
    """Link the register's household (the actor must see it); its head's name is taken from the register."""
    if not household_id:
        return
    from gongzhi.people.models import Person
    from gongzhi.places.models import Household

    hh = Household.objects.filter(pk=household_id, district_code=project.district_code).first()
    if hh is None or not (
        actor is None
        or allowed(actor, "people.view_person", hh)
        or allowed(actor, "resettlement.manage_project", hh)
    ):
        raise ValidationFailed(
            "登记住户不存在或无权查看", fields={"household_id": "登记住户不存在或无权查看"}
        )
    head = Person.objects.filter(household=hh, relation="head").order_by("id").first()
    row.household = hh
    if head is not None:
        row.head_name, row.head_name_masked = head.name, mask_head_name(head.name)


@transaction.atomic
def eligible_household_add(*, actor: Actor, project_id: int, data: HouseholdInput) -> EligibleHousehold:
    project = _project(actor, project_id)
    _still_preparing(project)
    errors: dict[str, str] = {}
    row = _check(errors, data)
    _raise(errors)
    _link(actor, project, row, data.household_id)
    if EligibleHousehold.objects.filter(project=project, key=row.key).exists():
        raise ValidationFailed("安置编号已存在", fields={"key": "安置编号已存在"})
    row.project = project
    for k, v in _codes(project).items():
        setattr(row, k, v)
    row.save()
    audit_record(
        actor=actor,
        target=row,
        event="resettlement.household_added",
        data={"key": row.key, "village": row.former_village, "area": str(row.entitled_area)},
    )
    return row


@transaction.atomic
def eligible_household_remove(*, actor: Actor, household_id: int) -> None:
    row = EligibleHousehold.objects.filter(pk=household_id).first()
    if row is None:
        raise ValidationFailed("安置对象不存在")
    project = _project(actor, row.project_id)
    _still_preparing(project)
    audit_record(actor=actor, target=row, event="resettlement.household_removed", data={"key": row.key})
    row.delete()


@transaction.atomic
def eligible_households_add_rows(*, actor: Actor | None, project_id: int, rows: list[HouseholdInput]) -> int:
    """Many households in one transaction with one audit row (a village's list; the demo)."""
    project = _project(actor, project_id)
    _still_preparing(project)
    have = set(EligibleHousehold.objects.filter(project=project).values_list("key", flat=True))
    if len(have) + len(rows) > MAX_HOUSEHOLDS:
        raise ValidationFailed(f"一个项目最多{MAX_HOUSEHOLDS}户")
    out = []
    for n, data in enumerate(rows, start=1):
        errors: dict[str, str] = {}
        row = _check(errors, data, n)
        _raise(errors)
        if row.key in have:
            raise ValidationFailed(f"第{n}行：安置编号{row.key}重复")
        have.add(row.key)
        row.project = project
        for k, v in _codes(project).items():
            setattr(row, k, v)
        out.append(row)
    EligibleHousehold.objects.bulk_create(out, batch_size=500)
    audit_record(
        actor=actor, target=project, event="resettlement.households_added", data={"households": len(out)}
    )
    return len(out)


@dataclass
class UnitInput:
    kind: str
    number: str
    area: str | Decimal
    building: str = ""
    floor: int | None = None
    layout: str = ""


def _unit(errors: dict[str, str], data: UnitInput, n: int = 0) -> HousingUnit:
    p = f"第{n}行：" if n else ""
    if data.kind not in UnitKind.values:
        errors["kind"] = f"{p}请选择房源类别（住房、储藏室或车位）"
    number = _text(errors, "number", data.number, f"{p}编号", 30, True)
    building = _text(errors, "building", data.building, f"{p}楼号", 20, False)
    layout = _text(errors, "layout", data.layout, f"{p}户型", 30, False)
    area = _decimal(errors, "area", data.area, f"{p}面积", low=Decimal("0.01"), high=Decimal(10000))
    if data.floor is not None and not (isinstance(data.floor, int) and -5 <= data.floor <= 200):
        errors["floor"] = f"{p}楼层应为-5到200之间的整数"
    if data.kind == UnitKind.FLAT and not building:
        errors["building"] = f"{p}住房请填写楼号"
    return HousingUnit(
        kind=data.kind, number=number, building=building, floor=data.floor, layout=layout, area=area
    )


@transaction.atomic
def housing_units_add_rows(*, actor: Actor | None, project_id: int, rows: list[UnitInput]) -> int:
    """Units of the inventory, one or many, in one transaction with one audit row."""
    project = _project(actor, project_id)
    _still_preparing(project)
    have = set(HousingUnit.objects.filter(project=project).values_list("kind", "number"))
    out = []
    for n, data in enumerate(rows, start=1):
        errors: dict[str, str] = {}
        unit = _unit(errors, data, n if len(rows) > 1 else 0)
        _raise(errors)
        if (unit.kind, unit.number) in have:
            prefix = f"第{n}行：" if len(rows) > 1 else ""
            message = f"{prefix}{unit.get_kind_display()}编号{unit.number}已存在"
            raise ValidationFailed(message, fields={"number": message})
        have.add((unit.kind, unit.number))
        unit.project = project
        for k, v in _codes(project).items():
            setattr(unit, k, v)
        out.append(unit)
    HousingUnit.objects.bulk_create(out, batch_size=500)
    counts = {k: sum(1 for u in out if u.kind == k) for k in UnitKind.values}
    audit_record(actor=actor, target=project, event="resettlement.units_added", data=counts)
    return len(out)


@transaction.atomic
def bundle_create(*, actor: Actor | None, project_id: int, code: str, unit_ids: list[int]) -> Bundle:
    """编号搭配: units chosen together; each unit in at most one bundle, at most one flat in a bundle."""
    project = _project(actor, project_id)
    _still_preparing(project)
    errors: dict[str, str] = {}
    code = _text(errors, "code", code, "搭配编号", 30, True)
    ids = sorted({int(i) for i in unit_ids})[:10]
    units = list(HousingUnit.objects.select_for_update().filter(project=project, pk__in=ids))
    if len(ids) < 2 or len(units) != len(ids):
        errors["unit_ids"] = "请选择本项目的两个以上房源"
    elif any(u.bundle_id for u in units):
        errors["unit_ids"] = "所选房源已在其他搭配中"
    elif sum(1 for u in units if u.kind == UnitKind.FLAT) > 1:
        errors["unit_ids"] = "一个搭配最多一套住房"
    _raise(errors)
    if Bundle.objects.filter(project=project, code=code).exists():
        raise ValidationFailed("搭配编号已存在", fields={"code": "搭配编号已存在"})
    bundle = Bundle.objects.create(project=project, code=code, **_codes(project))
    HousingUnit.objects.filter(pk__in=ids).update(bundle=bundle)
    audit_record(
        actor=actor, target=bundle, event="resettlement.bundle_created", data={"code": code, "units": ids}
    )
    return bundle


@transaction.atomic
def bundles_create_rows(*, actor: Actor | None, project_id: int, rows: list[tuple[str, list[str]]]) -> int:
    """Many bundles at once, each (code, [unit numbers]) — the numbering group's sheet; one audit row.
    The same rules as ``bundle_create``: two or more units, each in one bundle, at most one flat."""
    project = _project(actor, project_id)
    _still_preparing(project)
    units = {u.number: u for u in HousingUnit.objects.select_for_update().filter(project=project)}
    codes = set(Bundle.objects.filter(project=project).values_list("code", flat=True))
    used: set[int] = {u.pk for u in units.values() if u.bundle_id}
    plan: list[tuple[Bundle, list[HousingUnit]]] = []
    for n, (code, numbers) in enumerate(rows, start=1):
        members = [units[x] for x in numbers if x in units]
        if (
            not code
            or code in codes
            or len(members) < 2
            or len(members) != len(numbers)
            or any(u.pk in used for u in members)
            or sum(1 for u in members if u.kind == UnitKind.FLAT) > 1
        ):
            raise ValidationFailed(f"第{n}行：搭配编号重复、房源不存在或已在其他搭配中，或含两套以上住房")
        codes.add(code)
        used.update(u.pk for u in members)
        plan.append((Bundle(project=project, code=code, **_codes(project)), members))
    Bundle.objects.bulk_create([b for b, _m in plan], batch_size=500)
    changed = []
    for bundle, members in plan:
        for u in members:
            u.bundle = bundle
            changed.append(u)
    HousingUnit.objects.bulk_update(changed, ["bundle"], batch_size=500)
    audit_record(
        actor=actor, target=project, event="resettlement.bundles_created", data={"bundles": len(plan)}
    )
    return len(plan)
