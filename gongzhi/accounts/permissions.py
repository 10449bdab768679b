"""Who may manage accounts, as rules predicates named "accounts.<verb>_<model>".

Accounts and their role assignments are created, granted and revoked by the system (``actor=None``: seed,
management commands), a superuser or a district admin. ``manage`` rather than Django's ``add``/``change``,
so that the admin's own model permissions stay as they are.
"""

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import DISTRICT_ADMINS

rules.add_perm("accounts.manage_user", holds(DISTRICT_ADMINS))
