"""Who may do what in people's mediation: the rules the services, the API and the console ask.

- The committee that handles a case (the community's staff for a community committee, the subdistrict
  office for a subdistrict committee or team) and the district admin run it: accept, sessions, outcome,
  follow-up; they alone see the applicants' and respondents' full details (need-to-know), every reveal
  audited. A mediator with an account handles the cases they are assigned to.
- Grid staff register a dispute they meet in their grids (and then see those cases only).
- The subdistrict office (or a district admin) replies to a case reported up to it.
- Place managers keep committees, rooms, mediators, the registers, analyses and warnings of their places;
  grid staff fill their grids' weekly screening. Warning rules are the district admin's.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import (
    COMMUNITY_STAFF,
    DISTRICT_ADMINS,
    GRID_STAFF,
    PLACE_MANAGERS,
    PLACE_READERS,
    SUBDISTRICT_MANAGERS,
    SUBDISTRICT_STAFF,
)
from gongzhi.core.scope import scope_of

_manages = holds_over(PLACE_MANAGERS)
_grid_staff = holds_over(GRID_STAFF)


def _committee_of(obj: Any) -> Any:
    return getattr(obj, "committee", obj)


@rules.predicate
def handles_case(user: Any, obj: Any) -> bool:
    """The committee handling ``obj`` (a case, or a committee): need-to-know for the parties' data."""
    if obj is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.superuser or scope.covers(obj, DISTRICT_ADMINS):
        return True
    committee = _committee_of(obj)
    if committee.community_code:
        if scope.covers(committee, COMMUNITY_STAFF):
            return True
    elif scope.covers(committee, SUBDISTRICT_STAFF):
        return True
    if getattr(obj, "pk", None) and hasattr(obj, "mediator_links"):
        return obj.mediator_links.filter(mediator__user_id=user.pk).exists()
    return False


@rules.predicate
def _reported_case(user: Any, case: Any) -> bool:
    return case is not None and user is not None and getattr(case, "reported_by_id", None) == user.pk


@rules.predicate
def _handed_to(user: Any, warning: Any) -> bool:
    return warning is not None and user is not None and getattr(warning, "handler_id", None) == user.pk


# Organisation (obj: the committee, or the place it is set up in).
rules.add_perm("mediation.manage_committee", _manages)
# Cases (obj: the case, or the committee it is registered with / the grid a grid worker reports from).
rules.add_perm("mediation.register_case", handles_case | _grid_staff)
rules.add_perm("mediation.handle_case", handles_case)
# Reading a case (parties masked): its committee, the readers of its place above the grid, its reporter.
rules.add_perm("mediation.view_case", handles_case | holds_over(PLACE_READERS) | _reported_case)
rules.add_perm("mediation.reveal_disputant", handles_case)
rules.add_perm("mediation.reply_case", holds_over(SUBDISTRICT_MANAGERS))
# The registers kept by the committee (obj: the committee).
rules.add_perm("mediation.keep_register", handles_case)
# Screening and analysis (obj: the grid / the place of the meeting).
rules.add_perm("mediation.fill_screening", _grid_staff | _manages)
rules.add_perm("mediation.hold_analysis", _manages)
# Warnings (obj: the warning); rules (obj: none) are the district admin's.
rules.add_perm("mediation.handle_warning", _manages | _handed_to)
rules.add_perm("mediation.view_warning", holds_over(PLACE_READERS | GRID_STAFF))
rules.add_perm("mediation.run_warnings", holds(DISTRICT_ADMINS))
rules.add_perm("mediation.edit_warning_rules", holds(DISTRICT_ADMINS))
rules.add_perm("mediation.view_mediation", holds(PLACE_READERS | GRID_STAFF))
