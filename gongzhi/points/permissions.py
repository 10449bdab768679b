"""Who may do what with points:

- the community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) keep the
  rule catalogue, hold the daily review (the points group's record), run the shop and reverse postings;
- grid staff (``GRID_STAFF``) propose claims found on patrol in their grids and serve at the counter;
- a resident reports for their own household (checked in the service against their scope);
- rebuilding a district's cached balances is a district decision (``DISTRICT_ADMINS``).
Reading is the selectors' scope.
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import DISTRICT_ADMINS, GRID_STAFF, PLACE_MANAGERS

_manages = holds_over(PLACE_MANAGERS)
_grid_staff = holds_over(GRID_STAFF)

rules.add_perm("points.manage_rule", _manages)  # obj: the rule or its community / district
rules.add_perm("points.propose_claim", _manages | _grid_staff)  # obj: the household
rules.add_perm("points.review_claim", _manages)  # obj: the claim or the community
rules.add_perm("points.manage_shop", _manages)  # obj: the goods or the community
rules.add_perm("points.serve_counter", _manages | _grid_staff)  # obj: the household at the counter
rules.add_perm("points.manage_ledger", _manages)  # obj: the posting
rules.add_perm("points.rebuild_balances", holds_over(DISTRICT_ADMINS))
