"""Who may do what with the care groups, the visits and the care visits.

- The population roles of a place (``POPULATION_ROLES``: grid staff in their grids, the community, the
  subdistrict office, the district admin and the auditor) read its rosters, visits and registers.
- The population editors of a place (``POPULATION_EDITORS``) put a person into a group or take them out,
  name the carer, record visits and care visits.
- The need-to-know groups (community correction, severe mental illness) are read only by an account a
  district admin has granted for the district (``CareGrant``), within its own population scope; granting
  and revoking are the district admin's (``DISTRICT_ADMINS``).
A resident, a unit liaison, a party member and a department handler hold none of these.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import DISTRICT_ADMINS, POPULATION_EDITORS, POPULATION_ROLES

_reads = holds_over(POPULATION_ROLES)
_edits = holds_over(POPULATION_EDITORS)


@rules.predicate
def _granted(user: Any, obj: Any) -> bool:
    """An active grant for the object's district (or, with no object, for any district)."""
    from gongzhi.care.models import CareGrant

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    grants = CareGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True)
    if obj is not None:
        grants = grants.filter(district_code=getattr(obj, "district_code", ""))
    return grants.exists()


# obj: a membership, visit, care visit, person, grid or community (anything with place codes).
rules.add_perm("care.view_care", _reads)
rules.add_perm("care.manage_membership", _edits)
rules.add_perm("care.record_visit", _edits)
rules.add_perm("care.record_carevisit", _edits)
rules.add_perm("care.view_sensitive", _reads & _granted)
rules.add_perm("care.grant_sensitive", holds(DISTRICT_ADMINS))
