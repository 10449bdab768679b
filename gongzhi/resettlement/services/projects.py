"""Writes of a resettlement project: the project, its groups and members, meetings, plan documents and
the settlement price bands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.resettlement import settlement
from gongzhi.resettlement.enums import GroupKind
from gongzhi.resettlement.models import (
    GroupMember,
    PlanDocument,
    PriceBand,
    ProjectMeeting,
    ResettlementProject,
    WorkingGroup,
)
from gongzhi.resettlement.services._common import _codes, _decimal, _project, _raise, _still_preparing, _text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place(place_code: str) -> tuple[object, str, str, str]:
    from gongzhi.places.models import Community, Subdistrict

    code = (place_code or "").strip()[:12]
    community = Community.objects.filter(code=code).select_related("subdistrict").first() if code else None
    if community is not None:
        return community, community.name, community.code, community.subdistrict.code
    sub = Subdistrict.objects.filter(code=code).first() if code else None
    if sub is not None:
        return sub, sub.name, "", sub.code
    raise ValidationFailed("请选择街道或社区", fields={"place_code": "请选择街道或社区"})


@transaction.atomic
def resettlement_project_create(
    *,
    actor: Actor,
    place_code: str,
    name: str,
    estate_name: str,
    buildings: str = "",
    max_over_area: Decimal | str = "0",
) -> ResettlementProject:
    place, place_name, community_code, subdistrict_code = _place(place_code)
    refusal = "只能为本人负责的街道或社区建立安置项目"
    require(
        actor,
        "resettlement.manage_project",
        place,
        error=ValidationFailed(refusal, fields={"place_code": refusal}),
    )
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, "项目名称", 100, True)
    estate_name = _text(errors, "estate_name", estate_name, "安置小区", 100, True)
    buildings = _text(errors, "buildings", buildings, "楼栋", 300, False)
    over = _decimal(
        errors, "max_over_area", max_over_area, "可超面积上限", low=Decimal(0), high=Decimal(1000)
    )
    _raise(errors)
    project = ResettlementProject(
        name=name,
        place_name=place_name,
        estate_name=estate_name,
        buildings=buildings,
        max_over_area=over,
        created_by_id=getattr(actor, "pk", None),
        district_code=subdistrict_code[:6],
        subdistrict_code=subdistrict_code,
        community_code=community_code,
        grid_code="",
    )
    project.save()
    audit_record(actor=actor, target=project, event="resettlement.project_created", data={"name": name})
    return project


@transaction.atomic
def working_group_add(
    *,
    actor: Actor,
    project_id: int,
    kind: str,
    name: str,
    duties: str = "",
    members: list[tuple[str, str, str]] | None = None,
) -> WorkingGroup:
    """A group (领导小组, 程序操作组 …) with its members as (name, post, unit)."""
    project = _project(actor, project_id)
    errors: dict[str, str] = {}
    if kind not in GroupKind.values:
        errors["kind"] = "请选择工作组类别"
    name = _text(errors, "name", name, "工作组名称", 50, True)
    duties = _text(errors, "duties", duties, "职责", 300, False)
    rows = []
    for i, (m_name, post, unit) in enumerate(members or [], start=1):
        m_name, post, unit = (m_name or "").strip(), (post or "").strip(), (unit or "").strip()
        if not m_name or len(m_name) > 50 or len(post) > 50 or len(unit) > 100:
            errors["members"] = f"第{i}位成员：姓名必填，姓名和职务不超过50字"
        rows.append((m_name, post, unit))
    _raise(errors)
    if WorkingGroup.objects.filter(project=project, name=name).exists():
        raise ValidationFailed("本项目已有同名工作组", fields={"name": "本项目已有同名工作组"})
    group = WorkingGroup.objects.create(
        project=project, kind=kind, name=name, duties=duties, **_codes(project)
    )
    GroupMember.objects.bulk_create(
        [GroupMember(group=group, name=n, post=p, unit=u, **_codes(project)) for n, p, u in rows]
    )
    audit_record(
        actor=actor,
        target=group,
        event="resettlement.group_added",
        data={"project": project.pk, "name": name, "members": len(rows)},
    )
    return group


@transaction.atomic
def project_meeting_record(
    *, actor: Actor, project_id: int, held_on: dt.date | None, title: str, minutes: str, attendees: str = ""
) -> ProjectMeeting:
    project = _project(actor, project_id)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "会议名称", 100, True)
    attendees = (attendees or "").strip()
    if len(attendees) > 500:
        errors["attendees"] = "参会人员不能超过500字"
    minutes = (minutes or "").strip()
    if not minutes:
        errors["minutes"] = "请填写会议纪要"
    elif len(minutes) > 20000:
        errors["minutes"] = "会议纪要不能超过20000字"
    if held_on is None or not bounds.date_in_range(held_on):
        errors["held_on"] = "请填写会议日期"
    _raise(errors)
    assert held_on is not None
    meeting = ProjectMeeting.objects.create(
        project=project, held_on=held_on, title=title, minutes=minutes, attendees=attendees, **_codes(project)
    )
    audit_record(actor=actor, target=meeting, event="resettlement.meeting_recorded", data={"title": title})
    return meeting


@transaction.atomic
def plan_document_add(
    *,
    actor: Actor,
    project_id: int,
    title: str,
    issued_on: dt.date | None,
    number: str = "",
    summary: str = "",
) -> PlanDocument:
    project = _project(actor, project_id)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "标题", 200, True)
    number = _text(errors, "number", number, "文号", 50, False)
    summary = (summary or "").strip()
    if len(summary) > 20000:
        errors["summary"] = "要点不能超过20000字"
    if issued_on is None or not bounds.date_in_range(issued_on):
        errors["issued_on"] = "请填写印发日期"
    _raise(errors)
    assert issued_on is not None
    doc = PlanDocument.objects.create(
        project=project, title=title, number=number, issued_on=issued_on, summary=summary, **_codes(project)
    )
    audit_record(
        actor=actor, target=doc, event="resettlement.document_added", data={"title": title, "number": number}
    )
    return doc


@dataclass
class BandInput:
    lower: str | Decimal
    upper: str | Decimal | None
    price: str | Decimal
    label: str


@transaction.atomic
def price_bands_set(*, actor: Actor, project_id: int, bands: list[BandInput]) -> list[PriceBand]:
    """Replace the project's price bands (before the list is committed); they must not overlap."""
    project = _project(actor, project_id)
    _still_preparing(project)
    errors: dict[str, str] = {}
    parsed: list[settlement.Band] = []
    limit = Decimal(100000)
    for i, b in enumerate(bands, start=1):
        lower = _decimal(errors, "bands", b.lower, f"第{i}档下限", low=-limit, high=limit)
        upper = (
            None
            if b.upper in (None, "")
            else _decimal(errors, "bands", b.upper, f"第{i}档上限", low=-limit, high=limit)
        )
        price = _decimal(errors, "bands", b.price, f"第{i}档单价", low=Decimal(0), high=Decimal(10**7))
        label = _text(errors, "bands", b.label, f"第{i}档说明", 50, True)
        parsed.append(settlement.Band(lower=lower, upper=upper, price=price, label=label))
    if not bands:
        errors["bands"] = "请至少填写一个价格档"
    _raise(errors)
    try:
        settlement.check_bands(parsed)
    except settlement.BandError as exc:
        raise ValidationFailed(str(exc), fields={"bands": str(exc)}) from None
    PriceBand.objects.filter(project=project).delete()
    rows = PriceBand.objects.bulk_create(
        [
            PriceBand(
                project=project, lower=b.lower, upper=b.upper, price=b.price, label=b.label, **_codes(project)
            )
            for b in parsed
        ]
    )
    audit_record(
        actor=actor,
        target=project,
        event="resettlement.price_bands_set",
        data={"bands": [[str(b.lower), str(b.upper), str(b.price), b.label] for b in parsed]},
    )
    return rows
