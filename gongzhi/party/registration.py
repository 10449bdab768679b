"""Units (驻区单位) and in-service members registering (报到) with the community where they live.

Services write (one transaction, a permission check, one audit row); selectors read with the actor's
scope. A unit liaison sees their own unit(s)' members and registrations, a member their own, community
staff their community's, a district admin all of the district.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from stdnum.cn import uscc as cn_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from gongzhi.audit.services import audit_record
from gongzhi.core import codes, ids
from gongzhi.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import SKILL_VALUES, SKILLS, MemberKind, RegistrationStatus, UnitKind
from gongzhi.party.models import MemberRegistration, PartyMember, Unit
from gongzhi.places.models import Community, Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# Who registers units and receives members: the community's own staff, or a district admin.
REGISTRARS = frozenset({Role.DISTRICT_ADMIN, Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY})
# Who reads units and registrations by place (supervision reads too, but does not decide).
PLACE_READERS = REGISTRARS | {Role.SUBDISTRICT_STAFF, Role.AUDITOR}
# An existing account may be made a liaison only if it is not a staff account.
_LIAISON_COMPATIBLE = frozenset({Role.UNIT_LIAISON, Role.PARTY_MEMBER, Role.RESIDENT})

S = RegistrationStatus
# The one table of allowed moves of a registration.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.RETURNED}),
    S.ACCEPTED: frozenset(),
    S.RETURNED: frozenset(),
}
_MOVE_VERB = {S.ACCEPTED: "接收", S.RETURNED: "退回"}

DUPLICATE_MESSAGE = "您已在该社区报到，无需重复报到"
USCC_TAKEN = "该统一社会信用代码已登记"


def check_move(old: str, new: str) -> None:
    if new not in TRANSITIONS.get(old, frozenset()):
        raise Conflict(
            f"该报到申请{S(old).label}，不能{_MOVE_VERB.get(S(new), '变更')}",
            code="illegal_transition",
        )


def _place_of(community: Community) -> SimpleNamespace:
    return SimpleNamespace(
        district_code=community.code[:6],
        subdistrict_code=codes.subdistrict_of(community.code),
        community_code=community.code,
        grid_code="",
    )


def is_registrar(actor: Actor | None, community: Community) -> bool:
    if actor is None:
        return True  # the system (seed, commands)
    return scope_of(actor).covers(_place_of(community), REGISTRARS)


def _community(actor: Actor | None, community_id: int, *, staff: bool = True) -> Community:
    community = Community.objects.filter(pk=community_id).first()
    if community is None or (staff and not is_registrar(actor, community)):
        raise NotFound()
    return community


# --- validation --------------------------------------------------------------------------------


def normalise_uscc(value: str, field: str = "uscc") -> str:
    raw = cn_uscc.compact(value or "")
    if not raw:
        raise field_error(field, "请填写统一社会信用代码", code="required")
    try:
        return cn_uscc.validate(raw)
    except InvalidLength as exc:
        raise field_error(field, f"统一社会信用代码应为18位，收到{len(raw)}位") from exc
    except InvalidChecksum as exc:
        raise field_error(field, "统一社会信用代码校验位错误，请核对后重新填写") from exc
    except StdnumError as exc:
        raise field_error(field, "统一社会信用代码格式错误") from exc


def _required(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, f"请填写{label}", code="required")
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


def _optional(value: str | None, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


def _grid_in(community: Community, grid_code: str, field: str = "grid_code") -> Grid:
    grid = Grid.objects.filter(code=(grid_code or "").strip()).first()
    if grid is None:
        raise field_error(field, f"网格“{grid_code}”不存在")
    if grid.community_id != community.pk:
        raise field_error(field, f"网格“{grid.name}”不属于{community.name}，请选择本社区的网格")
    return grid


def _skills(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        if v not in SKILL_VALUES:
            raise field_error("skills", f"未知的特长类别“{v}”")
        if v not in out:
            out.append(v)
    return out


def skill_labels(values: list[str]) -> list[str]:
    labels = dict(SKILLS)
    return [str(labels.get(v, v)) for v in values]


# --- units -------------------------------------------------------------------------------------


@dataclass
class UnitInput:
    name: str
    uscc: str
    kind: str
    address: str = ""
    party_org_name: str = ""
    paired_grid_code: str | None = None


def _clean_unit(data: UnitInput, community: Community) -> tuple[dict[str, Any], Grid | None]:
    name = _required(data.name, "name", "单位名称", 100)
    uscc = normalise_uscc(data.uscc)
    if data.kind not in UnitKind.values:
        raise field_error("kind", "请选择单位类型")
    grid = _grid_in(community, data.paired_grid_code, "paired_grid_code") if data.paired_grid_code else None
    return {
        "name": name,
        "uscc": uscc,
        "kind": data.kind,
        "address": _optional(data.address, "address", "地址", 200),
        "party_org_name": _optional(data.party_org_name, "party_org_name", "单位党组织", 100),
    }, grid


def _link_liaison(
    *, actor: Actor | None, unit: Unit, username: str, display_name: str = "", phone: str = ""
) -> Any:
    from gongzhi.accounts.models import User
    from gongzhi.accounts.services import role_assign, user_create

    username = username.strip()
    user = User.objects.filter(username=username).first()
    note = {"unit": unit.uscc, "by": actor.get_username() if actor is not None else "系统"}
    if user is None:
        # A community registers its units' liaisons; creating the account is the system's act on its
        # behalf (accounts are otherwise a district admin's), recorded with who asked for it.
        user = user_create(
            actor=None,
            username=username,
            password=None,
            display_name=display_name or f"{unit.name}联络人",
            phone=phone,
            note=note,
        )
    else:
        roles = scope_of(user).roles
        if user.is_superuser or not roles <= _LIAISON_COMPATIBLE:
            raise field_error("liaison_username", f"账号“{username}”是工作人员账号，不能作为单位联络人")
    role_assign(actor=None, user=user, role=Role.UNIT_LIAISON, place_code=unit.community_code)
    return user


@transaction.atomic
def unit_register(
    *,
    actor: Actor | None,
    community_id: int,
    name: str,
    uscc: str,
    kind: str,
    address: str = "",
    party_org_name: str = "",
    paired_grid_code: str | None = None,
    liaison_username: str | None = None,
    liaison_display_name: str = "",
    liaison_phone: str = "",
) -> Unit:
    """A unit registers with the community where it is located; an unknown liaison username creates a
    liaison account (no password: it signs in by phone code or gets one set by an admin)."""
    community = _community(actor, community_id)
    data, grid = _clean_unit(
        UnitInput(name, uscc, kind, address, party_org_name, paired_grid_code), community
    )
    if Unit.objects.filter(uscc=data["uscc"]).exists():
        raise ApplicationError(USCC_TAKEN, code="duplicate", fields={"uscc": USCC_TAKEN}, status=409)
    unit = Unit(community=community, paired_grid=grid, registered_at=timezone.now(), **data)
    unit.set_place_codes(community_code=community.code)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:  # a concurrent registration of the same code
        raise ApplicationError(USCC_TAKEN, code="duplicate", fields={"uscc": USCC_TAKEN}, status=409) from exc
    if liaison_username:
        unit.liaison = _link_liaison(
            actor=actor,
            unit=unit,
            username=liaison_username,
            display_name=liaison_display_name,
            phone=liaison_phone,
        )
        unit.save(update_fields=["liaison", "updated_at"])
    audit_record(
        actor=actor,
        target=unit,
        event="party.unit_registered",
        data={
            "uscc": unit.uscc,
            "kind": unit.kind,
            "paired_grid": grid.code if grid else "",
            "liaison": unit.liaison.get_username() if unit.liaison else "",
        },
    )
    return unit


def _unit_locked(actor: Actor | None, unit_id: int) -> Unit:
    unit = Unit.objects.select_for_update(of=("self",)).select_related("community").filter(pk=unit_id).first()
    if unit is None or not is_registrar(actor, unit.community):
        raise NotFound()
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Actor | None,
    unit_id: int,
    name: str | None = None,
    kind: str | None = None,
    address: str | None = None,
    party_org_name: str | None = None,
    liaison_username: str | None = None,
) -> Unit:
    unit = _unit_locked(actor, unit_id)
    changes: dict[str, tuple[Any, Any]] = {}
    new: dict[str, Any] = {}
    if name is not None:
        new["name"] = _required(name, "name", "单位名称", 100)
    if kind is not None:
        if kind not in UnitKind.values:
            raise field_error("kind", "请选择单位类型")
        new["kind"] = kind
    if address is not None:
        new["address"] = _optional(address, "address", "地址", 200)
    if party_org_name is not None:
        new["party_org_name"] = _optional(party_org_name, "party_org_name", "单位党组织", 100)
    for key, value in new.items():
        if getattr(unit, key) != value:
            changes[key] = (getattr(unit, key), value)
            setattr(unit, key, value)
    if liaison_username:
        old = unit.liaison.get_username() if unit.liaison else ""
        unit.liaison = _link_liaison(actor=actor, unit=unit, username=liaison_username)
        if old != liaison_username.strip():
            changes["liaison"] = (old, liaison_username.strip())
    if not changes:
        return unit
    unit.save(update_fields=[*[k for k in changes if k != "liaison"], "liaison", "updated_at"])
    audit_record(
        actor=actor,
        target=unit,
        event="party.unit_updated",
        data={k: {"from": a, "to": b} for k, (a, b) in changes.items()},
    )
    return unit


@transaction.atomic
def unit_pair_grid(*, actor: Actor | None, unit_id: int, grid_code: str | None) -> Unit:
    """Pairs the unit with a grid of its community; ``None`` unpairs it."""
    unit = _unit_locked(actor, unit_id)
    old = unit.paired_grid.code if unit.paired_grid_id and unit.paired_grid else ""
    grid = _grid_in(unit.community, grid_code, "paired_grid_code") if grid_code else None
    if (grid.code if grid else "") == old:
        return unit
    unit.paired_grid = grid
    unit.save(update_fields=["paired_grid", "updated_at"])
    audit_record(
        actor=actor,
        target=unit,
        event="party.unit_paired" if grid else "party.unit_unpaired",
        data={"from": old, "to": grid.code if grid else ""},
    )
    return unit


def unit_unpair_grid(*, actor: Actor | None, unit_id: int) -> Unit:
    return unit_pair_grid(actor=actor, unit_id=unit_id, grid_code=None)


@transaction.atomic
def units_bulk_register(*, actor: Actor | None, community_id: int, units: list[UnitInput]) -> list[Unit]:
    """Many units of one community in one transaction with one audit row (imports, the demo)."""
    community = _community(actor, community_id)
    rows: list[Unit] = []
    now = timezone.now()
    seen: set[str] = set()
    for i, data in enumerate(units, start=1):
        try:
            clean, grid = _clean_unit(data, community)
        except ValidationFailed as exc:
            raise ValidationFailed(f"第{i}条：{exc.message}", fields=exc.fields) from exc
        if clean["uscc"] in seen:
            raise ApplicationError(f"第{i}条：{USCC_TAKEN}", code="duplicate", status=409)
        seen.add(clean["uscc"])
        unit = Unit(community=community, paired_grid=grid, registered_at=now, **clean)
        unit.set_place_codes(community_code=community.code)
        rows.append(unit)
    if Unit.objects.filter(uscc__in=seen).exists():
        raise ApplicationError(USCC_TAKEN, code="duplicate", status=409)
    if not rows:
        return []
    created = Unit.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        target=created[0],
        event="party.units_imported",
        data={"community": community.code, "count": len(created)},
    )
    return created


# --- member registration (报到) -------------------------------------------------------------------


@dataclass
class MemberInput:
    name: str
    phone: str
    address: str
    unit_id: int | None = None
    workplace_org: str = ""
    skills: list[str] = field(default_factory=list)
    services_offered: str = ""
    available_times: str = ""


@dataclass
class _Clean:
    name: str
    phone: ids.Protected
    address: str
    unit: Unit | None
    workplace_org: str
    skills: list[str]
    services_offered: str
    available_times: str


def _clean_member(data: MemberInput, units: dict[int, Unit] | None = None) -> _Clean:
    name = _required(data.name, "name", "姓名", 50)
    phone = ids.Protected.of_phone(ids.normalise_phone(data.phone))
    address = _required(data.address, "address", "居住地址", 200)
    unit: Unit | None = None
    if data.unit_id:
        unit = units.get(data.unit_id) if units is not None else Unit.objects.filter(pk=data.unit_id).first()
        if unit is None:
            raise field_error("unit_id", "所选工作单位不存在")
    workplace_org = _optional(data.workplace_org, "workplace_org", "组织关系所在党组织", 100)
    if unit is None and not workplace_org:
        raise field_error("unit_id", "请选择工作单位，或填写组织关系所在党组织", code="required")
    return _Clean(
        name=name,
        phone=phone,
        address=address,
        unit=unit,
        workplace_org=workplace_org or (unit.party_org_name or unit.name if unit else ""),
        skills=_skills(data.skills),
        services_offered=_optional(data.services_offered, "services_offered", "可提供的服务", 500),
        available_times=_optional(data.available_times, "available_times", "服务时间", 200),
    )


def _apply_member(member: PartyMember, clean: _Clean, community: Community) -> None:
    member.kind = MemberKind.IN_SERVICE
    member.name = clean.name
    member.unit = clean.unit
    member.workplace_org = clean.workplace_org
    member.phone_encrypted, member.phone_hash, member.phone_masked = (
        clean.phone.encrypted,
        clean.phone.hash,
        clean.phone.masked,
    )
    if not member.community_code:
        member.set_place_codes(community_code=community.code)


def _registration_of(member: PartyMember, community: Community, clean: _Clean) -> MemberRegistration:
    reg = MemberRegistration(
        member=member,
        community=community,
        unit=clean.unit,
        address=clean.address,
        skills=clean.skills,
        services_offered=clean.services_offered,
        available_times=clean.available_times,
    )
    reg.set_place_codes(community_code=community.code)
    return reg


@transaction.atomic
def member_register(
    *,
    actor: Actor,
    community_id: int,
    name: str,
    phone: str,
    address: str,
    unit_id: int | None = None,
    workplace_org: str = "",
    skills: list[str] | None = None,
    services_offered: str = "",
    available_times: str = "",
) -> MemberRegistration:
    """报到. Community staff enter it for a member (found by phone, else created); a party member
    registers themself (their own member record, linked to their account)."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound("社区不存在")
    clean = _clean_member(
        MemberInput(
            name, phone, address, unit_id, workplace_org, skills or [], services_offered, available_times
        )
    )
    staff = is_registrar(actor, community)
    # The member row may not exist yet (nothing for select_for_update to lock): two registrations of the
    # same phone, or by the same account, wait for each other here and the second sees the first.
    lock_name(f"party.member.phone:{clean.phone.hash}", *([] if staff else [f"party.member.user:{actor.pk}"]))
    members = PartyMember.objects.select_for_update().filter(kind=MemberKind.IN_SERVICE)
    if staff:
        member = members.filter(phone_hash=clean.phone.hash).order_by("id").first()
    elif scope_of(actor).has_role(Role.PARTY_MEMBER):
        member = (
            members.filter(user_id=actor.pk).order_by("id").first()
            or members.filter(phone_hash=clean.phone.hash, user__isnull=True).order_by("id").first()
        )
    else:
        raise NotFound()
    if member is not None and (
        MemberRegistration.objects.filter(member=member, community=community)
        .exclude(status=S.RETURNED)
        .exists()
    ):
        raise Conflict(DUPLICATE_MESSAGE, code="duplicate")
    member = member or PartyMember()
    _apply_member(member, clean, community)
    if not staff:
        member.user_id = actor.pk
    member.save()
    reg = _registration_of(member, community, clean)
    try:
        with transaction.atomic():
            reg.save()
    except IntegrityError as exc:  # a concurrent second registration
        raise Conflict(DUPLICATE_MESSAGE, code="duplicate") from exc
    audit_record(
        actor=actor,
        target=reg,
        event="party.member_registered",
        data={"member": member.pk, "self": not staff, "unit": clean.unit.pk if clean.unit else None},
    )
    return reg


