"""The demo's in-service member and unit liaison accounts (``dy-<community>``, ``unit-<community>`` of the
first community) are given something of their own to see on their H5 pages: the member account becomes an
accepted in-service member of that community whose unit is paired with a grid, and the liaison account the
liaison of that unit (through ``unit_update``, audited). Two rows: no measurable time."""

from __future__ import annotations

from typing import Any

from gongzhi.accounts.models import User
from gongzhi.demo.layout import username_stem
from gongzhi.party.enums import RegistrationStatus
from gongzhi.party.models import MemberRegistration, PartyMember
from gongzhi.party.services.registration import unit_update
from gongzhi.places.models import Community


def link_demo_member_and_liaison(seeder: Any) -> str:
    community = Community.objects.filter(code=seeder.first_community).first()
    if community is None:
        return ""
    py = username_stem(community.name)
    member_user = User.objects.filter(username=f"dy-{py}").first()
    liaison = User.objects.filter(username=f"unit-{py}").first()
    reg = (
        MemberRegistration.objects.filter(
            community=community,
            status=RegistrationStatus.ACCEPTED,
            member__user__isnull=True,
            unit__paired_grid__isnull=False,
        )
        .select_related("member", "unit")
        .order_by("id")
        .first()
    )
    if reg is None or member_user is None or reg.unit is None:
        return ""
    # The account opened for the member is linked to their member row (as 报到 on H5 would have done).
    PartyMember.objects.filter(pk=reg.member_id).update(user=member_user)
    if liaison is not None:
        unit_update(actor=None, unit_id=reg.unit.pk, liaison_username=liaison.username)
    return reg.member.name
