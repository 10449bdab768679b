"""Community-managed members (自管党员): entered one by one or in bulk, the party hub household mark, and the
reads of who is on the register and where they live (the grid-branch layout in ``organizations`` counts
them). One transaction and one audit row per service; ``actor=None`` is the system."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.party.enums import MemberKind, MemberStatus
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import Person
from gongzhi.places.models import Community

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def active_community_members() -> Any:
    """Community-managed members on the register (在册)."""
    return PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE)


def members_living_in(community_code: str) -> Any:
    """Active community-managed members who live in the community now (their resident record's place;
    a member without one, by their own codes), annotated with ``live_grid``: the grid they live in."""
    return (
        active_community_members()
        .filter(
            Q(person__community_code=community_code) | Q(person__isnull=True, community_code=community_code)
        )
        .annotate(live_grid=Coalesce(NullIf(F("person__grid_code"), Value("")), F("grid_code")))
    )


def _new_member(person: Person, organization: PartyOrganization | None) -> PartyMember:
    member = PartyMember(
        kind=MemberKind.COMMUNITY_MANAGED,
        person=person,
        name=person.name,
        organization=organization,
        phone_encrypted=person.phone_encrypted,
        phone_hash=person.phone_hash,
        phone_masked=person.phone_masked,
    )
    member.set_place_codes(grid_code=person.grid_code, community_code=person.community_code)
    return member


@transaction.atomic
def community_member_add(
    *,
    actor: Actor | None,
    person_id: int,
    organization_id: int | None = None,
    hub_household: bool = False,
    joined_on: dt.date | None = None,
) -> PartyMember:
    """A community-managed member (自管党员): a resident of the community whose membership it keeps."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    require(actor, "party.add_partymember", person)
    former = PartyMember.objects.filter(person=person, kind=MemberKind.COMMUNITY_MANAGED).first()
    if former is not None and former.status == MemberStatus.ACTIVE:
        raise field_error(
            "person_id", gettext("%(name)s已登记为社区党员") % {"name": person.name}, code="duplicate"
        )
    if former is not None:
        raise field_error(
            "person_id",
            gettext("%(name)s曾在册（%(value)s），请通过组织关系转入重新登记")
            % {"name": person.name, "value": former.get_status_display()},
            code="duplicate",
        )
    if joined_on is not None and (joined_on > timezone.localdate() or joined_on < dt.date(1921, 7, 1)):
        raise field_error("joined_on", gettext("入党日期不正确"))
    if not person.grid_code:
        raise field_error(
            "person_id", gettext("%(name)s尚未登记居住网格，请先在实有人口中登记住址") % {"name": person.name}
        )
    org = None
    if organization_id is not None:
        org = PartyOrganization.objects.filter(
            pk=organization_id, community_code=person.community_code, active=True
        ).first()
        if org is None:
            raise field_error("organization_id", gettext("所选党组织不在该居民所在社区"))
    member = _new_member(person, org)
    member.hub_household = hub_household
    member.joined_on = joined_on
    member.save()
    audit_record(
        actor=actor,
        target=member,
        event="party.member_added",
        data={
            "person_id": person.pk,
            "organization": org.name if org else "",
            "hub_household": hub_household,
        },
    )
    return member


@transaction.atomic
def community_members_add_bulk(*, actor: Actor | None, community_id: int, person_ids: list[int]) -> int:
    """Registers many residents of one community as community-managed members: one transaction, one
    audit row (the community) listing how many were added. Persons already registered are refused."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "party.add_partymember", community)
    ids = sorted(set(person_ids))
    persons = list(Person.objects.filter(pk__in=ids, community_code=community.code))
    if len(persons) != len(ids):
        raise field_error("person_ids", gettext("部分人员不存在或不在该社区"))
    taken = PartyMember.objects.filter(person_id__in=ids, kind=MemberKind.COMMUNITY_MANAGED)
    if taken.exists():
        raise field_error(
            "person_ids", gettext("%(value)s已登记为社区党员") % {"value": taken.first()}, code="duplicate"
        )
    PartyMember.objects.bulk_create([_new_member(p, None) for p in persons], batch_size=500)
    audit_record(actor=actor, target=community, event="party.members_imported", data={"count": len(persons)})
    return len(persons)


@transaction.atomic
def member_set_hub_household(*, actor: Actor | None, member_id: int, hub: bool) -> PartyMember:
    """Marks (or unmarks) the member's household as a party hub household (党员中心户)."""
    member = PartyMember.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    require(actor, "party.change_partymember", member)
    if member.hub_household != hub:
        member.hub_household = hub
        member.save(update_fields=["hub_household", "updated_at"])
        audit_record(actor=actor, target=member, event="party.hub_household_set", data={"hub_household": hub})
    return member
