"""Findings recorded on the spot: type, quantity, location (the grid from the point), photos, and the
outcome — fixed there, or turned into a ticket through the tickets app's ``ticket_report``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.campaigns.enums import MAX_QUANTITY, CampaignStatus, FindingOutcome
from gongzhi.campaigns.models import Campaign, Finding, FindingPhoto, FindingType, InspectionDuty
from gongzhi.campaigns.services._common import _raise, _text, grid_in_campaign
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.images import CleanImage, clean_images, store_photo_rows
from gongzhi.core.permissions import allowed, require

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Grid


@dataclass
class FindingInput:
    type_code: str
    outcome: str
    quantity: int = 1
    description: str = ""
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    grid_code: str = ""  # when the phone gives no point: the grid the recorder names
    duty_id: int | None = None


def _active_campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("行动不存在或无权查看")
    return campaign


def _grid_of(errors: dict[str, str], data: FindingInput) -> Grid | None:
    from gongzhi.places.models import Grid
    from gongzhi.places.selectors import grid_for_point

    has_point = data.lng is not None and data.lat is not None
    if has_point:
        lng, lat = float(data.lng), float(data.lat)  # type: ignore[arg-type]
        if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
            errors["lng"] = "位置坐标无效"
            return None
        grid = grid_for_point(lng=lng, lat=lat)
        if grid is None:
            errors["lng"] = "该位置不在任何网格内"
        return grid
    if data.grid_code:
        grid = Grid.objects.filter(code=data.grid_code.strip()[:15]).first()
        if grid is None:
            errors["grid_code"] = "网格不存在"
        return grid
    errors["lng"] = "请定位或选择问题所在网格"
    return None


@transaction.atomic
def finding_record(
    *, actor: Actor, campaign_id: int, data: FindingInput, photos: list[Any] | None = None
) -> Finding:
    campaign = _active_campaign(campaign_id)
    errors: dict[str, str] = {}
    ftype = FindingType.objects.filter(code=(data.type_code or "").strip()[:40], active=True).first()
    if ftype is None:
        errors["type_code"] = "请选择问题类型"
    if data.outcome not in FindingOutcome.values:
        errors["outcome"] = "请选择处置方式（当场整改或转为工单）"
    quantity = data.quantity if isinstance(data.quantity, int) else 0
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"数量应为1到{MAX_QUANTITY}之间的整数"
    description = _text(errors, "description", data.description, "情况说明", 500, False)
    address = _text(errors, "address", data.address, "位置描述", 200, False)
    if data.outcome == FindingOutcome.TICKET and not description:
        errors["description"] = "转为工单时请填写情况说明"
    grid = _grid_of(errors, data)
    _raise(errors)
    assert grid is not None and ftype is not None
    if not grid_in_campaign(campaign, grid, set(campaign.grids.values_list("code", flat=True))):
        raise ValidationFailed("该位置不在本次行动范围内", fields={"lng": "该位置不在本次行动范围内"})
    require(
        actor,
        "campaigns.record_finding",
        grid,
        error=ValidationFailed(
            "只能记录本人负责网格内的问题", fields={"lng": "只能记录本人负责网格内的问题"}
        ),
    )
    if campaign.status != CampaignStatus.ACTIVE:
        raise Conflict("行动已结束，不能再记录问题", code="illegal_transition")
    duty = None
    if data.duty_id:
        duty = InspectionDuty.objects.filter(pk=data.duty_id, campaign=campaign).first()
        if duty is None:
            raise ValidationFailed("巡查岗位不存在", fields={"duty_id": "巡查岗位不存在"})
    images = clean_images(list(photos or []))
    finding = Finding(
        campaign=campaign,
        type=ftype,
        quantity=quantity,
        description=description,
        address=address,
        lng=data.lng,
        lat=data.lat,
        outcome=data.outcome,
        recorded_at=timezone.now(),
        recorded_by_id=getattr(actor, "pk", None),
        duty=duty,
    )
    finding.set_place_codes(grid_code=grid.code)
    if data.outcome == FindingOutcome.TICKET:
        finding.ticket = _ticket(actor, campaign, ftype, finding, grid)
    finding.save()
    audit_record(
        actor=actor,
        target=finding,
        event="campaigns.finding_recorded",
        data={
            "campaign": campaign.pk,
            "type": ftype.name,
            "quantity": quantity,
            "outcome": finding.outcome,
            "ticket": finding.ticket.number if finding.ticket else "",
            "photos": len(images),
        },
    )
    _save_photos(finding, images)
    return finding


def _ticket(actor: Actor, campaign: Campaign, ftype: FindingType, finding: Finding, grid: Grid) -> Any:
    from gongzhi.tickets.enums import Channel
    from gongzhi.tickets.services import TicketInput, ticket_report

    channel = Channel.PATROL if allowed(actor, "tickets.patrol") else Channel.ASSIGNED
    return ticket_report(
        actor=actor,
        data=TicketInput(
            description=f"{campaign.title}发现{ftype.name}（{finding.quantity}处）：{finding.description}"[
                :1000
            ],
            channel=channel,
            grid_code=grid.code,
            lng=finding.lng,
            lat=finding.lat,
            address=finding.address,
        ),
    )


def _save_photos(finding: Finding, images: list[CleanImage]) -> None:
    store_photo_rows(images, folder=f"campaigns/{finding.district_code}", model=FindingPhoto, finding=finding)


@dataclass
class FindingRow:
    """One finding of a bulk record (the demo's tallies, an import of a paper sheet): fixed on the spot."""

    type_code: str
    grid_code: str
    quantity: int = 1
    description: str = ""
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    recorded_at: Any = None


@transaction.atomic
def finding_record_rows(*, actor: Actor | None, campaign_id: int, rows: list[FindingRow]) -> int:
    """Many findings fixed on the spot in one transaction with one audit row (each checked as one)."""
    from gongzhi.places.models import Grid

    campaign = _active_campaign(campaign_id)
    require(actor, "campaigns.manage_campaign", campaign)
    if campaign.status != CampaignStatus.ACTIVE:
        raise Conflict("行动已结束，不能再记录问题", code="illegal_transition")
    types = {t.code: t for t in FindingType.objects.filter(active=True)}
    grids = {g.code: g for g in Grid.objects.filter(code__in={r.grid_code for r in rows})}
    named = set(campaign.grids.values_list("code", flat=True))
    now = timezone.now()
    out = []
    for i, row in enumerate(rows, start=1):
        grid, ftype = grids.get(row.grid_code), types.get(row.type_code)
        if grid is None or ftype is None or not grid_in_campaign(campaign, grid, named):
            raise ValidationFailed(f"第{i}条：问题类型或网格无效，或不在本次行动范围内")
        if not 1 <= row.quantity <= MAX_QUANTITY:
            raise ValidationFailed(f"第{i}条：数量应为1到{MAX_QUANTITY}之间的整数")
        f = Finding(
            campaign=campaign,
            type=ftype,
            quantity=row.quantity,
            description=row.description[:500],
            address=row.address[:200],
            lng=row.lng,
            lat=row.lat,
            outcome=FindingOutcome.FIXED,
            recorded_at=row.recorded_at or now,
            recorded_by_id=getattr(actor, "pk", None),
        )
        f.set_place_codes(grid_code=grid.code)
        out.append(f)
    Finding.objects.bulk_create(out, batch_size=500)
    audit_record(
        actor=actor,
        target=campaign,
        event="campaigns.findings_recorded",
        data={"campaign": campaign.pk, "findings": len(out), "quantity": sum(f.quantity for f in out)},
    )
    return len(out)
