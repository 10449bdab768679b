"""Who may read and change the working-day calendar, as rules predicates named "workdays.<verb>_<model>".

The calendar is public knowledge within the staff: every staff account reads it; only a district admin
(or a superuser, or the system) enters or replaces a year's table.
"""

from typing import Any

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import DISTRICT_ADMINS
from gongzhi.core.scope import scope_of


@rules.predicate
def on_staff(user: Any) -> bool:
    """Holds a place or department role (or is a superuser): a resident sees no calendar."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return scope_of(user).is_staff_scope


rules.add_perm("workdays.view_holidayyear", on_staff)
rules.add_perm("workdays.change_holidayyear", holds(DISTRICT_ADMINS))
