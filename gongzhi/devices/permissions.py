"""Who may do what with the smart-community devices.

- The readers of a place's tickets (``TICKET_READERS``: grid staff in their grids, the community, the
  subdistrict office, the district admin and the auditor) read its devices, events and offline list, and
  view an event's snapshot (each view audited).
- The managers of a place (``PLACE_MANAGERS``: community staff, the subdistrict office, a district admin)
  register, change and retire its devices.
- Monitoring platforms, their signing keys and the event-to-category table are the district admin's
  (``DISTRICT_ADMINS``).
The platforms themselves are not accounts: their requests are signed (``signing.py``), not sessions.
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import DISTRICT_ADMINS, PLACE_MANAGERS, TICKET_READERS

# obj: a device, event, incident, grid or community (anything with place codes)
rules.add_perm("devices.view_device", holds_over(TICKET_READERS))
rules.add_perm("devices.list_device", holds(TICKET_READERS))
rules.add_perm("devices.manage_device", holds_over(PLACE_MANAGERS))
rules.add_perm("devices.view_snapshot", holds_over(TICKET_READERS))
rules.add_perm("devices.manage_platform", holds(DISTRICT_ADMINS))
rules.add_perm("devices.edit_route", holds(DISTRICT_ADMINS))
