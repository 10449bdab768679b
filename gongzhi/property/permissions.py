"""Who may do what in 红色物业: the rules the services, the API, the console and the H5 pages ask.

- The subdistrict's property office (subdistrict staff) and the district admin (``SUBDISTRICT_MANAGERS``)
  keep the register of property companies and the organisations (property office, 党建联盟; the district's
  property-sector party committee), and run the quarterly assessment of their subdistrict.
- The district admin sets the assessment weights (``DISTRICT_ADMINS``).
- An estate's community staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) keep the
  estate's profile: its property service, owners' committee (members, filing, end), 同心桥 branch and its
  three sides' representatives, red captains' posts.
- The community's staff and the district admin (``COMMUNITY_MANAGERS``, who run the community's councils)
  record a matter the company or the committee proposes, which becomes a topic of the estate's
  joint-meeting council (the deliberation engine, ``councils``).
- A resident rates the company, the committee and the branch of the estate their household lives in,
  once per household per quarter.
Reading is the selectors' scope.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import COMMUNITY_MANAGERS, DISTRICT_ADMINS, PLACE_MANAGERS, SUBDISTRICT_MANAGERS
from gongzhi.core.scope import scope_of


@rules.predicate
def _household_in_estate(user: Any, estate: Any) -> bool:
    """The user's own household lives in the estate."""
    from gongzhi.places.models import Household

    if estate is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    ids = sorted(scope_of(user).household_ids)
    return bool(ids) and Household.objects.filter(pk__in=ids, building__estate_id=estate.pk).exists()


rules.add_perm("property.manage_company", holds_over(SUBDISTRICT_MANAGERS))  # obj: company or subdistrict
rules.add_perm("property.manage_organization", holds_over(SUBDISTRICT_MANAGERS))  # obj: org or place
rules.add_perm("property.manage_estate", holds_over(PLACE_MANAGERS))  # obj: estate (or its rows)
rules.add_perm("property.assess_subdistrict", holds_over(SUBDISTRICT_MANAGERS))  # obj: subdistrict
rules.add_perm("property.set_scheme", holds_over(DISTRICT_ADMINS))  # obj: district
rules.add_perm(
    "property.propose_matter", holds_over(COMMUNITY_MANAGERS)
)  # obj: estate; the joint meeting is the community's council (councils.manage_council)
rules.add_perm("property.rate_estate", _household_in_estate)  # obj: estate
