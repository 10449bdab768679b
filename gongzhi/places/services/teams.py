"""Grid teams ("1+X+N"): adding, changing and removing members. One transaction and one audit row each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.core.roles import PLACE_STAFF
from gongzhi.places.enums import TeamRole
from gongzhi.places.models import Grid, GridTeamMember
from gongzhi.places.services._common import _name

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

NOTE_MAX_LENGTH = 100


def _note(value: str) -> str:
    value = (value or "").strip()
    if len(value) > NOTE_MAX_LENGTH:
        raise field_error(
            "note", gettext("说明不能超过%(NOTE_MAX_LENGTH)s个字") % {"NOTE_MAX_LENGTH": NOTE_MAX_LENGTH}
        )
    return value


def _team_role(role: str) -> str:
    role = (role or "").strip()
    if not role:
        raise field_error("role", gettext("请选择队伍角色"), code="required")
    if role not in TeamRole.values:
        raise field_error("role", gettext("队伍角色“%(role)s”无效") % {"role": role})
    return role


def _protected_phone(phone: str) -> tuple[str, str, str]:
    """(ciphertext, keyed hash, masked) of a phone number; all empty for no phone."""
    phone = (phone or "").strip()
    if not phone:
        return "", "", ""
    protected = ids.Protected.of_phone(ids.normalise_phone(phone))
    return protected.encrypted, protected.hash, protected.masked


def _team_account(grid: Grid, *, username: str = "", user: Actor | None = None) -> Actor:
    """The account to link: active, and holding a staff role whose place covers the grid's community
    (its district, subdistrict or the community itself) or one of the community's grids.

    A missing account and one from elsewhere get the same message, so the form cannot be used to
    find out which user names exist.
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from gongzhi.core.roles import ScopeLevel

    if user is None:
        username = (username or "").strip()
        user = get_user_model().objects.filter(username=username).first() if username else None
    else:
        username = user.get_username()
    covers = (
        Q(level=ScopeLevel.DISTRICT, place_code=grid.district_code)
        | Q(level=ScopeLevel.SUBDISTRICT, place_code=grid.subdistrict_code)
        | Q(level=ScopeLevel.COMMUNITY, place_code=grid.community_code)
        | Q(level=ScopeLevel.GRID, place_code__startswith=grid.community_code)
    )
    role_assignment = apps.get_model("accounts", "RoleAssignment")
    if (
        user is None
        or not user.is_active
        or not role_assignment.objects.filter(
            covers, user_id=user.pk, active=True, role__in=sorted(PLACE_STAFF)
        ).exists()
    ):
        raise field_error(
            "username",
            gettext(
                "账号“%(username)s”不存在，或不是本社区的工作人员账号（只能关联职责范围覆盖本社区的工作人员）"
            )
            % {"username": username},
        )
    return user


def _second_head(grid: Grid) -> ApplicationError:
    return ApplicationError(
        gettext("网格“%(name)s”已有网格长，一个网格只能有一名网格长") % {"name": grid.name},
        code="conflict",
        status=409,
    )


def _refuse_second_head(grid: Grid, *, exclude_id: int | None = None) -> None:
    others = GridTeamMember.objects.filter(grid=grid, role=TeamRole.GRID_HEAD)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.exists():
        raise _second_head(grid)


