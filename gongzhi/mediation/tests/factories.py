"""Set-up of the mediation tests, through the services, in the small district."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from gongzhi.mediation.enums import CaseSource, CommitteeLevel, DisputeKind, MediatorKind, Side
from gongzhi.mediation.models import Case, Committee, Mediator, Room
from gongzhi.mediation.services.cases import (
    CaseInput,
    DisputantInput,
    case_admit,
    case_register,
    session_record,
)
from gongzhi.mediation.services.organisation import committee_create, mediator_add, room_create
from gongzhi.testing import SmallDistrict


@dataclass
class Org:
    committee: Committee
    room: Room
    mediators: list[Mediator]
    sub_committee: Committee


def make_org(d: SmallDistrict, key: str = "A1") -> Org:
    community = d.communities[key]
    committee = committee_create(
        actor=None,
        name=f"{community.name}人民调解委员会",
        short_name=community.name[:2],
        level=CommitteeLevel.COMMUNITY,
        community_id=community.pk,
        chair="卜哥",
    )
    room = room_create(
        actor=None,
        committee_id=committee.pk,
        name="卜哥调解室",
        place="党群服务中心二楼",
        hours="工作日9:00-17:00",
        standards=["sign", "room"],
    )
    m1 = mediator_add(actor=None, committee_id=committee.pk, name="卜哥", kind=MediatorKind.ELDER)
    m2 = mediator_add(actor=None, committee_id=committee.pk, name="王律师", kind=MediatorKind.LAWYER)
    sub = committee_create(
        actor=None,
        name=f"{community.subdistrict.name}人民调解委员会",
        short_name=community.subdistrict.name[:2] + "街",
        level=CommitteeLevel.SUBDISTRICT,
        subdistrict_id=community.subdistrict_id,
    )
    return Org(committee=committee, room=room, mediators=[m1, m2], sub_committee=sub)


def parties(d: SmallDistrict, grid: str = "g1") -> list[DisputantInput]:
    return [
        DisputantInput(side=Side.APPLICANT, person_id=d.persons[grid][0].pk),
        DisputantInput(
            side=Side.RESPONDENT, name="李四", id_number="", phone="13912345678", address="2号楼301"
        ),
    ]


def make_case(
    d: SmallDistrict,
    org: Org,
    *,
    actor: Any = None,
    with_parties: bool = True,
    title: str = "楼上漏水",
    registered_on: dt.date | None = None,
    party_grid: str = "g1",
    **extra: Any,
) -> Case:
    return case_register(
        actor=actor,
        committee_id=org.committee.pk,
        data=CaseInput(
            source=CaseSource.VISIT,
            kind=DisputeKind.NEIGHBOURS,
            title=title,
            facts="楼上卫生间漏水，楼下天花板受损，双方就维修费用协商未果。",
            amount="3000",
            room_id=org.room.pk,
            registered_on=registered_on or timezone.localdate() - dt.timedelta(days=10),
            disputants=parties(d, party_grid) if with_parties else [],
        ),
        **extra,
    )


def mediating_case(d: SmallDistrict, org: Org, **kw: Any) -> Case:
    case = make_case(d, org, **kw)
    start = case.registered_on
    case_admit(actor=None, case_id=case.pk, mediator_ids=[m.pk for m in org.mediators], on=start)
    session_record(
        actor=None,
        case_id=case.pk,
        held_on=start + dt.timedelta(days=1),
        place="卜哥调解室",
        attendees="双方当事人、卜哥、王律师",
        record="双方陈述了漏水经过，楼上同意承担维修费用。",
        next_step="拟定协议",
    )
    case.refresh_from_db()
    return case
