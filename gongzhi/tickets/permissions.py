"""Who may do what with tickets, patrols and categories: rules registered as ``tickets.<verb>_<model>``.

The console, the API, the H5 pages and the services ask these names (``core.permissions.allowed`` /
``require``, ``user.has_perm``); the system (actor ``None``) may do anything.

Place roles hold a level over the places under them: a grid worker holds the grid level of their grid,
a community worker the community level (and so also the grid level) of every grid in their community.
A handler is whoever the ticket is dispatched to: a department's handlers, or the staff of the place at
the dispatched level, or the named person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import (
    COMMUNITY_STAFF,
    DISTRICT_ADMINS,
    GRID_STAFF,
    PLACE_MANAGERS,
    PLACE_STAFF,
    STAFF_ROLES,
    SUBDISTRICT_STAFF,
    TICKET_READERS,
)
from gongzhi.core.scope import Scope, scope_of
from gongzhi.tickets.enums import PLACE_LEVELS, TO_DISPATCH, Level

if TYPE_CHECKING:
    from gongzhi.tickets.models import Ticket

# The roles that hold each place level of a ticket (a mapping of the named sets, not a set of its own).
LEVEL_ROLES: dict[str, frozenset[str]] = {
    Level.GRID: GRID_STAFF,
    Level.COMMUNITY: COMMUNITY_STAFF,
    Level.SUBDISTRICT: SUBDISTRICT_STAFF,
    Level.DISTRICT: DISTRICT_ADMINS,
}


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


# --- predicates (user, ticket) ------------------------------------------------------------------------


@rules.predicate
def _reads(user: Any, ticket: Any) -> bool:
    if ticket is None:
        return False
    scope = scope_of(user)
    if scope.superuser or scope.covers(ticket, TICKET_READERS):
        return True
    if user.pk in (ticket.reporter_id, ticket.first_responder_id, ticket.handler_id):
        return True
    if scope.department_ids:
        if ticket.department_id in scope.department_ids:
            return True
        return bool(_co_departments(ticket) & scope.department_ids)
    return False


@rules.predicate
def _handles(user: Any, ticket: Any) -> bool:
    """The lead handler of the current dispatch."""
    if ticket is None:
        return False
    scope = scope_of(user)
    if scope.superuser or (ticket.handler_id and ticket.handler_id == user.pk):
        return True
    if ticket.level == Level.DEPARTMENT:
        return ticket.department_id in scope.department_ids
    roles = LEVEL_ROLES.get(ticket.level, frozenset())
    return any(role in roles and code == ticket.handler_place_code for role, _lvl, code in scope.places)


@rules.predicate
def _co_handles(user: Any, ticket: Any) -> bool:
    """A co-handling department of a department dispatch."""
    if ticket is None:
        return False
    scope = scope_of(user)
    return ticket.level == Level.DEPARTMENT and bool(_co_departments(ticket) & scope.department_ids)


@rules.predicate
def _first_responds(user: Any, ticket: Any) -> bool:
    """The staff of the ticket's grid or any place above it (首问: who may accept it)."""
    if ticket is None:
        return False
    level = Level.GRID if ticket.grid_code else Level.COMMUNITY if ticket.community_code else Level.DISTRICT
    return holds_level(scope_of(user), ticket, level)


@rules.predicate
def _dispatches(user: Any, ticket: Any) -> bool:
    """Whoever holds the level the ticket waits at (or above)."""
    if ticket is None:
        return False
    level = ticket.level if ticket.level in PLACE_LEVELS else Level.COMMUNITY
    return holds_level(scope_of(user), ticket, level)


@rules.predicate
def _is_first_responder(user: Any, ticket: Any) -> bool:
    return ticket is not None and user.pk == ticket.first_responder_id


@rules.predicate
def _is_reporter(user: Any, ticket: Any) -> bool:
    return ticket is not None and user.pk == ticket.reporter_id


@rules.predicate
def _verifies_on_site(user: Any, ticket: Any) -> bool:
    if ticket is None:
        return False
    return holds_level(scope_of(user), ticket, Level.GRID if ticket.grid_code else Level.COMMUNITY)


@rules.predicate
def _community_backs_up(user: Any, ticket: Any) -> bool:
    return ticket is not None and holds_level(scope_of(user), ticket, Level.COMMUNITY)


