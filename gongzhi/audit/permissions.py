"""Who may read the audit trail, as rules predicates named "audit.<verb>_<model>".

The console's audit log page and its navigation entry ask ``audit.view_auditevent``; which events a reader
sees is the selector's scope (``audit_event_list_for_actor``: the events of their places, and account
events for the district-level readers). Nobody writes audit events but the services (``audit_record``).
"""

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import ACCOUNT_AUDIT_READERS, AUDIT_READERS

# The audit log page: district admins, auditors, community secretaries, subdistrict staff (or a superuser).
rules.add_perm("audit.view_auditevent", holds(AUDIT_READERS))
# Account events (sign-ins, role grants), which belong to no place: the district-level readers.
rules.add_perm("audit.view_account_auditevent", holds(ACCOUNT_AUDIT_READERS))
