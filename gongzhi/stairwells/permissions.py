"""Who may do what with stairwells: the rules the services, the API, the console and the H5 pages ask.

- The staff of the stairwell's place (``PLACE_STAFF``: its grid's workers and head, the community's
  staff, the subdistrict office, the district admin) keep the register: add stairwells, open and count
  elections, enter paper ballots, end a post, and inspect.
- The stairwell's captains (楼道长, 红色楼长) inspect it too, on the phone.
- A household living on the stairwell votes once in an open election (its resident account).
- A party member living on the stairwell claims its 红色楼长 post.
Reading is the selectors' scope.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import PLACE_STAFF
from gongzhi.core.scope import scope_of

_staff = holds_over(PLACE_STAFF)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


@rules.predicate
def _captain_of(user: Any, stairwell: Any) -> bool:
    from gongzhi.stairwells.models import Captain

    if stairwell is None or not _signed_in(user):
        return False
    return Captain.objects.filter(stairwell_id=stairwell.pk, active=True, user_id=user.pk).exists()


@rules.predicate
def _household_on(user: Any, stairwell: Any) -> bool:
    from gongzhi.places.models import Household

    if stairwell is None or not _signed_in(user):
        return False
    own = sorted(scope_of(user).household_ids)
    return (
        bool(own)
        and Household.objects.filter(
            pk__in=own, building_id=stairwell.building_id, entrance=stairwell.entrance
        ).exists()
    )


@rules.predicate
def _member_living_on(user: Any, stairwell: Any) -> bool:
    from gongzhi.party.models import PartyMember

    if stairwell is None or not _signed_in(user):
        return False
    return PartyMember.objects.filter(
        user_id=user.pk,
        person__household__building_id=stairwell.building_id,
        person__household__entrance=stairwell.entrance,
    ).exists()


rules.add_perm("stairwells.manage_stairwell", _staff)  # obj: the stairwell (or its building / grid)
rules.add_perm("stairwells.inspect_stairwell", _staff | _captain_of)  # obj: the stairwell
rules.add_perm("stairwells.vote_election", _household_on)  # obj: the stairwell
rules.add_perm("stairwells.claim_red_post", _member_living_on)  # obj: the stairwell
