"""Who may do what in campaigns and inspection rounds.

- The community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) start
  campaigns and rounds of their places, assign inspectors (定职责、定地段、定时段) and close them.
- The staff of a grid and above (``PLACE_STAFF``) record findings in their grids on the phone.
- An inspector records the rounds of their own duty (the service checks it is theirs); the managers of
  the duty's place may record one for them.
- A district admin keeps the list of finding types.
Reading by place is the selectors' scope (``TICKET_READERS``: the staff of the place and the auditor).
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import DISTRICT_ADMINS, PLACE_MANAGERS, PLACE_STAFF, TICKET_READERS

rules.add_perm("campaigns.manage_campaign", holds_over(PLACE_MANAGERS))  # obj: a campaign or a place
rules.add_perm("campaigns.record_finding", holds_over(PLACE_STAFF))  # obj: the grid of the finding
rules.add_perm("campaigns.manage_findingtype", holds(DISTRICT_ADMINS))
rules.add_perm("campaigns.view_campaign", holds(TICKET_READERS))  # the pages; rows by the selectors' scope