@rules.predicate
def _dispatching_level(user: Any, ticket: Any) -> bool:
    if ticket is None:
        return False
    return holds_level(scope_of(user), ticket, ticket.dispatch_level or Level.COMMUNITY)


@rules.predicate
def _waits_for_dispatch(user: Any, ticket: Any) -> bool:
    return ticket is not None and ticket.status in TO_DISPATCH


@rules.predicate
def _reads_whole_timeline(user: Any, ticket: Any) -> bool:
    """Staff read the whole timeline; a reporter without a staff scope reads the public steps."""
    if ticket is None:
        return False
    if user.pk == ticket.reporter_id:
        scope = scope_of(user)
        return scope.superuser or scope.is_staff_scope
    return True


@rules.predicate
def _works_department(user: Any) -> bool:
    """Department handlers work tickets too: they hold no place role, only their department."""
    return bool(getattr(user, "is_authenticated", False) and scope_of(user).department_ids)


# --- the rules ----------------------------------------------------------------------------------------

# Reading a ticket: the staff and auditor of its place, its reporter, first responder and named handler,
# its departments. Missing and unreadable are the same 404.
rules.add_perm("tickets.view_ticket", _reads)
# The whole timeline (staff notes, staff names), not only the public steps.
rules.add_perm("tickets.view_timeline", _reads_whole_timeline)
# The ticket pages of the console: place staff, the auditor and department handlers.
rules.add_perm("tickets.list_ticket", holds(TICKET_READERS) | _works_department)
# Reporting in from the console, and the staff channels (patrol, hotline, 书记有约, assigned): place staff.
rules.add_perm("tickets.add_ticket", holds(PLACE_STAFF))
# Reporting for someone else (a caller's name and phone, the source system, urgency, an external number):
# staff who take reports, departments' connected systems. A resident, party member or unit liaison reports
# as themself: the reporter is the session's account (tickets.services.intake).
rules.add_perm("tickets.report_for_others", holds(STAFF_ROLES))
# Accept, decline, merge (首问负责): the staff of the ticket's grid or any place above it.
rules.add_perm("tickets.accept_ticket", _first_responds)
# Dispatch: whoever holds the level the ticket waits at (or above).
rules.add_perm("tickets.dispatch_ticket", _dispatches)
# Respond, return, handle, request an extension: the lead handler of the current dispatch.
rules.add_perm("tickets.handle_ticket", _handles)
# Respond as a co-handling department.
rules.add_perm("tickets.co_handle_ticket", _co_handles)
# Escalate (吹哨): the waiting level while it waits for dispatch, else the handler.
rules.add_perm(
    "tickets.escalate_ticket", (_waits_for_dispatch & _dispatches) | (~_waits_for_dispatch & _handles)
)
# Verify on site: the first responder, or the staff of the ticket's grid (its community when it has none).
rules.add_perm("tickets.verify_ticket", _is_first_responder | _verifies_on_site)
# Close: the first responder answers for the ticket until it closes (首问负责); the community backs them up.
rules.add_perm("tickets.close_ticket", _is_first_responder | _community_backs_up)
# Call back (rate): the same people, or the reporter themselves.
rules.add_perm("tickets.callback_ticket", _is_reporter | _is_first_responder | _community_backs_up)
# Call the reporter back (their full number, services/reveal.py): the staff among them, not the reporter.
rules.add_perm("tickets.call_reporter", _is_first_responder | _community_backs_up)
# Approve or refuse an extension: the level that dispatched the ticket (or above).
rules.add_perm("tickets.decide_extension", _dispatching_level)
# Add a note: the reporter, the first responder, the handlers and the staff of the ticket's place.
rules.add_perm(
    "tickets.note_ticket", _is_reporter | _is_first_responder | _first_responds | _handles | _co_handles
)
# Intake and patrols (place-free pages; the services check the place of each row).
rules.add_perm("tickets.import_hotline", holds(PLACE_MANAGERS))
rules.add_perm("tickets.take_appointment", holds(COMMUNITY_STAFF))
rules.add_perm("tickets.patrol", holds(GRID_STAFF))
# The category tree is the district's.
rules.add_perm("tickets.change_category", holds(DISTRICT_ADMINS))
# A district's ticket settings (工单办理设置, services/policy.py): its district admin.
rules.add_perm("tickets.set_policy", holds_over(DISTRICT_ADMINS))
