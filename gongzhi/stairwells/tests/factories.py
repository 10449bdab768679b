"""Test helpers: the small district's stairwells (one building per grid, entrance 1, three households),
a resident account for a person, a party member living on a stairwell."""

from __future__ import annotations

from typing import Any

from gongzhi.stairwells.enums import CHECKLIST_KEYS
from gongzhi.stairwells.models import Stairwell
from gongzhi.stairwells.services.register import stairwells_register_community
from gongzhi.testing import SmallDistrict

ALL_PASS = dict.fromkeys(CHECKLIST_KEYS, True)


def stairwells(d: SmallDistrict) -> dict[str, Stairwell]:
    """Register every community's stairwells; one per grid of the small district, keyed by grid."""
    for c in d.communities.values():
        stairwells_register_community(actor=None, community_id=c.pk)
    return {key: Stairwell.objects.get(grid_code=g.code) for key, g in d.grids.items()}


def resident_account(d: SmallDistrict, person: Any, username: str) -> Any:
    from gongzhi.people.services import resident_account_create

    return resident_account_create(
        actor=None, person_id=person.pk, username=username, password="x-Passw0rd-1"
    )


def member_living_on(d: SmallDistrict, person: Any, user: Any) -> Any:
    from gongzhi.party.models import PartyMember
    from gongzhi.party.services.organizations import community_member_add

    member = community_member_add(actor=None, person_id=person.pk)
    PartyMember.objects.filter(pk=member.pk).update(user=user)  # the member's account (报到 links it)
    member.refresh_from_db()
    return member


def failing(item: str = "fire_safety") -> dict[str, bool]:
    return {**ALL_PASS, item: False}
