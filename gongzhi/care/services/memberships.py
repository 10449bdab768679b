"""Writes of the care-group rosters: a person of the register enters a group (date, reason, carer,
frequency) or leaves it (date, reason); a batch from the register's tags (the demo, a first roster)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.care.enums import (
    DEFAULT_FREQUENCY,
    SENSITIVE_GROUPS,
    CareGroup,
    Frequency,
    MembershipStatus,
    due_after,
)
from gongzhi.care.models import CareMembership
from gongzhi.care.services._common import _day, _person_locked, _raise_errors, _text
from gongzhi.care.transitions import MEMBERSHIP
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed, require
from gongzhi.core.workflow import check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.people.models import Person


@dataclass
class EntryInput:
    person_id: int
    group: str
    entered_on: dt.date | None
    reason: str
    frequency: str = ""
    carer_id: int | None = None
    risk_level: int = 1


def _carer(errors: dict[str, str], carer_id: int | None, person: Person) -> int | None:
    """The carer (包联): a staff account whose scope covers the person's place (a grid worker of the grid,
    the community's staff …)."""
    if not carer_id:
        return None
    from gongzhi.accounts.models import User

    carer = User.objects.filter(pk=carer_id, is_active=True).first()
    if carer is None or not allowed(carer, "care.view_care", person):
        errors["carer_id"] = gettext("包联人应为该人员所在网格或社区的工作人员")
        return None
    return carer.pk


def _clean_entry(actor: Actor | None, data: EntryInput, person: Person) -> dict:
    errors: dict[str, str] = {}
    if data.group not in CareGroup.values:
        errors["group"] = gettext("请选择重点人群类别")
    frequency = data.frequency or DEFAULT_FREQUENCY.get(data.group, Frequency.MONTHLY)
    if frequency not in Frequency.values:
        errors["frequency"] = gettext("走访频次应为每周、每两周、每月或每季度")
    entered_on = _day(errors, "entered_on", data.entered_on, gettext("纳入日期"))
    reason = _text(errors, "reason", data.reason, gettext("纳入原因"), 200, True)
    if not isinstance(data.risk_level, int) or not 1 <= data.risk_level <= 3:
        errors["risk_level"] = gettext("风险等级应为1（低）、2（中）或3（高）")
    carer_id = _carer(errors, data.carer_id, person)
    _raise_errors(errors)
    return {
        "group": data.group,
        "sensitive": data.group in SENSITIVE_GROUPS,
        "entered_on": entered_on,
        "entry_reason": reason,
        "frequency": frequency,
        "carer_id": carer_id,
        "risk_level": data.risk_level,
        "due_on": due_after(entered_on, frequency),
    }


def _new(person: Person, clean: dict) -> CareMembership:
    row = CareMembership(person=person, **clean)
    row.district_code, row.subdistrict_code = person.district_code, person.subdistrict_code
    row.community_code, row.grid_code = person.community_code, person.grid_code
    return row


def _require_group(actor: Actor | None, row: CareMembership) -> None:
    require(actor, "care.manage_membership", row)
    if row.sensitive and not allowed(actor, "care.view_sensitive", row):
        raise NotFound(gettext("人员不存在"))  # a need-to-know group is invisible without the grant


@transaction.atomic
def membership_enter(*, actor: Actor | None, data: EntryInput) -> CareMembership:
    person = _person_locked(actor, data.person_id)
    require(actor, "care.manage_membership", person)
    clean = _clean_entry(actor, data, person)
    row = _new(person, clean)
    _require_group(actor, row)
    if (
        CareMembership.objects.select_for_update()
        .filter(person=person, group=row.group, status=MembershipStatus.ACTIVE)
        .exists()
    ):
        raise Conflict(
            gettext("%(name)s已在“%(value)s”名单中")
            % {"name": person.name, "value": row.get_group_display()},
            code="already_member",
        )
    row.save()
    audit_record(
        actor=actor,
        target=row,
        event="care.member_entered",
        data={
            "person": person.pk,
            "group": row.group,
            "entered_on": str(row.entered_on),
            "reason": row.entry_reason,
        },
    )
    return row


@transaction.atomic
def membership_exit(
    *, actor: Actor | None, membership_id: int, exited_on: dt.date | None, reason: str
) -> CareMembership:
    row = CareMembership.objects.select_for_update().filter(pk=membership_id).first()
    if row is None:
        raise NotFound()
    _require_group(actor, row)
    errors: dict[str, str] = {}
    when = _day(errors, "exited_on", exited_on, gettext("退出日期"))
    why = _text(errors, "reason", reason, gettext("退出原因"), 200, True)
    if "exited_on" not in errors and when < row.entered_on:
        errors["exited_on"] = gettext("退出日期不能早于纳入日期")
    _raise_errors(errors)
    check_move(MEMBERSHIP, MembershipStatus.EXITED, row.status)
    row.status, row.exited_on, row.exit_reason = MembershipStatus.EXITED, when, why
    row.save(update_fields=["status", "exited_on", "exit_reason", "updated_at"])
    audit_record(
        actor=actor,
        target=row,
        event="care.member_exited",
        data={"person": row.person_id, "group": row.group, "exited_on": str(when), "reason": why},
    )
    return row


@transaction.atomic
def memberships_bulk_enter(*, actor: Actor | None, community: object, rows: list[EntryInput]) -> int:
    """A community's first roster (the register's tags, the demo): one transaction, one audit row.
    Persons already in a group are left as they are."""
    from gongzhi.people.models import Person

    require(actor, "care.manage_membership", community)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=[r.person_id for r in rows])}
    existing = set(
        CareMembership.objects.filter(
            person_id__in=list(persons), status=MembershipStatus.ACTIVE
        ).values_list("person_id", "group")
    )
    out = []
    carers: dict[tuple[int, str], int | None] = {}  # (carer, grid) → checked once per batch
    for r in rows:
        person = persons.get(r.person_id)
        if person is None or person.community_code != getattr(community, "code", None):
            raise ValidationFailed(
                gettext("名单中有人员不在本社区"), fields={"person_id": gettext("人员不在本社区")}
            )
        if (person.pk, r.group) in existing:
            continue
        existing.add((person.pk, r.group))
        key = (r.carer_id or 0, person.grid_code)
        if key not in carers:
            errors: dict[str, str] = {}
            carers[key] = _carer(errors, r.carer_id, person)
            _raise_errors(errors)
        clean = _clean_entry(actor, EntryInput(**{**r.__dict__, "carer_id": None}), person)
        clean["carer_id"] = carers[key]
        out.append(_new(person, clean))
    CareMembership.objects.bulk_create(out, batch_size=1000)
    audit_record(actor=actor, target=community, event="care.members_imported", data={"count": len(out)})  # type: ignore[arg-type]
    return len(out)
