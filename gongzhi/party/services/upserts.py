"""Units and in-service members from a register (the street office's xlsx, ``gongzhi.registers``): many
rows at once, every row checked, all written or none, and the same rows a second time change nothing.

``units_upsert`` matches a unit by its unified social credit code; ``in_service_members_upsert`` a member
by phone and their 报到 by community. A new one is created (a member's 报到 registered and accepted at
once, with its card number, as ``members_bulk_register_accepted`` does for paper registers); an existing
one in the actor's places gets the values that differ; an equal one is left alone. Row problems come back
as ``(index, field, Chinese reason)`` with nothing written; ``dry_run`` checks and counts without writing.
One audit row per applied batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import Conflict, ValidationFailed
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import allowed
from gongzhi.party.enums import SKILL_VALUES, MemberKind, RegistrationStatus, UnitKind
from gongzhi.party.models import MemberRegistration, PartyMember, Unit
from gongzhi.party.services._validation import (
    member_skills,
    normalise_uscc,
    optional_text,
    own_phone_hashes,
    required_text,
)
from gongzhi.party.services.registration import next_card_number
from gongzhi.places.models import Community, Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

RowError = tuple[int, str, str]  # (index in the input, field, Chinese reason)


@dataclass
class UpsertOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _fail(errors: list[RowError], index: int, exc: ValidationFailed) -> None:
    for name, message in (exc.fields or {"": exc.message}).items():
        errors.append((index, name, str(message)))


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if getattr(obj, k) != v}


# --- units ----------------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    community_code: str
    name: str
    uscc: str
    kind: str
    address: str = ""
    party_org_name: str = ""
    paired_grid_code: str = ""


@transaction.atomic
def units_upsert(*, actor: Actor | None, rows: list[UnitRow], dry_run: bool = False) -> UpsertOutcome:
    out = UpsertOutcome()
    communities = {c.code: c for c in Community.objects.filter(code__in={r.community_code for r in rows})}
    grids = {
        g.code: g
        for g in Grid.objects.filter(code__in={r.paired_grid_code for r in rows if r.paired_grid_code})
    }
    clean: list[tuple[int, Community, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        community = communities.get(r.community_code)
        if community is None or not allowed(actor, "party.register_unit", community):
            out.errors.append((i, "community_code", "社区编码不存在或不在您的管辖范围内"))
            continue
        values: dict[str, Any] = {}
        problems: list[RowError] = []
        checks: list[tuple[str, Any, tuple[Any, ...]]] = [
            ("name", required_text, (r.name, "name", "单位名称", 100)),
            ("uscc", normalise_uscc, (r.uscc,)),
            ("address", optional_text, (r.address, "address", "地址", 200)),
            ("party_org_name", optional_text, (r.party_org_name, "party_org_name", "单位党组织", 100)),
        ]
        for key, check, args in checks:
            try:
                values[key] = check(*args)
            except ValidationFailed as exc:
                _fail(problems, i, exc)
        if r.kind not in UnitKind.values:
            problems.append((i, "kind", "单位类型无效，应为：" + "、".join(str(x) for x in UnitKind.labels)))
        if problems:
            out.errors.extend(problems)
            continue
        values["kind"] = r.kind
        grid = grids.get(r.paired_grid_code) if r.paired_grid_code else None
        if r.paired_grid_code and (grid is None or grid.community_id != community.pk):
            out.errors.append((i, "paired_grid_code", f"联系网格不存在或不属于{community.name}"))
            continue
        values["paired_grid_id"] = grid.pk if grid else None
        if values["uscc"] in seen:
            out.errors.append((i, "uscc", f"与第{seen[values['uscc']] + 1}条的统一社会信用代码重复"))
            continue
        seen[values["uscc"]] = i
        clean.append((i, community, values))
    existing = {u.uscc: u for u in Unit.objects.select_for_update().filter(uscc__in=seen)}
    creates: list[Unit] = []
    updates: list[tuple[Unit, dict[str, Any]]] = []
    for i, community, values in clean:
        unit = existing.get(values["uscc"])
        if unit is None:
            new = Unit(community=community, registered_at=timezone.now(), **values)
            new.set_place_codes(community_code=community.code)
            creates.append(new)
        elif unit.community_id != community.pk or not allowed(actor, "party.change_unit", unit):
            out.errors.append((i, "uscc", "该统一社会信用代码已在其他社区登记，不能通过导入变更报到社区"))
        elif changes := _changes(unit, values):
            updates.append((unit, changes))
        else:
            out.unchanged += 1
    out.created, out.updated = len(creates), len(updates)
    if out.errors or dry_run or not (creates or updates):
        return out
    try:
        with transaction.atomic():
            Unit.objects.bulk_create(creates, batch_size=500)
    except IntegrityError as exc:  # a unit of the same code registered meanwhile
        raise Conflict(gettext("导入期间数据已被他人修改，请重新导入"), code="conflict") from exc
    now = timezone.now()
    for unit, changes in updates:
        for key, value in changes.items():
            setattr(unit, key, value)
        unit.updated_at = now
        unit.save(update_fields=[*changes, "updated_at"])
    first = creates[0] if creates else updates[0][0]
    audit_record(
        actor=actor,
        target=first,
        event="party.units_imported",
        data={
            "created": out.created,
            "updated": out.updated,
            "unchanged": out.unchanged,
            "uscc": sorted(seen)[:100],
        },
    )
    return out


# --- in-service members ---------------------------------------------------------------------------------


@dataclass
class MemberRow:
    grid_code: str
    name: str
    phone: str
    address: str
    unit_uscc: str = ""
    workplace_org: str = ""
    skills: list[str] = field(default_factory=list)
    classification: str = ""
    services_offered: str = ""
    available_times: str = ""


@dataclass
class _Member:
    index: int
    grid: Grid
    phone: ids.Protected
    member: dict[str, Any]  # the PartyMember's values
    registration: dict[str, Any]  # the MemberRegistration's values


def _member_row(r: MemberRow, grid: Grid, units: dict[str, Unit]) -> _Member | ValidationFailed:
    try:
        name = required_text(r.name, "name", gettext("姓名"), 50)
        phone = ids.Protected.of_phone(ids.normalise_phone(r.phone))
        address = required_text(r.address, "address", gettext("居住地址"), 200)
        workplace_org = optional_text(r.workplace_org, "workplace_org", gettext("组织关系所在党组织"), 100)
        skills = member_skills(r.skills)
        services = optional_text(r.services_offered, "services_offered", gettext("可提供的服务"), 500)
        times = optional_text(r.available_times, "available_times", gettext("服务时间"), 200)
    except ValidationFailed as exc:
        return exc
    unit = None
    if r.unit_uscc:
        unit = units.get(r.unit_uscc)
        if unit is None:
            return ValidationFailed(
                gettext("工作单位未登记"),
                fields={"unit_uscc": gettext("该统一社会信用代码的单位尚未登记，请先导入驻区单位")},
            )
    if unit is None and not workplace_org:
        return ValidationFailed(
            gettext("请填写工作单位或组织关系所在党组织"),
            fields={"unit_uscc": gettext("请填写工作单位的统一社会信用代码，或填写组织关系所在党组织")},
        )
    if r.classification not in SKILL_VALUES:
        return ValidationFailed(
            gettext("分类无效"), fields={"classification": gettext("请填写服务分类（与特长类别相同）")}
        )
    workplace_org = workplace_org or (unit.party_org_name or unit.name if unit else "")
    return _Member(
        index=0,
        grid=grid,
        phone=phone,
        member={"name": name, "unit_id": unit.pk if unit else None, "workplace_org": workplace_org},
        registration={
            "unit_id": unit.pk if unit else None,
            "address": address,
            "skills": skills,
            "services_offered": services,
            "available_times": times,
            "classification": r.classification,
            "grid_id": grid.pk,
        },
    )


@transaction.atomic
def in_service_members_upsert(
    *, actor: Actor | None, rows: list[MemberRow], dry_run: bool = False
) -> UpsertOutcome:
    out = UpsertOutcome()
    grids = {
        g.code: g
        for g in Grid.objects.filter(code__in={r.grid_code for r in rows}).select_related("community")
    }
    units = {u.uscc: u for u in Unit.objects.filter(uscc__in={r.unit_uscc for r in rows if r.unit_uscc})}
    own = own_phone_hashes(actor)
    clean: list[_Member] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        grid = grids.get(r.grid_code)
        if grid is None or not allowed(actor, "party.receive_memberregistration", grid.community):
            out.errors.append((i, "grid_code", "网格编码不存在或不在您的管辖范围内"))
            continue
        m = _member_row(r, grid, units)
        if isinstance(m, ValidationFailed):
            _fail(out.errors, i, m)
            continue
        m.index = i
        if m.phone.hash in own:
            out.errors.append((i, "phone", "不能受理本人的报到，应由他人办理"))
            continue
        key = f"{m.phone.hash}:{grid.community_id}"
        if key in seen:
            out.errors.append((i, "phone", f"与第{seen[key] + 1}条是同一人在同一社区的报到"))
            continue
        seen[key] = i
        clean.append(m)
    hashes = {m.phone.hash for m in clean}
    lock_name(*(f"party.member.phone:{h}" for h in sorted(hashes)))
    members = {
        p.phone_hash: p
        for p in PartyMember.objects.select_for_update().filter(
            kind=MemberKind.IN_SERVICE, phone_hash__in=hashes
        )
    }
    regs = {
        (g.member.phone_hash, g.community_id): g
        for g in MemberRegistration.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(member__phone_hash__in=hashes, member__kind=MemberKind.IN_SERVICE)
        .exclude(status=RegistrationStatus.RETURNED)
    }
    new: list[_Member] = []
    changed: list[tuple[_Member, PartyMember | None, dict[str, Any], MemberRegistration, dict[str, Any]]] = []
    for m in clean:
        member = members.get(m.phone.hash)
        reg = regs.get((m.phone.hash, m.grid.community_id))
        if reg is None:
            new.append(m)
            continue
        if reg.status != RegistrationStatus.ACCEPTED:
            out.errors.append((m.index, "phone", "此人在该社区的报到尚待接收，请先在报到列表中处理"))
            continue
        member_changes = _changes(member, m.member) if member is not None else {}
        reg_changes = _changes(reg, m.registration)
        if member_changes or reg_changes:
            changed.append((m, member, member_changes, reg, reg_changes))
        else:
            out.unchanged += 1
    out.created, out.updated = len(new), len(changed)
    if out.errors or dry_run or not (new or changed):
        return out
    now = timezone.now()
    fresh: list[PartyMember] = []
    for m in new:
        if m.phone.hash not in members:
            p = PartyMember(kind=MemberKind.IN_SERVICE, **m.member)
            p.phone_encrypted, p.phone_hash, p.phone_masked = m.phone.encrypted, m.phone.hash, m.phone.masked
            p.set_place_codes(community_code=m.grid.community.code)
            fresh.append(p)
            members[m.phone.hash] = p
    PartyMember.objects.bulk_create(fresh, batch_size=500)
    communities = sorted({m.grid.community_id for m in new})
    for community in Community.objects.select_for_update().filter(pk__in=communities).order_by("pk"):
        prefix = f"BD-{community.code}-"
        number = int(next_card_number(community)[len(prefix) :])
        created: list[MemberRegistration] = []
        for m in (m for m in new if m.grid.community_id == community.pk):
            reg = MemberRegistration(
                member=members[m.phone.hash],
                community=community,
                status=RegistrationStatus.ACCEPTED,
                card_number=f"{prefix}{number:05d}",
                decided_by_id=actor.pk if actor is not None else None,
                decided_at=now,
                **m.registration,
            )
            reg.set_place_codes(grid_code=m.grid.code)
            created.append(reg)
            number += 1
        MemberRegistration.objects.bulk_create(created, batch_size=500)
    for m, member, member_changes, reg, reg_changes in changed:
        if member is not None and member_changes:
            for key, value in member_changes.items():
                setattr(member, key, value)
            member.updated_at = now
            member.save(update_fields=[*member_changes, "updated_at"])
        if reg_changes:
            for key, value in reg_changes.items():
                setattr(reg, key, value)
            fields = [*reg_changes, "updated_at"]
            if "grid_id" in reg_changes:
                reg.set_place_codes(grid_code=m.grid.code)
                fields.append("grid_code")
            reg.updated_at = now
            reg.save(update_fields=fields)
    target = (
        MemberRegistration.objects.filter(member=members[new[0].phone.hash]).order_by("-id").first()
        if new
        else None
    ) or changed[0][3]
    audit_record(
        actor=actor,
        target=target,
        event="party.registrations_imported",
        data={
            "created": out.created,
            "updated": out.updated,
            "unchanged": out.unchanged,
            "new_members": len(fresh),
        },
    )
    return out
