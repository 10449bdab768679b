"""Reads of estates and their red-property profile: property service, owners' committee and its members,
同心桥 branch and its representatives, red captains.

Who sees an estate's profile: the staff and the auditor placed over it (grid staff: the estates of their
grid), and a resident the estate their household lives in (``household_estate``, the H5 rating page).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.property.enums import CURRENT_COMMITTEE, BranchSide, CommitteeStatus
from gongzhi.property.models import (
    BranchRepresentative,
    CaptainPost,
    CommitteeMember,
    EstateService,
    OwnersCommittee,
    TongxinqiaoBranch,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Estate, Household

# 备案: within 30 days of the election (物业管理条例 Art. 16; 指导规则 Art. 33).
FILING_DAYS = 30


def estate_row_visible_q(actor: Actor) -> Q:
    return scope_of(actor).place_q(TICKET_READERS)


def estate_list_for_actor(
    *,
    actor: Actor,
    community_code: str = "",
    subdistrict_code: str = "",
    q: str = "",
    limit: int | None = None,
) -> QuerySet[Estate]:
    from gongzhi.places.models import Estate

    qs = Estate.objects.filter(estate_row_visible_q(actor))
    if community_code:
        qs = qs.filter(community_code=community_code)
    if subdistrict_code:
        qs = qs.filter(subdistrict_code=subdistrict_code)
    if q:
        qs = qs.filter(name__contains=q)
    qs = qs.select_related("community").order_by("community_code", "name", "id")
    return qs[:limit] if limit else qs


def estate_get_for_actor(*, actor: Actor, estate_id: int) -> Estate:
    estate = estate_list_for_actor(actor=actor).filter(pk=estate_id).first()
    if estate is None:
        raise NotFound("小区不存在或无权查看")
    return estate


@dataclass
class CommitteeView:
    committee: OwnersCommittee
    members: list[CommitteeMember] = field(default_factory=list)

    @property
    def party_members(self) -> int:
        return sum(1 for m in self.members if m.is_party_member)

    @property
    def filing_due(self) -> dt.date:
        return self.committee.elected_on + dt.timedelta(days=FILING_DAYS)

    @property
    def filing_overdue(self) -> bool:
        return self.committee.status == CommitteeStatus.ELECTED and timezone.localdate() > self.filing_due

    @property
    def size_note(self) -> str:
        """建房〔2009〕274号 Art. 31: 5–11 members, an odd number (local rules may differ): a reminder only."""
        n = len(self.members)
        if 5 <= n <= 11 and n % 2 == 1:
            return ""
        return gettext("现有%(n)s名成员；指导规则为5至11人的单数（以当地规定为准）") % {"n": n}


@dataclass
class BranchView:
    branch: TongxinqiaoBranch
    representatives: list[BranchRepresentative] = field(default_factory=list)

    @property
    def by_side(self) -> list[tuple[str, list[BranchRepresentative]]]:
        return [
            (str(label), [r for r in self.representatives if r.side == value])
            for value, label in BranchSide.choices
        ]

    @property
    def complete(self) -> bool:
        return {r.side for r in self.representatives} >= set(BranchSide.values)


@dataclass
class EstateProfile:
    estate: Estate
    service: EstateService | None = None
    committee: CommitteeView | None = None
    branch: BranchView | None = None
    captains: list[CaptainPost] = field(default_factory=list)
    households: int = 0


def estate_profiles(estates: list[Estate], *, captains: bool = True) -> dict[int, EstateProfile]:
    """Each estate's current profile, in a fixed number of queries."""
    from django.db.models import Count

    from gongzhi.places.models import Household

    ids = [e.pk for e in estates]
    out = {e.pk: EstateProfile(estate=e) for e in estates}
    for s in EstateService.objects.filter(estate_id__in=ids, current=True).select_related("company"):
        out[s.estate_id].service = s
    committees = {
        c.pk: c for c in OwnersCommittee.objects.filter(estate_id__in=ids, status__in=CURRENT_COMMITTEE)
    }
    members: dict[int, list[CommitteeMember]] = defaultdict(list)
    for m in CommitteeMember.objects.filter(committee_id__in=list(committees)).order_by("id"):
        members[m.committee_id].append(m)
    for c in committees.values():
        out[c.estate_id].committee = CommitteeView(c, members[c.pk])
    branches = {b.pk: b for b in TongxinqiaoBranch.objects.filter(estate_id__in=ids, active=True)}
    reps: dict[int, list[BranchRepresentative]] = defaultdict(list)
    for r in BranchRepresentative.objects.filter(branch_id__in=list(branches)).select_related("company"):
        reps[r.branch_id].append(r)
    for b in branches.values():
        out[b.estate_id].branch = BranchView(b, reps[b.pk])
    if captains:
        for p in CaptainPost.objects.filter(estate_id__in=ids, active=True).select_related("building"):
            out[p.estate_id].captains.append(p)
    for row in (
        Household.objects.filter(building__estate_id__in=ids)
        .values("building__estate_id")
        .annotate(n=Count("id"))
    ):
        out[row["building__estate_id"]].households = row["n"]
    return out


