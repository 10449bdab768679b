"""Allocation in draw order: the household whose turn it is chooses within its entitlement (a unit, or a
bundle as a whole); a unit already chosen is refused (one winner under concurrency: the household row is
locked, and the unit is taken by a conditional UPDATE … WHERE household IS NULL). Then the settlement
statement, the key handover, and the project's close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.resettlement import settlement
from gongzhi.resettlement.enums import ENTITLEMENT_FIELD, ProjectStatus, UnitKind
from gongzhi.resettlement.models import (
    EligibleHousehold,
    HousingUnit,
    KeyHandover,
    PriceBand,
    ResettlementProject,
    SettlementStatement,
)
from gongzhi.resettlement.services._common import _codes, _project, _raise, _text
from gongzhi.resettlement.transitions import PROJECT

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

TAKEN = "已被选定"


def _household(actor: Actor, household_id: int) -> EligibleHousehold:
    hh = (
        EligibleHousehold.objects.select_for_update()
        .filter(pk=household_id)
        .select_related("project")
        .first()
    )
    if hh is None:
        raise NotFound("安置对象不存在或无权查看")
    require(actor, "resettlement.manage_project", hh.project)
    return hh


def _turn_check(hh: EligibleHousehold) -> None:
    if hh.project.status != ProjectStatus.DRAWN:
        raise Conflict("尚未摇号或选房已结束，不能选房", code="illegal_transition")
    if hh.choosing_done:
        raise Conflict(f"{hh.key}已确认选房结果，不能再选", code="illegal_transition")
    first = (
        EligibleHousehold.objects.filter(project_id=hh.project_id, choosing_done=False)
        .order_by("draw_position")
        .values_list("draw_position", "key")
        .first()
    )
    if first is not None and first[0] != hh.draw_position:
        raise Conflict(f"未到选房顺序：当前轮到第{first[0]}号（{first[1]}）", code="not_your_turn")


def _entitlement_check(hh: EligibleHousehold, units: list[HousingUnit]) -> None:
    held = list(HousingUnit.objects.filter(household=hh).values_list("kind", "area"))
    for kind, field in ENTITLEMENT_FIELD.items():
        have = sum(1 for k, _a in held if k == kind) + sum(1 for u in units if u.kind == kind)
        limit = getattr(hh, field)
        if have > limit:
            label = dict(UnitKind.choices)[kind]
            raise Conflict(
                f"超出安置标准：{hh.key}可选{label}{limit}个，本次选后为{have}个", code="beyond_entitlement"
            )
    flat_area = sum((a for k, a in held if k == UnitKind.FLAT), Decimal(0)) + sum(
        (u.area for u in units if u.kind == UnitKind.FLAT), Decimal(0)
    )
    ceiling = hh.entitled_area + hh.project.max_over_area
    if flat_area > ceiling:
        raise Conflict(
            f"超出安置标准：住房总面积{flat_area}㎡超过应安置面积{hh.entitled_area}㎡加可超上限{hh.project.max_over_area}㎡",
            code="beyond_entitlement",
        )


@transaction.atomic
def unit_choose(*, actor: Actor, household_id: int, unit_id: int) -> list[HousingUnit]:
    """The household chooses a unit (with its bundle, if it is in one). Returns the units taken."""
    hh = _household(actor, household_id)
    _turn_check(hh)
    unit = HousingUnit.objects.filter(pk=unit_id, project_id=hh.project_id).first()
    if unit is None:
        raise NotFound("房源不存在")
    units = list(HousingUnit.objects.filter(bundle_id=unit.bundle_id)) if unit.bundle_id else [unit]
    taken = [u for u in units if u.household_id is not None]
    if taken:
        raise Conflict(f"{taken[0]}{TAKEN}，请另选", code="unit_taken")
    _entitlement_check(hh, units)
    now = timezone.now()
    got = HousingUnit.objects.filter(pk__in=[u.pk for u in units], household__isnull=True).update(
        household=hh, chosen_at=now
    )
    if got != len(units):  # another desk took one between our read and our write
        raise Conflict(f"{unit}{TAKEN}，请另选", code="unit_taken")
    audit_record(
        actor=actor,
        target=hh,
        event="resettlement.unit_chosen",
        data={"household": hh.key, "units": [str(u) for u in units]},
    )
    return units


@transaction.atomic
def household_choosing_finish(*, actor: Actor, household_id: int) -> EligibleHousehold:
    """The household confirms its choice (签字确认); the next in draw order is called."""
    hh = _household(actor, household_id)
    _turn_check(hh)
    if not HousingUnit.objects.filter(household=hh, kind=UnitKind.FLAT).exists() and hh.entitled_flats:
        raise ValidationFailed("该户还没有选定住房")
    hh.choosing_done = True
    hh.save(update_fields=["choosing_done", "updated_at"])
    audit_record(actor=actor, target=hh, event="resettlement.choosing_finished", data={"household": hh.key})
    return hh


@transaction.atomic
def allocation_apply_in_order(*, actor: Actor | None, project_id: int) -> int:
    """Every household, in draw order, takes the first free units that fit its entitlement (flats by
    building and number, a flat's bundle with it), and finishes. The demo's path and a fallback for a
    paper selection entered afterwards: one transaction, one audit row."""
    project = _project(actor, project_id)
    if project.status != ProjectStatus.DRAWN:
        raise Conflict("尚未摇号，不能分配", code="illegal_transition")
    units = list(
        HousingUnit.objects.filter(project=project, household__isnull=True).order_by(
            "kind", "building", "floor", "number"
        )
    )
    by_bundle: dict[int, list[HousingUnit]] = {}
    for u in units:
        if u.bundle_id:
            by_bundle.setdefault(u.bundle_id, []).append(u)
    free = {k: [u for u in units if u.kind == k] for k in UnitKind.values}
    households = list(
        EligibleHousehold.objects.filter(project=project, choosing_done=False).order_by("draw_position")
    )
    now, changed = timezone.now(), []
    for hh in households:
        need: dict[str, int] = {str(k): getattr(hh, f) for k, f in ENTITLEMENT_FIELD.items()}
        area_left = hh.entitled_area + project.max_over_area
        for kind in (UnitKind.FLAT, UnitKind.STORAGE, UnitKind.PARKING):
            for u in free[kind]:
                if need[kind] <= 0:
                    break
                if u.household_id is not None:
                    continue
                group = by_bundle.get(u.bundle_id, [u]) if u.bundle_id else [u]
                wants = {k: sum(1 for g in group if g.kind == k) for k in UnitKind.values}
                area = sum((g.area for g in group if g.kind == UnitKind.FLAT), Decimal(0))
                if any(wants[k] > need[k] for k in UnitKind.values) or area > area_left:
                    continue
                for g in group:
                    g.household_id, g.chosen_at = hh.pk, now
                    changed.append(g)
                    need[g.kind] -= 1
                area_left -= area
        hh.choosing_done = True
    HousingUnit.objects.bulk_update(changed, ["household", "chosen_at"], batch_size=500)
    EligibleHousehold.objects.bulk_update(households, ["choosing_done"], batch_size=500)
    audit_record(
        actor=actor,
        target=project,
        event="resettlement.allocated_in_order",
        data={"households": len(households), "units": len(changed)},
    )
    return len(changed)


def settlement_of(hh: EligibleHousehold) -> settlement.Settlement:
    chosen = HousingUnit.objects.filter(household=hh, kind=UnitKind.FLAT).aggregate(a=Sum("area"))[
        "a"
    ] or Decimal(0)
    bands = [
        settlement.Band(lower=b.lower, upper=b.upper, price=b.price, label=b.label)
        for b in PriceBand.objects.filter(project_id=hh.project_id)
    ]
    try:
        return settlement.settle(hh.entitled_area, Decimal(chosen), bands)
    except settlement.BandError as exc:
        raise ValidationFailed(str(exc)) from None


@transaction.atomic
def settlement_issue(*, actor: Actor, household_id: int) -> SettlementStatement:
    hh = _household(actor, household_id)
    if not hh.choosing_done:
        raise Conflict("该户尚未确认选房结果，不能结算", code="illegal_transition")
    if SettlementStatement.objects.filter(household=hh).exists():
        raise Conflict("该户的结算单已出具", code="duplicate")
    s = settlement_of(hh)
    statement = SettlementStatement(
        household=hh,
        number=f"JS-{hh.project_id}-{hh.key}",
        entitled_area=s.entitled,
        chosen_area=s.chosen,
        difference=s.difference,
        amount=s.amount,
        lines=[
            {"label": x.label, "area": str(x.area), "price": str(x.price), "amount": str(x.amount)}
            for x in s.lines
        ],
        issued_at=timezone.now(),
        issued_by_id=getattr(actor, "pk", None),
        **_codes(hh.project),
    )
    statement.save()
    audit_record(
        actor=actor,
        target=statement,
        event="resettlement.settlement_issued",
        data={"household": hh.key, "difference": str(s.difference), "amount": str(s.amount)},
    )
    return statement


@transaction.atomic
def key_handover_sign(
    *, actor: Actor, household_id: int, signed_by_name: str, handed_on: dt.date | None = None
) -> KeyHandover:
    hh = _household(actor, household_id)
    if not SettlementStatement.objects.filter(household=hh).exists():
        raise Conflict("请先出具面积差结算单，再交付钥匙", code="illegal_transition")
    errors: dict[str, str] = {}
    signed_by_name = _text(errors, "signed_by_name", signed_by_name, "签收人", 50, True)
    day = handed_on or timezone.localdate()
    if not bounds.date_in_range(day) or day > timezone.localdate():
        errors["handed_on"] = "交付日期不能晚于今天"
    _raise(errors)
    units = "、".join(str(u) for u in HousingUnit.objects.filter(household=hh).order_by("kind", "number"))[
        :300
    ]
    row = KeyHandover(
        household=hh,
        signed_by_name=signed_by_name,
        handed_on=day,
        units=units,
        handed_by_id=getattr(actor, "pk", None),
        **_codes(hh.project),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict("该户的钥匙已交付", code="duplicate") from None
    audit_record(
        actor=actor,
        target=row,
        event="resettlement.keys_handed_over",
        data={"household": hh.key, "units": units},
    )
    return row


@transaction.atomic
def resettlement_project_close(*, actor: Actor, project_id: int) -> ResettlementProject:
    project = _project(actor, project_id)
    check_move(PROJECT, ProjectStatus.CLOSED, project.status)
    if EligibleHousehold.objects.filter(project=project, choosing_done=False).exists():
        raise Conflict("还有安置对象未完成选房，不能办结", code="illegal_transition")
    project.status = ProjectStatus.CLOSED
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, target=project, event="resettlement.project_closed", data={"name": project.name}
    )
    return project
