"""Who may import and export the street office's registers (台账).

Imports write units and in-service members: the community's managers, as for one unit or one 报到 at a
time (``party.register_unit``, ``party.receive_memberregistration`` are asked per row on its community).
Exports are the registers a worker hands to the subdistrict: every place staff role and the auditor, each
for their own places (the selectors filter the rows by the same roles)."""

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import COMMUNITY_MANAGERS, TICKET_READERS

# The roles whose places an export covers (place staff and the auditor).
REGISTER_READERS = TICKET_READERS

rules.add_perm("registers.import_register", holds(COMMUNITY_MANAGERS))
rules.add_perm("registers.export_register", holds(REGISTER_READERS))
