"""Writes of campaigns and inspection rounds, and of the finding types."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.campaigns.enums import (
    DEFAULT_FINDING_TYPES,
    MAX_EVERY_DAYS,
    CampaignKind,
    CampaignStatus,
    RoundKind,
)
from gongzhi.campaigns.models import Campaign, FindingType
from gongzhi.campaigns.services._common import _raise, _text, grid_in_campaign
from gongzhi.campaigns.transitions import CAMPAIGN
from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def finding_types_ensure() -> None:
    """The shipped finding types, added where missing (a new install, a flushed test database)."""
    have = set(FindingType.objects.values_list("code", flat=True))
    FindingType.objects.bulk_create(
        [
            FindingType(code=code, name=name, sort=i * 10)
            for i, (code, name) in enumerate(DEFAULT_FINDING_TYPES, start=1)
            if code not in have
        ],
        ignore_conflicts=True,
    )


_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@transaction.atomic
def finding_type_create(*, actor: Actor, code: str, name: str) -> FindingType:
    require(actor, "campaigns.manage_findingtype")
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, "类型名称", 40, True)
    code = (code or "").strip().lower()
    if not _CODE_RE.match(code):
        errors["code"] = "代码应为2到40个小写字母、数字或下划线，以字母开头"
    _raise(errors)
    if FindingType.objects.filter(code=code).exists() or FindingType.objects.filter(name=name).exists():
        raise ValidationFailed("已有同名或同代码的问题类型", fields={"name": "已有同名或同代码的问题类型"})
    sort = (FindingType.objects.order_by("-sort").values_list("sort", flat=True).first() or 0) + 10
    row = FindingType.objects.create(code=code, name=name, sort=min(sort, 32000))
    audit_record(
        actor=actor, target=row, event="campaigns.finding_type_created", data={"code": code, "name": name}
    )
    return row


@dataclass
class CampaignInput:
    place_code: str
    kind: str
    title: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    round_kind: str = ""
    every_days: int = 1
    department_ids: list[int] = field(default_factory=list)
    grid_codes: list[str] = field(default_factory=list)
    streets: str = ""
    notes: str = ""


def _place(place_code: str) -> tuple[object, str, str, str]:
    """(the Community or Subdistrict, its name, community code, subdistrict code)."""
    from gongzhi.places.models import Community, Subdistrict

    code = (place_code or "").strip()[:12]
    community = Community.objects.filter(code=code).first() if code else None
    if community is not None:
        return community, community.name, community.code, community.subdistrict.code
    sub = Subdistrict.objects.filter(code=code).first() if code else None
    if sub is not None:
        return sub, sub.name, "", sub.code
    raise ValidationFailed("请选择街道或社区", fields={"place_code": "请选择街道或社区"})


@transaction.atomic
def campaign_create(*, actor: Actor, data: CampaignInput) -> Campaign:
    from gongzhi.places.models import Department, Grid

    place, name, community_code, subdistrict_code = _place(data.place_code)
    refusal = "只能为本人负责的街道或社区发起行动"
    require(
        actor,
        "campaigns.manage_campaign",
        place,
        error=ValidationFailed(refusal, fields={"place_code": refusal}),
    )
    errors: dict[str, str] = {}
    title = _text(errors, "title", data.title, "名称", 100, True)
    streets = _text(errors, "streets", data.streets, "覆盖街巷", 300, False)
    notes = _text(errors, "notes", data.notes, "说明", 2000, False)
    if data.kind not in CampaignKind.values:
        errors["kind"] = "请选择类型（联合行动或巡查轮次）"
    round_kind = data.round_kind if data.kind == CampaignKind.INSPECTION else ""
    if data.kind == CampaignKind.INSPECTION and round_kind not in RoundKind.values:
        errors["round_kind"] = "请选择巡查类别"
    every = data.every_days if data.kind == CampaignKind.INSPECTION else 1
    if not isinstance(every, int) or not 1 <= every <= MAX_EVERY_DAYS:
        errors["every_days"] = f"巡查周期应为1到{MAX_EVERY_DAYS}天"
    if data.starts_on is None or not bounds.date_in_range(data.starts_on):
        errors["starts_on"] = "请填写开始日期"
    if data.ends_on is None or not bounds.date_in_range(data.ends_on):
        errors["ends_on"] = "请填写结束日期"
    elif data.starts_on and data.ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期"
    department_ids = sorted({int(i) for i in data.department_ids if isinstance(i, int)})[:50]
    departments = list(Department.objects.filter(pk__in=department_ids, district__code=subdistrict_code[:6]))
    if len(departments) != len(department_ids):
        errors["department_ids"] = "参与部门不存在"
    grid_codes = sorted({str(c).strip() for c in data.grid_codes if str(c).strip()})[:500]
    grids = list(Grid.objects.filter(code__in=grid_codes))
    probe = Campaign(community_code=community_code, subdistrict_code=subdistrict_code)
    if len(grids) != len(grid_codes) or not all(grid_in_campaign(probe, g) for g in grids):
        errors["grid_codes"] = f"所选网格不在{name}范围内"
    _raise(errors)
    assert data.starts_on is not None and data.ends_on is not None
    campaign = Campaign(
        kind=data.kind,
        round_kind=round_kind,
        title=title,
        place_name=name,
        streets=streets,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        every_days=every,
        notes=notes,
        created_by_id=getattr(actor, "pk", None),
        district_code=subdistrict_code[:6],
        subdistrict_code=subdistrict_code,
        community_code=community_code,
        grid_code="",
    )
    campaign.save()
    campaign.departments.set(departments)
    campaign.grids.set(grids)
    finding_types_ensure()
    audit_record(
        actor=actor,
        target=campaign,
        event="campaigns.campaign_created",
        data={
            "kind": campaign.kind,
            "title": title,
            "place": name,
            "departments": [d.name for d in departments],
            "grids": len(grids),
        },
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor: Actor, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("行动不存在或无权查看")
    require(actor, "campaigns.manage_campaign", campaign)
    check_move(CAMPAIGN, CampaignStatus.CLOSED, campaign.status)
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, target=campaign, event="campaigns.campaign_closed", data={"title": campaign.title}
    )
    return campaign
