"""Who may read a ticket and who may make each move, from the actor's scope and the ticket's place.

Place roles hold a level over the places under them: a grid worker holds the grid level of their grid,
a community worker the community level (and so also the grid level) of every grid in their community.
A handler is whoever the ticket is dispatched to: a department's handlers, or the staff of the place at
the dispatched level, or the named person. Rules predicates wrap the same functions for templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from gongzhi.core.roles import Role
from gongzhi.core.scope import Scope, scope_of
from gongzhi.tickets.enums import PLACE_LEVELS, Level

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.tickets.models import Ticket

LEVEL_ROLES: dict[str, frozenset[str]] = {
    Level.GRID: frozenset({Role.GRID_WORKER, Role.GRID_HEAD}),
    Level.COMMUNITY: frozenset({Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY}),
    Level.SUBDISTRICT: frozenset({Role.SUBDISTRICT_STAFF}),
    Level.DISTRICT: frozenset({Role.DISTRICT_ADMIN}),
}
PLACE_STAFF = frozenset().union(*LEVEL_ROLES.values())
# Read every ticket of their place; the auditor reads and never moves.
PLACE_READERS = PLACE_STAFF | {Role.AUDITOR}


def roles_from(level: str) -> frozenset[str]:
    """Roles of ``level`` and every place level above it."""
    if level not in PLACE_LEVELS:
        return frozenset()
    out: set[str] = set()
    for lvl in PLACE_LEVELS[PLACE_LEVELS.index(Level(level)) :]:
        out |= LEVEL_ROLES[lvl]
    return frozenset(out)


def holds_level(scope: Scope, ticket: Ticket, level: str) -> bool:
    """The actor holds ``level`` (or a level above it) over the ticket's place."""
    if scope.superuser:
        return True
    return scope.covers(ticket, roles_from(level))


def _co_departments(ticket: Ticket) -> set[int]:
    cached = getattr(ticket, "_co_departments", None)
    if cached is None:
        cached = set(
            ticket.assignments.filter(active=True, department__isnull=False).values_list(
                "department_id", flat=True
            )
        )
        ticket._co_departments = cached  # type: ignore[attr-defined]
    return cached


def can_read(actor: Actor | None, ticket: Ticket) -> bool:
    if actor is None:
        return True
    scope = scope_of(actor)
    if scope.superuser or scope.covers(ticket, PLACE_READERS):
        return True
    if actor.pk in (ticket.reporter_id, ticket.first_responder_id, ticket.handler_id):
        return True
    if scope.department_ids:
        if ticket.department_id in scope.department_ids:
            return True
        return bool(_co_departments(ticket) & scope.department_ids)
    return False


def is_handler(actor: Actor | None, ticket: Ticket) -> bool:
    """The lead handler of the current dispatch."""
    if actor is None:
        return True
    scope = scope_of(actor)
    if scope.superuser or (ticket.handler_id and ticket.handler_id == actor.pk):
        return True
    if ticket.level == Level.DEPARTMENT:
        return ticket.department_id in scope.department_ids
    roles = LEVEL_ROLES.get(ticket.level, frozenset())
    return any(role in roles and code == ticket.handler_place_code for role, _lvl, code in scope.places)


def is_co_handler(actor: Actor | None, ticket: Ticket) -> bool:
    if actor is None:
        return False
    scope = scope_of(actor)
    return ticket.level == Level.DEPARTMENT and bool(_co_departments(ticket) & scope.department_ids)


def can_accept(actor: Actor | None, ticket: Ticket) -> bool:
    """First responders: the staff of the ticket's grid or any place above it."""
    return actor is None or holds_level(
        scope_of(actor),
        ticket,
        Level.GRID if ticket.grid_code else Level.COMMUNITY if ticket.community_code else Level.DISTRICT,
    )


def can_dispatch(actor: Actor | None, ticket: Ticket) -> bool:
    """Whoever holds the level the ticket waits at (or above)."""
    if actor is None:
        return True
    level = ticket.level if ticket.level in PLACE_LEVELS else Level.COMMUNITY
    return holds_level(scope_of(actor), ticket, level)


def can_verify(actor: Actor | None, ticket: Ticket) -> bool:
    if actor is None or actor.pk == ticket.first_responder_id:
        return True
    return holds_level(scope_of(actor), ticket, Level.GRID if ticket.grid_code else Level.COMMUNITY)


def can_callback(actor: Actor | None, ticket: Ticket) -> bool:
    """The first responder answers for the ticket until it closes (首问负责); the community backs them up."""
    if actor is None or actor.pk == ticket.first_responder_id:
        return True
    return holds_level(scope_of(actor), ticket, Level.COMMUNITY)


def can_decide_extension(actor: Actor | None, ticket: Ticket) -> bool:
    if actor is None:
        return True
    return holds_level(scope_of(actor), ticket, ticket.dispatch_level or Level.COMMUNITY)


@rules.predicate
def _reads(user: Any, ticket: Any) -> bool:
    return ticket is not None and can_read(user, ticket)


rules.add_perm("tickets.view_ticket", _reads)
