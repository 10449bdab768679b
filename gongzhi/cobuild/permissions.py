"""Who may do what with the three lists: the rules the services, the API, the console and the H5 pages ask.

- The community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) run the lists
  of their places: needs, resources on anyone's behalf, projects, and the yearly matching meeting.
- Grid staff (``GRID_STAFF``) record the needs they meet on a visit in their grids.
- Whoever raised a need may withdraw it; a unit's liaison may stop the resources the unit offers.
- A resident of the project's community (or anyone placed over it) evaluates a signed project.
Reading is the selectors' scope (``POPULATION_ROLES`` by place, providers and claimants their own rows).
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import GRID_STAFF, PLACE_MANAGERS
from gongzhi.core.scope import scope_of

_manages = holds_over(PLACE_MANAGERS)
_grid_staff = holds_over(GRID_STAFF)


@rules.predicate
def _raised_need(user: Any, need: Any) -> bool:
    return need is not None and user is not None and need.raised_by_id == user.pk


@rules.predicate
def _unit_liaison(user: Any, resource: Any) -> bool:
    return resource is not None and resource.unit is not None and resource.unit.liaison_id == user.pk


@rules.predicate
def _resident_or_placed(user: Any, project: Any) -> bool:
    """A household of the project's community, or any role over its place."""
    from gongzhi.places.models import Household

    if project is None or user is None:
        return False
    scope = scope_of(user)
    own = Household.objects.filter(pk__in=sorted(scope.household_ids), community_code=project.community_code)
    return own.exists() or scope.covers(project)


# Needs (obj: the need, or the grid or community it is raised in).
rules.add_perm("cobuild.raise_need", _manages | _grid_staff)  # a visit's need, the community's, a ticket's
rules.add_perm("cobuild.manage_need", _manages)
rules.add_perm("cobuild.withdraw_need", _manages | _raised_need)
# Resources (obj: the resource, or the community a provider registers in).
rules.add_perm("cobuild.manage_resource", _manages)  # register on a unit's, member's, team's behalf
rules.add_perm("cobuild.deactivate_resource", _manages | _unit_liaison)
# Projects.
rules.add_perm("cobuild.manage_project", _manages)  # make, claim for others, sign, milestones, complete
rules.add_perm("cobuild.evaluate_project", _resident_or_placed)
# The yearly matching plan (obj: the plan, or the place it is made for).
rules.add_perm("cobuild.manage_plan", _manages)
