"""Who may see the cockpit and rebuild its figures.

- The population roles of a place (district admin, auditor, subdistrict staff, community workers and
  secretaries, grid heads and workers) see the cockpit and the big screen of their place and of every
  place below it (``selectors.figures``); never a neighbour's.
- The district admin rebuilds the figures now (the nightly rebuild runs as the system).
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import DISTRICT_ADMINS, POPULATION_ROLES

rules.add_perm("cockpit.view_cockpit", holds(POPULATION_ROLES))
rules.add_perm("cockpit.rebuild_rollup", holds(DISTRICT_ADMINS))
