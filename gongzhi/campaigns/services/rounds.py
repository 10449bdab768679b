"""Inspection rounds: an inspector's duty (定职责、定地段、定时段) and the rounds walked."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.campaigns.enums import CampaignKind, CampaignStatus
from gongzhi.campaigns.models import Campaign, InspectionCheck, InspectionDuty
from gongzhi.campaigns.selectors import place_codes_of
from gongzhi.campaigns.services._common import _raise, _text
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed, require
from gongzhi.core.roles import PLACE_STAFF
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _works_in(user: object, campaign: Campaign) -> bool:
    """Whether the account is staff (grid up) of a place inside or over the campaign's place."""
    scope = scope_of(user)  # type: ignore[arg-type]
    if scope.superuser:
        return True
    for role, level, code in scope.places:
        if role not in PLACE_STAFF:
            continue
        if level == "district" and code == campaign.district_code:
            return True
        community, subdistrict = place_codes_of(level, code)
        if subdistrict == campaign.subdistrict_code and (
            not campaign.community_code or not community or community == campaign.community_code
        ):
            return True
    return False


@transaction.atomic
def inspection_duty_assign(
    *,
    actor: Actor,
    campaign_id: int,
    inspector_id: int | None,
    responsibility: str,
    section: str,
    starts_at: dt.time | None,
    ends_at: dt.time | None,
    first_due_on: dt.date | None = None,
) -> InspectionDuty:
    from gongzhi.accounts.models import User

    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("巡查轮次不存在或无权查看")
    require(actor, "campaigns.manage_campaign", campaign)
    if campaign.kind != CampaignKind.INSPECTION:
        raise ValidationFailed("只有巡查轮次可以安排巡查岗位")
    if campaign.status != CampaignStatus.ACTIVE:
        raise Conflict("巡查轮次已结束，不能再安排岗位", code="illegal_transition")
    errors: dict[str, str] = {}
    responsibility = _text(errors, "responsibility", responsibility, "职责", 200, True)
    section = _text(errors, "section", section, "地段", 200, True)
    inspector = User.objects.filter(pk=inspector_id, is_active=True).first() if inspector_id else None
    if inspector is None:
        errors["inspector_id"] = "请选择巡查人"
    elif not _works_in(inspector, campaign):
        errors["inspector_id"] = f"巡查人应为{campaign.place_name}的工作人员或网格员"
    if starts_at is None or ends_at is None:
        errors["starts_at"] = "请填写巡查时段"
    elif ends_at <= starts_at:
        errors["ends_at"] = "时段结束应晚于开始"
    _raise(errors)
    assert inspector is not None and starts_at is not None and ends_at is not None
    due = max(first_due_on or campaign.starts_on, campaign.starts_on)
    duty = InspectionDuty(
        campaign=campaign,
        inspector=inspector,
        inspector_name=(inspector.display_name or inspector.username)[:50],
        responsibility=responsibility,
        section=section,
        starts_at=starts_at,
        ends_at=ends_at,
        due_on=due,
        district_code=campaign.district_code,
        subdistrict_code=campaign.subdistrict_code,
        community_code=campaign.community_code,
        grid_code="",
    )
    duty.save()
    audit_record(
        actor=actor,
        target=duty,
        event="campaigns.duty_assigned",
        data={"campaign": campaign.pk, "inspector": duty.inspector_name, "section": section},
    )
    return duty


@transaction.atomic
def inspection_check_record(
    *, actor: Actor, duty_id: int, note: str = "", done_on: dt.date | None = None
) -> InspectionCheck:
    duty = (
        InspectionDuty.objects.select_for_update()
        .select_related("campaign")
        .filter(pk=duty_id, active=True)
        .first()
    )
    own = duty is not None and actor is not None and duty.inspector_id == getattr(actor, "pk", None)
    if duty is None or not (own or allowed(actor, "campaigns.manage_campaign", duty)):
        raise NotFound("巡查岗位不存在或无权查看")
    if duty.campaign.status != CampaignStatus.ACTIVE:
        raise Conflict("巡查轮次已结束，不能再记录巡查", code="illegal_transition")
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, "巡查情况", 500, False)
    now = timezone.localtime()
    day = done_on or now.date()
    if day > now.date() or day < duty.campaign.starts_on:
        errors["done_on"] = "巡查日期应在本轮开始之后、不晚于今天"
    _raise(errors)
    in_hours = day != now.date() or duty.starts_at <= now.time() <= duty.ends_at
    check = InspectionCheck(
        duty=duty,
        done_on=day,
        done_at=timezone.now(),
        in_hours=in_hours,
        note=note,
        recorded_by_id=getattr(actor, "pk", None),
        district_code=duty.district_code,
        subdistrict_code=duty.subdistrict_code,
        community_code=duty.community_code,
        grid_code="",
    )
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        raise Conflict(f"{day:%m月%d日}的巡查已记录", code="duplicate") from None
    if duty.last_done_on is None or day >= duty.last_done_on:
        duty.last_done_on = day
        duty.due_on = day + dt.timedelta(days=duty.campaign.every_days)
        duty.missed_since = None
        duty.save(update_fields=["last_done_on", "due_on", "missed_since", "updated_at"])
    audit_record(
        actor=actor,
        target=check,
        event="campaigns.round_checked",
        data={"duty": duty.pk, "day": day.isoformat(), "in_hours": in_hours},
    )
    return check
