"""Who may do what in resettlement housing.

- The community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) of the
  project's place keep the project: groups, meetings, documents, households, inventory and bundles; they
  commit the list, record the witnesses, run the draw, enter each household's choice at the selection
  desk, issue the settlement statements and record the key handover.
Reading by place is the selectors' scope (``PLACE_READERS``: the managers and the auditor).
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import PLACE_MANAGERS, PLACE_READERS

rules.add_perm("resettlement.manage_project", holds_over(PLACE_MANAGERS))  # obj: a project or a place
rules.add_perm("resettlement.view_project", holds(PLACE_READERS))  # the pages; rows by the selectors' scope
