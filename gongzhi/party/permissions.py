"""Who may do what in the party app, in one place for the console, the API, the H5 pages and the services.

Rules predicates registered as ``party.<verb>_<model>`` from ``gongzhi.core.permissions`` and the named
role sets of ``gongzhi.core.roles``; ask them with ``allowed``/``require`` (or ``user.has_perm``). The object
is the place the action is about (a community, a unit, a registration's community, an item, a claim, a
record, a district, a party organisation). Where a page asks without an object (“may this user issue
letters anywhere?”), the rules that allow it answer whether the user holds the roles somewhere.
"""

from typing import Any

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import (
    COMMUNITY_MANAGERS,
    COMMUNITY_STAFF,
    DISTRICT_ADMINS,
    PARTY_MEMBERS,
    PARTY_SECRETARIES,
    SUBDISTRICT_MANAGERS,
)


@rules.predicate
def _no_object(user: Any, obj: Any) -> bool:
    return obj is None


@rules.predicate
def _at_community(user: Any, obj: Any) -> bool:
    """The object sits at a community (a subdistrict's working committee, or a subdistrict, does not)."""
    return bool(getattr(obj, "community_code", ""))


@rules.predicate
def _is_claimant(user: Any, claim: Any) -> bool:
    """The user made the claim: as the member, or as the liaison of the unit (or of the member's unit)."""
    if claim is None or user is None:
        return False
    if claim.member is not None and claim.member.user_id == user.pk:
        return True
    unit = claim.unit or (claim.member.unit if claim.member is not None else None)
    return unit is not None and unit.liaison_id == user.pk


def _over_or_anywhere(roles: frozenset[str]) -> Any:
    """``roles`` over the object's place; asked without an object: ``roles`` held somewhere."""
    return holds_over(roles) | (_no_object & holds(roles))


# Units and member registration (报到): the community's managers register units and receive members.
rules.add_perm("party.register_unit", holds_over(COMMUNITY_MANAGERS))  # on the community
rules.add_perm("party.change_unit", holds_over(COMMUNITY_MANAGERS))
# Accept, return, enter or import registrations (on the registration's community).
rules.add_perm("party.receive_memberregistration", holds_over(COMMUNITY_MANAGERS))
# A party member registers themself with the community where they live.
rules.add_perm("party.add_own_memberregistration", holds(PARTY_MEMBERS))

# Serving (承诺践诺): the community's staff publish and close items, complete claims, decide records.
rules.add_perm("party.publish_serviceitem", holds_over(COMMUNITY_STAFF))  # on the community
rules.add_perm("party.close_serviceitem", holds_over(COMMUNITY_STAFF))
rules.add_perm("party.complete_claim", holds_over(COMMUNITY_STAFF))
rules.add_perm("party.confirm_servicerecord", holds_over(COMMUNITY_STAFF))
rules.add_perm("party.reject_servicerecord", holds_over(COMMUNITY_STAFF))
# The claimant or the community's staff withdraw a claim and record service against it.
rules.add_perm("party.withdraw_claim", _is_claimant | holds_over(COMMUNITY_STAFF))
rules.add_perm("party.add_servicerecord", _is_claimant | holds_over(COMMUNITY_STAFF))  # on the claim
# Claim or record service on behalf of a member or unit of the place (community staff).
rules.add_perm("party.represent_claimant", _over_or_anywhere(COMMUNITY_STAFF))

# Evaluation: the community's managers issue feedback letters, a district admin assesses units.
rules.add_perm("party.issue_feedbackletter", _over_or_anywhere(COMMUNITY_MANAGERS))  # on the community
rules.add_perm("party.assess_unit", _over_or_anywhere(DISTRICT_ADMINS))  # on the district

# Party organisations: a community's are kept by its managers, a subdistrict's working committee by the
# subdistrict office or a district admin; the branch layout is applied by the secretary.
_keeps_org = (_at_community & holds_over(COMMUNITY_MANAGERS)) | (
    ~_at_community & holds_over(SUBDISTRICT_MANAGERS)
)
rules.add_perm("party.add_partyorganization", _keeps_org)  # on the subdistrict, community or branch
rules.add_perm("party.change_partyorganization", _keeps_org)
rules.add_perm("party.apply_branchlayout", holds_over(PARTY_SECRETARIES))  # on the community
rules.add_perm("party.add_partymember", holds_over(COMMUNITY_MANAGERS))  # on the person or community
rules.add_perm("party.change_partymember", holds_over(COMMUNITY_MANAGERS))
