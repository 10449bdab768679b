"""Who may do what in Open311, as rules predicates named "open311.<verb>_<model>"; the console page, the
console's navigation and the key services all ask these names."""

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import DISTRICT_ADMINS

# Issuing, listing and revoking the API keys of connected systems: a district admin (the keys of their
# own district; selectors.apikey_queryset_for_actor narrows the list), or a superuser.
rules.add_perm("open311.manage_apikey", holds(DISTRICT_ADMINS))