def _registration_locked(actor: Actor | None, registration_id: int) -> MemberRegistration:
    reg = (
        MemberRegistration.objects.select_for_update(of=("self",))
        .select_related("community", "member")
        .filter(pk=registration_id)
        .first()
    )
    if reg is None or not is_registrar(actor, reg.community):
        raise NotFound()
    return reg


def next_card_number(community: Community) -> str:
    """BD-<community code>-<5-digit sequence>; the caller holds the community's row lock."""
    prefix = f"BD-{community.code}-"
    last = (
        MemberRegistration.objects.filter(community=community, card_number__startswith=prefix)
        .order_by("-card_number")
        .values_list("card_number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


@transaction.atomic
def registration_accept(
    *, actor: Actor | None, registration_id: int, classification: str, grid_code: str
) -> MemberRegistration:
    reg = _registration_locked(actor, registration_id)
    check_move(reg.status, S.ACCEPTED)
    if classification not in SKILL_VALUES:
        raise field_error("classification", "请选择分类")
    grid = _grid_in(reg.community, grid_code)
    Community.objects.select_for_update().filter(pk=reg.community_id).first()  # serialises numbering
    old = reg.status
    reg.status = S.ACCEPTED
    reg.classification = classification
    reg.grid = grid
    reg.set_place_codes(grid_code=grid.code)
    reg.card_number = next_card_number(reg.community)
    reg.decided_by_id = actor.pk if actor is not None else None
    reg.decided_at = timezone.now()
    reg.save(
        update_fields=[
            "status",
            "classification",
            "grid",
            "grid_code",
            "card_number",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        target=reg,
        event="party.registration_accepted",
        data={
            "from": old,
            "to": reg.status,
            "grid": grid.code,
            "classification": classification,
            "card_number": reg.card_number,
        },
    )
    return reg


@transaction.atomic
def registration_return(*, actor: Actor | None, registration_id: int, reason: str) -> MemberRegistration:
    reg = _registration_locked(actor, registration_id)
    check_move(reg.status, S.RETURNED)
    reason = _required(reason, "reason", "退回原因", 200)
    old = reg.status
    reg.status = S.RETURNED
    reg.return_reason = reason
    reg.decided_by_id = actor.pk if actor is not None else None
    reg.decided_at = timezone.now()
    reg.save(update_fields=["status", "return_reason", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        target=reg,
        event="party.registration_returned",
        data={"from": old, "to": reg.status, "reason": reason},
    )
    return reg


@dataclass
class AcceptedMember:
    """One member for the bulk path: registered and accepted at once (imports of paper registers, demo)."""

    member: MemberInput
    grid_code: str
    classification: str


@transaction.atomic
def members_bulk_register_accepted(
    *, actor: Actor | None, community_id: int, entries: list[AcceptedMember]
) -> int:
    """Registers and accepts many members of one community in one transaction with one audit row.
    Every entry is validated first; any bad entry or duplicate writes nothing."""
    community = _community(actor, community_id)
    grids = {g.code: g for g in Grid.objects.filter(community=community)}
    unit_ids = {e.member.unit_id for e in entries if e.member.unit_id}
    units = Unit.objects.in_bulk(list(unit_ids))
    cleaned: list[tuple[_Clean, Grid, str]] = []
    hashes: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        try:
            clean = _clean_member(entry.member, units)
            grid = grids.get(entry.grid_code)
            if grid is None:
                raise field_error("grid_code", f"网格“{entry.grid_code}”不属于{community.name}")
            if entry.classification not in SKILL_VALUES:
                raise field_error("classification", "请选择分类")
        except ValidationFailed as exc:
            raise ValidationFailed(f"第{i}条：{exc.message}", fields=exc.fields) from exc
        if clean.phone.hash in hashes:
            raise Conflict(f"第{i}条：{DUPLICATE_MESSAGE}", code="duplicate")
        hashes.add(clean.phone.hash)
        cleaned.append((clean, grid, entry.classification))
    # The community lock (card numbers) does not stop a single registration of the same phone: take the
    # phone locks member_register takes, so one of the two waits and sees the other. Phones first, then the
    # community, the order member_register goes in (its registration's foreign key waits on the community
    # row): the other order deadlocks.
    lock_name(*(f"party.member.phone:{h}" for h in hashes))
    Community.objects.select_for_update().filter(pk=community.pk).first()
    if MemberRegistration.objects.filter(
        community=community, member__phone_hash__in=hashes, member__kind=MemberKind.IN_SERVICE
    ).exclude(status=S.RETURNED):
        raise Conflict(DUPLICATE_MESSAGE, code="duplicate")
    if not cleaned:
        return 0
    existing = {
        m.phone_hash: m for m in PartyMember.objects.filter(kind=MemberKind.IN_SERVICE, phone_hash__in=hashes)
    }
    fresh: list[PartyMember] = []
    for clean, _grid, _cls in cleaned:
        if clean.phone.hash not in existing:
            m = PartyMember()
            _apply_member(m, clean, community)
            fresh.append(m)
    for m in PartyMember.objects.bulk_create(fresh, batch_size=500):
        existing[m.phone_hash] = m
    now = timezone.now()
    prefix = f"BD-{community.code}-"
    first = int(next_card_number(community)[len(prefix) :])
    regs: list[MemberRegistration] = []
    for n, (clean, grid, cls) in enumerate(cleaned):
        reg = _registration_of(existing[clean.phone.hash], community, clean)
        reg.status = S.ACCEPTED
        reg.classification = cls
        reg.grid = grid
        reg.set_place_codes(grid_code=grid.code)
        reg.card_number = f"{prefix}{first + n:05d}"
        reg.decided_by_id = actor.pk if actor is not None else None
        reg.decided_at = now
        regs.append(reg)
    created = MemberRegistration.objects.bulk_create(regs, batch_size=500)
    audit_record(
        actor=actor,
        target=created[0],
        event="party.registrations_imported",
        data={"community": community.code, "count": len(created), "new_members": len(fresh)},
    )
    return len(created)


# --- selectors ---------------------------------------------------------------------------------


def _place_readers_q(actor: Actor, prefix: str = "") -> Q:
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    return scope.place_q(PLACE_READERS, prefix)


def unit_list_for_actor(
    *, actor: Actor, community_code: str = "", after: int | None = None, limit: int | None = None
) -> QuerySet[Unit]:
    qs = Unit.objects.filter(_place_readers_q(actor) | Q(liaison_id=actor.pk)).select_related(
        "community", "paired_grid", "liaison"
    )
    if community_code:
        qs = qs.filter(community_code=community_code)
    if after:
        qs = qs.filter(pk__gt=after)
    qs = qs.order_by("id")
    return qs[:limit] if limit else qs


def unit_get_for_actor(*, actor: Actor, unit_id: int) -> Unit:
    unit = unit_list_for_actor(actor=actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    return unit


def unit_choices_for_actor(*, actor: Actor) -> QuerySet[Unit]:
    """Units a member may name as their workplace: every registered unit of the actor's district(s)."""
    scope = scope_of(actor)
    qs = (
        Unit.objects.all() if scope.superuser else Unit.objects.filter(district_code__in=scope.district_codes)
    )
    return qs.order_by("name", "id").only("id", "name")


def registration_scope_q(actor: Actor) -> Q:
    return _place_readers_q(actor) | Q(unit__liaison_id=actor.pk) | Q(member__user_id=actor.pk)


def registration_list_for_actor(
    *,
    actor: Actor,
    status: str = "",
    community_code: str = "",
    after: int | None = None,
    limit: int | None = None,
) -> QuerySet[MemberRegistration]:
    qs = MemberRegistration.objects.filter(registration_scope_q(actor)).select_related(
        "member", "community", "unit", "grid"
    )
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if after:
        qs = qs.filter(pk__gt=after)
    qs = qs.order_by("id")
    return qs[:limit] if limit else qs


def registration_get_for_actor(*, actor: Actor, registration_id: int) -> MemberRegistration:
    reg = registration_list_for_actor(actor=actor).filter(pk=registration_id).first()
    if reg is None:
        raise NotFound()
    return reg


def member_list_for_actor(*, actor: Actor, limit: int | None = None) -> QuerySet[PartyMember]:
    """In-service members: by place for staff, their unit's for a liaison, themself for a member."""
    qs = (
        PartyMember.objects.filter(kind=MemberKind.IN_SERVICE)
        .filter(_place_readers_q(actor) | Q(unit__liaison_id=actor.pk) | Q(user_id=actor.pk))
        .select_related("unit")
        .order_by("id")
    )
    return qs[:limit] if limit else qs


def can_decide(actor: Actor, reg: MemberRegistration) -> bool:
    return reg.status == S.SUBMITTED and is_registrar(actor, reg.community)


def registrar_communities(actor: Actor) -> QuerySet[Community]:
    """Communities where the actor registers units and receives members."""
    scope = scope_of(actor)
    if scope.superuser:
        return Community.objects.order_by("code")
    codes = scope.codes(REGISTRARS)
    q = Q(pk__in=[])
    if codes["community"]:
        q |= Q(code__in=sorted(codes["community"]))
    for d in codes["district"]:
        q |= Q(code__startswith=d)
    return Community.objects.filter(q).order_by("code")
