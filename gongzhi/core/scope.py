"""What an actor may see: the union of the places of their active role assignments.

Every selector asks ``scope_of(actor)`` and filters with it; nothing reads a placed table without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q

from gongzhi.core.roles import POPULATION_EDITORS, POPULATION_ROLES, REVEALERS, Role, ScopeLevel

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str] = frozenset()
    # (role, level, code) for place-scoped roles
    places: tuple[tuple[str, str, str], ...] = ()
    department_ids: frozenset[int] = frozenset()
    household_ids: frozenset[int] = frozenset()
    superuser: bool = False
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def codes(self, roles: frozenset[str] | None = None) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {lvl: set() for lvl in ("district", "subdistrict", "community", "grid")}
        for role, level, code in self.places:
            if roles is None or role in roles:
                out[level].add(code)
        return out

    def place_q(self, roles: frozenset[str] | None = None, prefix: str = "") -> Q:
        """Rows whose place codes fall under one of the actor's places (for the given roles)."""
        if self.superuser:
            return Q()
        q = Q(pk__in=[])
        for level, codes in self.codes(roles).items():
            if codes:
                q |= Q(**{f"{prefix}{level}_code__in": sorted(codes)})
        return q

    def population_q(self, prefix: str = "", household_field: str = "household_id") -> Q:
        """Persons and households: place scope for population roles, own household for the rest."""
        q = (
            self.place_q(POPULATION_ROLES, prefix)
            if (self.roles & POPULATION_ROLES or self.superuser)
            else _NOTHING
        )
        if self.household_ids:
            q |= Q(**{f"{prefix}{household_field}__in": sorted(self.household_ids)})
        return q

    def covers(self, obj: object, roles: frozenset[str] | None = None) -> bool:
        if self.superuser:
            return True
        for role, level, code in self.places:
            if roles is not None and role not in roles:
                continue
            if getattr(obj, f"{level}_code", None) == code:
                return True
        return False

    def sees_population(self, obj: object) -> bool:
        """A person or household: in a population role's place, or the actor's own household."""
        if self.superuser or self.covers(obj, POPULATION_ROLES):
            return True
        household_id = getattr(obj, "household_id", None) if not hasattr(obj, "address_key") else obj.pk  # type: ignore[attr-defined]
        return household_id is not None and household_id in self.household_ids

    def can_edit_population(self, obj: object) -> bool:
        return self.covers(obj, POPULATION_EDITORS)

    def can_reveal(self, obj: object) -> bool:
        return self.covers(obj, REVEALERS)

    @property
    def is_staff_scope(self) -> bool:
        return self.superuser or bool(self.places) or bool(self.department_ids)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def district_codes(self) -> set[str]:
        out = set()
        for _role, _level, code in self.places:
            out.add(code[:6])
        return out


# What a scope is made of: these columns of the actor's active role assignments (accounts.RoleAssignment).
ASSIGNMENT_COLUMNS = ("role", "level", "place_code", "department_id", "household_id")


def scope_from_assignments(rows: Iterable[Sequence[Any]], *, superuser: bool) -> Scope:
    """The scope of one user from the ``ASSIGNMENT_COLUMNS`` of their active role assignments. One place
    for the rule, used by ``scope_of`` and by the session middleware, which reads the rows together with
    the session and the user in one query (core/sessions.py)."""
    places: list[tuple[str, str, str]] = []
    departments: set[int] = set()
    households: set[int] = set()
    roles: set[str] = set()
    for role, level, place_code, department_id, household_id in rows:
        roles.add(role)
        if level == ScopeLevel.DEPARTMENT and department_id:
            departments.add(department_id)
        elif level == ScopeLevel.HOUSEHOLD and household_id:
            households.add(household_id)
        elif place_code:
            places.append((role, level, place_code))
    return Scope(
        roles=frozenset(roles),
        places=tuple(places),
        department_ids=frozenset(departments),
        household_ids=frozenset(households),
        superuser=superuser,
    )


def scope_of(actor: Actor | None) -> Scope:
    """Computed once per user object (the request's user is one object for the whole request)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return Scope()
    cached = getattr(actor, "_gongzhi_scope", None)
    if cached is not None:
        return cached
    # Through the app registry: core reads the accounts table without importing the accounts app.
    role_assignment = apps.get_model("accounts", "RoleAssignment")
    rows = role_assignment.objects.filter(user_id=actor.pk, active=True).values_list(*ASSIGNMENT_COLUMNS)
    scope = scope_from_assignments(rows, superuser=actor.is_superuser)
    actor._gongzhi_scope = scope  # type: ignore[attr-defined]
    return scope


def forget_scope(actor: Actor) -> None:
    if hasattr(actor, "_gongzhi_scope"):
        del actor._gongzhi_scope


__all__ = ["ASSIGNMENT_COLUMNS", "Role", "Scope", "forget_scope", "scope_from_assignments", "scope_of"]
