"""Who may do what with routing:

- the staff who accept and dispatch tickets read the suggestions of their tickets (the tickets rules
  decide the ticket; ``routing.view_suggestion`` opens the routing pages: place staff and auditors);
- marking an uncertain suggestion reviewed: place managers (``PLACE_MANAGERS``);
- the department mapping table, the candidate keywords and retraining the model are the district's
  (``DISTRICT_ADMINS``).
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import DISTRICT_ADMINS, PLACE_MANAGERS, TICKET_READERS

rules.add_perm("routing.view_suggestion", holds(TICKET_READERS))
rules.add_perm("routing.review_suggestion", holds_over(PLACE_MANAGERS))  # obj: the suggestion
rules.add_perm("routing.manage_mapping", holds_over(DISTRICT_ADMINS))  # obj: the district
rules.add_perm("routing.manage_keyword", holds(DISTRICT_ADMINS))
rules.add_perm("routing.retrain_model", holds(DISTRICT_ADMINS))