def _checked(checks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Runs every field check and refuses with all the field messages at once, so a form shows each
    wrong field in one go rather than one per submit."""
    values: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for key, check in checks.items():
        try:
            values[key] = check()
        except ValidationFailed as exc:
            fields.update(exc.fields or {key: exc.message})
    if fields:
        raise ValidationFailed(next(iter(fields.values())), fields=fields)
    return values


def _save_member(member: GridTeamMember, grid: Grid, update_fields: list[str] | None = None) -> None:
    # SQLite has no row locks; there a concurrent second head meets the table's one-head constraint.
    try:
        with transaction.atomic():
            member.save(update_fields=update_fields)
    except IntegrityError as exc:
        if member.role != TeamRole.GRID_HEAD:
            raise
        raise _second_head(grid) from exc


def _lock_grid(grid_id: int) -> Grid:
    """Team changes on one grid run one at a time: the one-grid-head rule is checked under this lock."""
    grid = Grid.objects.select_for_update().filter(pk=grid_id).first()
    if grid is None:
        raise NotFound()
    return grid


@transaction.atomic
def grid_team_member_add(
    *,
    actor: Actor | None,
    grid: Grid,
    role: str,
    name: str,
    phone: str = "",
    user: Actor | None = None,
    username: str = "",
    note: str = "",
) -> GridTeamMember:
    """Adds one member to a grid's team; ``user`` or ``username`` links the member's staff account."""
    require(actor, "places.change_gridteam", grid)
    grid = _lock_grid(grid.pk)
    link = user is not None or bool((username or "").strip())
    checks: dict[str, Callable[[], Any]] = {
        "role": lambda: _team_role(role),
        "name": lambda: _name(name, label="姓名"),
        "phone": lambda: _protected_phone(phone),
        "note": lambda: _note(note),
    }
    if link:
        checks["username"] = lambda: _team_account(grid, username=username, user=user)
    clean = _checked(checks)
    role, name, note = clean["role"], clean["name"], clean["note"]
    encrypted, phone_hash, masked = clean["phone"]
    user = clean.get("username")
    member = GridTeamMember(
        grid=grid,
        role=role,
        name=name,
        user=user,
        note=note,
        phone_encrypted=encrypted,
        phone_hash=phone_hash,
        phone_masked=masked,
    )
    member.set_place_codes(grid_code=grid.code)
    if role == TeamRole.GRID_HEAD:
        _refuse_second_head(grid)
    if user is not None and GridTeamMember.objects.filter(grid=grid, role=role, user_id=user.pk).exists():
        raise ApplicationError(
            f"账号“{user.get_username()}”已是本网格的{TeamRole(role).label}", code="duplicate", status=409
        )
    _save_member(member, grid)
    data: dict[str, Any] = {"member_id": member.pk, "role": role, "name": member.name}
    if note:
        data["note"] = note
    if user is not None:
        data["username"] = user.get_username()
    audit_record(actor=actor, target=grid, event="places.team_member_added", data=data)
    return member


@transaction.atomic
def grid_team_member_update(
    *,
    actor: Actor | None,
    member_id: int,
    role: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    note: str | None = None,
) -> GridTeamMember:
    """Changes a member's role, name, phone or note; ``None`` leaves a field as it is, ``phone=""``
    clears the phone. The audit row keeps the masked phone only."""
    found = GridTeamMember.objects.filter(pk=member_id).select_related("grid").first()
    if found is None:
        raise NotFound()
    require(actor, "places.change_gridteam", found.grid)
    grid = _lock_grid(found.grid_id)
    member = GridTeamMember.objects.select_for_update().filter(pk=member_id, grid=grid).first()
    if member is None:
        raise NotFound()
    member.grid = grid
    checks: dict[str, Callable[[], Any]] = {}
    if role is not None:
        checks["role"] = lambda: _team_role(role)
    if name is not None:
        checks["name"] = lambda: _name(name, label="姓名")
    if phone is not None:
        checks["phone"] = lambda: _protected_phone(phone)
    if note is not None:
        checks["note"] = lambda: _note(note)
    clean = _checked(checks)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    changed: list[str] = []
    for key in ("role", "name", "note"):
        if key in clean and clean[key] != getattr(member, key):
            old[key], new[key] = getattr(member, key), clean[key]
            setattr(member, key, clean[key])
            changed.append(key)
    if new.get("role") == TeamRole.GRID_HEAD:
        _refuse_second_head(grid, exclude_id=member.pk)
    if "phone" in clean:
        encrypted, phone_hash, masked = clean["phone"]
        if phone_hash != member.phone_hash:
            old["phone"], new["phone"] = member.phone_masked, masked
            member.phone_encrypted, member.phone_hash, member.phone_masked = encrypted, phone_hash, masked
            changed += ["phone_encrypted", "phone_hash", "phone_masked"]
    if not changed:
        return member
    _save_member(member, grid, update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        target=grid,
        event="places.team_member_updated",
        data={"member_id": member.pk, "name": member.name, "old": old, "new": new},
    )
    return member


@transaction.atomic
def grid_team_member_remove(*, actor: Actor | None, member_id: int) -> None:
    member = (
        GridTeamMember.objects.select_for_update(of=("self",))
        .select_related("grid")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFound()
    require(actor, "places.change_gridteam", member.grid)
    removed_id = member.pk
    member.delete()
    audit_record(
        actor=actor,
        target=member.grid,
        event="places.team_member_removed",
        data={"member_id": removed_id, "role": member.role, "name": member.name},
    )
