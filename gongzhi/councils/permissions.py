"""Who may do what in co-governance: the rules the services, the API, the console and the H5 pages ask.

- A community's staff and the district admin (``COMMUNITY_MANAGERS``) run its councils: members, topics
  (accept, decline, consult, visits, reviews), meetings, votes, minutes, resolutions and their milestones,
  党群提案 answers and 书记有约 schedules, sessions, demands and callbacks. Staff of another community may not.
- A resident of the community (a household there) proposes a topic, gives one opinion in a consultation
  and rates a published result once; a council member with an account checks in at a meeting.
- A grid branch's secretary, or a party member of the community, submits a 党群提案.
Reading is the selectors' scope (``PLACE_READERS`` by place; residents see what is public).
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import COMMUNITY_MANAGERS, PARTY_MEMBERS, PLACE_READERS
from gongzhi.core.scope import scope_of

_manages = holds_over(COMMUNITY_MANAGERS)
_party_member_here = holds_over(PARTY_MEMBERS)


def resident_communities(user: Any) -> set[str]:
    """The community codes of the user's own households."""
    from gongzhi.places.models import Household

    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    scope = scope_of(user)
    if not scope.household_ids:
        return set()
    cache = getattr(user, "_councils_communities", None)
    if cache is None:
        cache = set(
            Household.objects.filter(pk__in=sorted(scope.household_ids)).values_list(
                "community_code", flat=True
            )
        )
        user._councils_communities = cache
    return cache


@rules.predicate
def _resident_here(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(obj, "community_code", None) in resident_communities(user)


@rules.predicate
def _branch_secretary(user: Any, branch: Any) -> bool:
    return branch is not None and user is not None and getattr(branch, "secretary_id", None) == user.pk


rules.add_perm(
    "councils.view_council", holds(PLACE_READERS)
)  # the console pages (rows by the selectors' scope)
rules.add_perm("councils.manage_council", _manages)  # councils, members, topics, meetings, resolutions
rules.add_perm("councils.propose_topic", _manages | _resident_here)  # obj: the council
rules.add_perm("councils.give_opinion", _resident_here)  # obj: the topic
rules.add_perm("councils.rate_resolution", _resident_here)  # obj: the resolution
rules.add_perm("councils.submit_proposal", _manages | _branch_secretary | _party_member_here)  # obj: branch
rules.add_perm("councils.handle_proposal", _manages)
rules.add_perm("councils.manage_appointment", _manages)  # places, schedule, sessions, demands, callbacks
