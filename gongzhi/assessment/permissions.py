"""Who may do what in the assessment (考核): the rules the services, the API and the console ask.

- The district admin and the subdistrict office (``SUBDISTRICT_MANAGERS``) write the indicator sets of
  their place (the district's or their subdistrict's), compute runs of them and publish runs; nobody
  publishes a run they computed themself (``core.duties.refuse_own_work``).
- Reading is the selectors' scope: the place readers (``PLACE_READERS``) read the sets of their place and
  the places above it and the results of the subjects in their place; a grid worker or grid head reads
  only their own sheet.
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import GRID_STAFF, PLACE_READERS, SUBDISTRICT_MANAGERS

rules.add_perm("assessment.manage_set", holds_over(SUBDISTRICT_MANAGERS))  # obj: set, or a place
rules.add_perm("assessment.compute_run", holds_over(SUBDISTRICT_MANAGERS))  # obj: set
rules.add_perm("assessment.publish_run", holds_over(SUBDISTRICT_MANAGERS))  # obj: run
rules.add_perm("assessment.view_assessment", holds(PLACE_READERS))  # the lists of sets and runs
rules.add_perm("assessment.view_own_sheet", holds(GRID_STAFF))  # 我的考核
rules.add_perm("assessment.open_assessment", holds(PLACE_READERS | GRID_STAFF))  # the menu section
