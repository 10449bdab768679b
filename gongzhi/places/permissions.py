"""Who may change places, as rules predicates named "places.<verb>_<model>".

The services, the console views, the API and the templates ask these names (``core.permissions.allowed``
/ ``require``, ``user.has_perm``); the system (``actor=None``) may do anything.
"""

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import DISTRICT_ADMINS, POPULATION_EDITORS

# A district is the root of everyone's scope: no role creates one, only a superuser or the system.
rules.add_perm("places.add_district", rules.is_superuser)
# The administrative tree of a district (subdistricts, communities, grids and their boundaries,
# departments): its district admin. The object is the place or department (its ``district_code``).
rules.add_perm("places.change_place", holds_over(DISTRICT_ADMINS))
# The reference-data admin of places (/admin/): a district admin (of any district; each list shows their own).
rules.add_perm("places.administer_place", holds(DISTRICT_ADMINS))
# The grid import page: a district admin (of any district; the page offers that district's communities).
rules.add_perm("places.import_grid", holds(DISTRICT_ADMINS))
# Estates, buildings and households: the population editors whose place covers them.
rules.add_perm("places.change_household", holds_over(POPULATION_EDITORS))
# A grid's "1+X+N" team: the population editors whose place covers the grid.
rules.add_perm("places.change_gridteam", holds_over(POPULATION_EDITORS))
