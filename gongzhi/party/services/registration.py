"""Units (驻区单位) and in-service members registering (报到) with the community where they live.

Each service writes in one transaction, asks ``gongzhi.party.permissions`` and leaves one audit row. The
community's managers (core.roles.COMMUNITY_MANAGERS) register units and receive members; a party member
registers themself; nobody accepts or returns their own 报到 (``core.duties``). Reads: ``selectors.registration``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.duties import own_work_error, refuse_own_work
from gongzhi.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import allowed, require
from gongzhi.core.roles import SELF_SERVICE_ROLES, Role
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move
from gongzhi.party.enums import SKILL_VALUES, MemberKind, RegistrationStatus, UnitKind
from gongzhi.party.models import MemberRegistration, PartyMember, Unit
from gongzhi.party.services._validation import (
    grid_of_community,
    member_skills,
    normalise_uscc,
    nth,
    optional_text,
    own_phone_hashes,
    required_text,
    server_users,
)
from gongzhi.party.transitions import REGISTRATION
from gongzhi.places.models import Community, Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

S = RegistrationStatus

DUPLICATE_MESSAGE = "您已在该社区报到，无需重复报到"
USCC_TAKEN = "该统一社会信用代码已登记"


def _community(actor: Actor | None, community_id: int, perm: str) -> Community:
    """The community, if the actor may ``perm`` there; missing and forbidden are the same 404."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, perm, community)
    return community


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
    name = required_text(data.name, "name", gettext("单位名称"), 100)
    uscc = normalise_uscc(data.uscc)
    if data.kind not in UnitKind.values:
        raise field_error("kind", gettext("请选择单位类型"))
    grid = (
        grid_of_community(community, data.paired_grid_code, "paired_grid_code")
        if data.paired_grid_code
        else None
    )
    return {
        "name": name,
        "uscc": uscc,
        "kind": data.kind,
        "address": optional_text(data.address, "address", gettext("地址"), 200),
        "party_org_name": optional_text(data.party_org_name, "party_org_name", gettext("单位党组织"), 100),
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
        # An existing account may be made a liaison only if it acts for itself (no staff role).
        if user.is_superuser or not scope_of(user).roles <= SELF_SERVICE_ROLES:
            msg = gettext("账号“%(username)s”是工作人员账号，不能作为单位联络人") % {"username": username}
            raise field_error("liaison_username", msg)
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
    community = _community(actor, community_id, "party.register_unit")
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
    if unit is None:
        raise NotFound()
    require(actor, "party.change_unit", unit)
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
        new["name"] = required_text(name, "name", gettext("单位名称"), 100)
    if kind is not None:
        if kind not in UnitKind.values:
            raise field_error("kind", gettext("请选择单位类型"))
        new["kind"] = kind
    if address is not None:
        new["address"] = optional_text(address, "address", gettext("地址"), 200)
    if party_org_name is not None:
        new["party_org_name"] = optional_text(party_org_name, "party_org_name", gettext("单位党组织"), 100)
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
    grid = grid_of_community(unit.community, grid_code, "paired_grid_code") if grid_code else None
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
    community = _community(actor, community_id, "party.register_unit")
    rows: list[Unit] = []
    now = timezone.now()
    seen: set[str] = set()
    for i, data in enumerate(units, start=1):
        try:
            clean, grid = _clean_unit(data, community)
        except ValidationFailed as exc:
            raise ValidationFailed(nth(i, exc.message), fields=exc.fields) from exc
        if clean["uscc"] in seen:
            raise ApplicationError(nth(i, USCC_TAKEN), code="duplicate", status=409)
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
    name = required_text(data.name, "name", gettext("姓名"), 50)
    phone = ids.Protected.of_phone(ids.normalise_phone(data.phone))
    address = required_text(data.address, "address", gettext("居住地址"), 200)
    unit: Unit | None = None
    if data.unit_id:
        unit = units.get(data.unit_id) if units is not None else Unit.objects.filter(pk=data.unit_id).first()
        if unit is None:
            raise field_error("unit_id", gettext("所选工作单位不存在"))
    workplace_org = optional_text(data.workplace_org, "workplace_org", gettext("组织关系所在党组织"), 100)
    if unit is None and not workplace_org:
        raise field_error("unit_id", gettext("请选择工作单位，或填写组织关系所在党组织"), code="required")
    return _Clean(
        name=name,
        phone=phone,
        address=address,
        unit=unit,
        workplace_org=workplace_org or (unit.party_org_name or unit.name if unit else ""),
        skills=member_skills(data.skills),
        services_offered=optional_text(data.services_offered, "services_offered", "可提供的服务", 500),
        available_times=optional_text(data.available_times, "available_times", gettext("服务时间"), 200),
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
        raise NotFound(gettext("社区不存在"))
    clean = _clean_member(
        MemberInput(
            name, phone, address, unit_id, workplace_org, skills or [], services_offered, available_times
        )
    )
    staff = allowed(actor, "party.receive_memberregistration", community)
    # The member row may not exist yet (nothing for select_for_update to lock): two registrations of the
    # same phone, or by the same account, wait for each other here and the second sees the first.
    lock_name(f"party.member.phone:{clean.phone.hash}", *([] if staff else [f"party.member.user:{actor.pk}"]))
    members = PartyMember.objects.select_for_update().filter(kind=MemberKind.IN_SERVICE)
    if staff:
        member = members.filter(phone_hash=clean.phone.hash).order_by("id").first()
    elif allowed(actor, "party.add_own_memberregistration"):
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
    if reg is None:
        raise NotFound()
    require(actor, "party.receive_memberregistration", reg.community)
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
    refuse_own_work(actor, server_users(member_id=reg.member_id), what=gettext("受理本人的报到"))
    check_move(REGISTRATION, "accept", reg.status)
    if classification not in SKILL_VALUES:
        raise field_error("classification", gettext("请选择分类"))
    grid = grid_of_community(reg.community, grid_code)
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
    refuse_own_work(actor, server_users(member_id=reg.member_id), what=gettext("退回本人的报到"))
    check_move(REGISTRATION, "return", reg.status)
    reason = required_text(reason, "reason", gettext("退回原因"), 200)
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
    Every entry is validated first; any bad entry, duplicate or the actor's own 报到 writes nothing."""
    community = _community(actor, community_id, "party.receive_memberregistration")
    grids = {g.code: g for g in Grid.objects.filter(community=community)}
    unit_ids = {e.member.unit_id for e in entries if e.member.unit_id}
    units = Unit.objects.in_bulk(list(unit_ids))
    cleaned: list[tuple[_Clean, Grid, str]] = []
    hashes: set[str] = set()
    own_phones = own_phone_hashes(actor)
    for i, entry in enumerate(entries, start=1):
        try:
            clean = _clean_member(entry.member, units)
            grid = grids.get(entry.grid_code)
            if grid is None:
                where = {"code": entry.grid_code, "name": community.name}
                raise field_error("grid_code", gettext("网格“%(code)s”不属于%(name)s") % where)
            if entry.classification not in SKILL_VALUES:
                raise field_error("classification", gettext("请选择分类"))
        except ValidationFailed as exc:
            raise ValidationFailed(nth(i, exc.message), fields=exc.fields) from exc
        if clean.phone.hash in own_phones:
            raise own_work_error(gettext("受理本人的报到"), row=i)
        if clean.phone.hash in hashes:
            raise Conflict(nth(i, DUPLICATE_MESSAGE), code="duplicate")
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
