"""Who may do what with venues and bookings: the rules the services, the API, the console and the H5 pages
ask.

- The community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) register venues,
  change them and inspect them against the standards checklist.
- Whoever works in or lives in the venue's place books it: grid and community staff (``PLACE_STAFF``) in
  their places (grid staff: any venue of their grid's community); a unit liaison or party member placed in the venue's community (for their unit, their team);
  a resident whose household is in the venue's community.
- Whoever booked cancels their own booking; the managers cancel any of their place.
Reading is the selectors' scope.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import PLACE_MANAGERS, PLACE_STAFF, SELF_SERVICE_ROLES
from gongzhi.core.scope import scope_of

_manages = holds_over(PLACE_MANAGERS)
_staff = holds_over(PLACE_STAFF)


@rules.predicate
def _lives_or_serves_there(user: Any, venue: Any) -> bool:
    """A self-service account of the venue's community: its household there, or placed there."""
    from gongzhi.places.models import Household

    if venue is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.covers(venue, SELF_SERVICE_ROLES):
        return True
    return Household.objects.filter(
        pk__in=sorted(scope.household_ids), community_code=venue.community_code
    ).exists()


@rules.predicate
def _grid_staff_of_its_community(user: Any, venue: Any) -> bool:
    """Grid staff use the venues of the community their grid lies in."""
    from gongzhi.core import codes
    from gongzhi.core.roles import GRID_STAFF

    if venue is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    grids = scope_of(user).codes(GRID_STAFF)["grid"]
    return any(codes.community_of_grid(g) == venue.community_code for g in grids)


@rules.predicate
def _booked_it(user: Any, booking: Any) -> bool:
    return booking is not None and user is not None and booking.booked_by_id == user.pk


rules.add_perm("venues.manage_venue", _manages)  # register, change, inspect (obj: venue or community)
rules.add_perm(
    "venues.book_venue", _staff | _grid_staff_of_its_community | _lives_or_serves_there
)  # obj: the venue
rules.add_perm("venues.cancel_booking", _manages | _booked_it)  # obj: the booking
