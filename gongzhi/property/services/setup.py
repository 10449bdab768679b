"""The batch setup of many estates' red-property profiles at once (the demo district, a first import of a
subdistrict's register): property service, owners' committee with members, 同心桥 branch with its three
sides, red captains — checked as one by one, written in bulk, one audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, field_error
from gongzhi.core.permissions import require
from gongzhi.property.enums import CURRENT_COMMITTEE, BranchSide, CaptainKind, CommitteeStatus, ServiceKind
from gongzhi.property.models import (
    BranchRepresentative,
    CaptainPost,
    CommitteeMember,
    EstateService,
    OwnersCommittee,
    PropertyCompany,
    TongxinqiaoBranch,
)
from gongzhi.property.services.estates import (
    BranchInput,
    CommitteeInput,
    _new_committee,
    _representative,
    placed_like,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Building, Estate


@dataclass
class CaptainRow:
    kind: str
    holder_name: str
    building: Building | None = None
    party_member_id: int | None = None
    since: dt.date | None = None


@dataclass
class EstateSetup:
    estate: Estate
    service_kind: str = ""
    company: PropertyCompany | None = None
    service_starts_on: dt.date | None = None
    committee: CommitteeInput | None = None
    committee_filed_on: dt.date | None = None
    branch: BranchInput | None = None
    captains: list[CaptainRow] = field(default_factory=list)


@transaction.atomic
def estates_bulk_set_up(*, actor: Actor | None, rows: list[EstateSetup], today: dt.date) -> dict[str, int]:
    """Each estate's profile as given; an estate that already has a current service, committee or
    branch is refused (the batch is refused whole)."""
    if not rows:
        return {}
    ids = [r.estate.pk for r in rows]
    if (
        EstateService.objects.filter(estate_id__in=ids, current=True).exists()
        or OwnersCommittee.objects.filter(estate_id__in=ids, status__in=CURRENT_COMMITTEE).exists()
        or TongxinqiaoBranch.objects.filter(estate_id__in=ids, active=True).exists()
    ):
        raise Conflict("部分小区已登记物业服务、业委会或同心桥党支部，请逐个修改", code="already_set_up")
    services: list[EstateService] = []
    committees: list[tuple[OwnersCommittee, list[CommitteeMember]]] = []
    branches: list[tuple[TongxinqiaoBranch, list[BranchRepresentative]]] = []
    captains: list[CaptainPost] = []
    for i, r in enumerate(rows, start=1):
        estate = r.estate
        require(actor, "property.manage_estate", estate)
        if r.service_kind:
            if r.service_kind not in ServiceKind.values or (
                r.service_kind == ServiceKind.COMPANY and r.company is None
            ):
                raise field_error("kind", f"第{i}条：物业服务方式或企业不正确")
            services.append(
                placed_like(
                    EstateService(
                        estate=estate,
                        kind=r.service_kind,
                        company=r.company,
                        starts_on=r.service_starts_on or today,
                    ),
                    estate,
                )
            )
        if r.committee is not None:
            committee, members = _new_committee(estate, r.committee, today)
            if r.committee_filed_on is not None:
                committee.status, committee.filed_on = CommitteeStatus.FILED, r.committee_filed_on
            committees.append((committee, members))
        if r.branch is not None:
            b = r.branch
            reps = [_representative(estate, rep, n) for n, rep in enumerate(b.representatives)]
            if {x.side for x in reps} < set(BranchSide.values):
                raise field_error("representatives", f"第{i}条：“三方协同”的代表不全")
            branch = placed_like(
                TongxinqiaoBranch(
                    estate=estate,
                    name=b.name or f"{estate.name}“同心桥”党支部",
                    secretary_name=b.secretary_name,
                    alliance_id=b.alliance_id,
                    founded_on=b.founded_on or today,
                ),
                estate,
            )
            branches.append((branch, reps))
        for c in r.captains:
            if c.kind not in CaptainKind.values:
                raise field_error("kind", f"第{i}条：岗位不正确")
            post = placed_like(
                CaptainPost(
                    estate=estate,
                    building=c.building,
                    kind=c.kind,
                    holder_name=c.holder_name[:50],
                    party_member_id=c.party_member_id,
                    since=c.since or today,
                ),
                estate,
            )
            if c.building is not None:
                post.set_place_codes(grid_code=c.building.grid_code)
            captains.append(post)
    EstateService.objects.bulk_create(services, batch_size=500)
    OwnersCommittee.objects.bulk_create([x for x, _m in committees], batch_size=500)
    all_members: list[Any] = []
    for made_committee, ms in committees:
        for m in ms:
            m.committee = made_committee
            all_members.append(m)
    CommitteeMember.objects.bulk_create(all_members, batch_size=1000)
    TongxinqiaoBranch.objects.bulk_create([x for x, _r in branches], batch_size=500)
    reps_all: list[BranchRepresentative] = []
    for made_branch, reps in branches:
        for rep in reps:
            rep.branch = made_branch
            reps_all.append(rep)
    BranchRepresentative.objects.bulk_create(reps_all, batch_size=1000)
    CaptainPost.objects.bulk_create(captains, batch_size=1000)
    counts = {
        "services": len(services),
        "committees": len(committees),
        "members": len(all_members),
        "branches": len(branches),
        "captains": len(captains),
    }
    audit_record(actor=actor, target=rows[0].estate, event="property.estates_set_up", data=counts)
    return counts