def estate_profile_for_actor(*, actor: Actor, estate_id: int) -> EstateProfile:
    estate = estate_get_for_actor(actor=actor, estate_id=estate_id)
    return estate_profiles([estate])[estate.pk]


def committee_history(*, estate: Estate) -> QuerySet[OwnersCommittee]:
    return OwnersCommittee.objects.filter(estate=estate).order_by("-elected_on", "-id")


def owners_committee_list_for_actor(
    *, actor: Actor, current: bool = True, limit: int | None = None
) -> list[CommitteeView]:
    qs = OwnersCommittee.objects.filter(estate_row_visible_q(actor)).select_related(
        "estate", "estate__community"
    )
    if current:
        qs = qs.filter(status__in=CURRENT_COMMITTEE)
    rows = list(qs.order_by("community_code", "estate__name", "-id")[: limit or 2000])
    members: dict[int, list[CommitteeMember]] = defaultdict(list)
    for m in CommitteeMember.objects.filter(committee_id__in=[c.pk for c in rows]).order_by("id"):
        members[m.committee_id].append(m)
    return [CommitteeView(c, members[c.pk]) for c in rows]


def branch_list_for_actor(*, actor: Actor, limit: int | None = None) -> list[BranchView]:
    rows = list(
        TongxinqiaoBranch.objects.filter(estate_row_visible_q(actor), active=True)
        .select_related("estate", "estate__community", "alliance", "party_organization")
        .order_by("community_code", "estate__name")[: limit or 2000]
    )
    reps: dict[int, list[BranchRepresentative]] = defaultdict(list)
    for r in BranchRepresentative.objects.filter(branch_id__in=[b.pk for b in rows]).select_related(
        "company"
    ):
        reps[r.branch_id].append(r)
    return [BranchView(b, reps[b.pk]) for b in rows]


def captain_list_for_actor(*, actor: Actor, estate_id: int | None = None) -> QuerySet[CaptainPost]:
    qs = CaptainPost.objects.filter(estate_row_visible_q(actor), active=True)
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    return qs.select_related("estate", "building", "party_member").order_by(
        "community_code", "estate_id", "id"
    )


def household_estate(*, actor: Actor) -> tuple[Household, Estate] | None:
    """The resident's own household and the estate it lives in (the first, if they have several)."""
    from gongzhi.places.models import Household

    ids = sorted(scope_of(actor).household_ids)
    if not ids:
        return None
    hh = (
        Household.objects.filter(pk__in=ids, building__estate__isnull=False)
        .select_related("building__estate", "building__estate__community")
        .order_by("id")
        .first()
    )
    if hh is None or hh.building is None or hh.building.estate is None:
        return None
    return hh, hh.building.estate


def party_member_choices(*, estate: Estate, limit: int = 300) -> list[Any]:
    """The party members of the estate's community, to link a representative or a captain to."""
    from gongzhi.party.models import PartyMember

    return list(
        PartyMember.objects.filter(community_code=estate.community_code)
        .order_by("name", "id")
        .only("pk", "name")[:limit]
    )
