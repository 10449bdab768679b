"""Serving (承诺践诺): the community publishes posts and service items, members and units claim them with a
pledge (认领 · 承诺), and record what they did (践诺), which community staff confirm — never their own:
a staff member who is also the member (or the unit's liaison) of a record or claim cannot confirm, reject
or complete it (``core.duties``, 403 ``own_work``); another member of staff does.

Each service writes in one transaction, asks ``gongzhi.party.permissions`` and leaves one audit row; the
moves are the workflows of ``gongzhi.party.transitions``. Reads are in ``gongzhi.party.selectors.serving``
(a missing row and a forbidden one are the same 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move
from gongzhi.party.enums import (
    SKILL_VALUES,
    ClaimStatus,
    RecordStatus,
    RegistrationStatus,
    ServiceItemKind,
    ServiceItemStatus,
)
from gongzhi.party.models import Claim, PartyMember, ServiceItem, ServiceRecord, Unit
from gongzhi.party.selectors.serving import (
    claim_list_for_actor,
    service_item_list_for_actor,
    service_record_list_for_actor,
)
from gongzhi.party.services._validation import (
    MAX_HOURS_PER_DAY,
    parse_service_date,
    parse_service_hours,
    server_users,
)
from gongzhi.party.transitions import CLAIM, SERVICE_ITEM, SERVICE_RECORD

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community

# Claims that hold a place on an item (a withdrawn one frees it).
HOLDING = (ClaimStatus.ACTIVE, ClaimStatus.COMPLETED)


def _require_staff(actor: Actor, perm: str, obj: object, message: str) -> None:
    """Community staff only; the object is already visible, so the refusal is a 403 with its reason."""
    require(actor, perm, obj, error=Forbidden(message))


# --- items ----------------------------------------------------------------------------------------


def _community_for_staff(actor: Actor, community_id: int) -> Community:
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None or not (scope_of(actor).superuser or scope_of(actor).covers(community)):
        raise NotFound()
    _require_staff(
        actor, "party.publish_serviceitem", community, gettext("只有本社区工作人员可以发布服务岗位/项目")
    )
    return community


def _clean_skills(skills: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(s.strip() for s in skills if s and s.strip()))
    unknown = [s for s in out if s not in SKILL_VALUES]
    if unknown:
        raise field_error("skills", gettext("无法识别的特长类别：%(value)s") % {"value": "、".join(unknown)})
    return out


@transaction.atomic
def service_item_publish(
    *,
    actor: Actor,
    community_id: int,
    kind: str,
    title: str,
    description: str = "",
    skills: Iterable[str] = (),
    capacity: int = 1,
) -> ServiceItem:
    community = _community_for_staff(actor, community_id)
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if kind not in ServiceItemKind.values:
        errors["kind"] = gettext("类型应为“服务岗位”或“服务项目”")
    if not title:
        errors["title"] = gettext("请填写名称")
    elif len(title) > 100:
        errors["title"] = gettext("名称不能超过100个字")
    if not isinstance(capacity, int) or capacity < 1 or capacity > 10000:
        errors["capacity"] = gettext("计划人数应为1到10000之间的整数")
    try:
        clean_skills = _clean_skills(skills)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        clean_skills = []
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    item = ServiceItem(
        community=community,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        skills=clean_skills,
        capacity=capacity,
    )
    item.set_place_codes(community_code=community.code)
    item.save()
    audit_record(
        actor=actor,
        target=item,
        event="party.service_item_published",
        data={"kind": kind, "title": title, "capacity": capacity, "skills": clean_skills},
    )
    return item


def _locked_item(actor: Actor, item_id: int) -> ServiceItem:
    visible = service_item_list_for_actor(actor=actor).filter(pk=item_id).values_list("pk", flat=True)
    item = ServiceItem.objects.select_for_update().filter(pk__in=list(visible)).first()
    if item is None:
        raise NotFound()
    return item


@transaction.atomic
def service_item_close(*, actor: Actor, item_id: int, reason: str = "") -> ServiceItem:
    item = _locked_item(actor, item_id)
    _require_staff(actor, "party.close_serviceitem", item, gettext("只有本社区工作人员可以关闭服务岗位/项目"))
    old = item.status
    item.status = check_move(SERVICE_ITEM, "close", old)
    item.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=item,
        event="party.service_item_closed",
        data={"from": old, "to": item.status, "reason": (reason or "").strip()[:200]},
    )
    return item


# --- claims ---------------------------------------------------------------------------------------


def _member_belongs_to(member: PartyMember, community_id: int, community_code: str) -> bool:
    return (
        member.community_code == community_code
        or member.registrations.filter(community_id=community_id, status=RegistrationStatus.ACCEPTED).exists()
    )


def _claimant_for(
    actor: Actor,
    *,
    place: Any,
    community_id: int,
    member_id: int | None,
    unit_id: int | None,
) -> tuple[PartyMember | None, Unit | None]:
    """Who claims or serves: the actor's own member row, the actor's unit, or — for community staff —
    the member or unit they name. Exactly one of the two is returned."""
    if member_id and unit_id:
        raise ValidationFailed(
            gettext("认领人只能是一名党员或一个单位"),
            fields={"member_id": gettext("党员和单位只能选一个")},
        )
    staff = allowed(actor, "party.represent_claimant", place)
    if member_id:
        member = PartyMember.objects.filter(pk=member_id).first()
        if member is not None and member.user_id == actor.pk:
            return member, None
        if member is not None and staff and _member_belongs_to(member, community_id, place.community_code):
            return member, None
        if member is not None and staff:
            raise field_error("member_id", gettext("该党员未在本社区报到，不能代为登记"))
        raise NotFound(gettext("党员不存在或无权代为登记"))
    if unit_id:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is not None and unit.liaison_id == actor.pk:
            return None, unit
        if unit is not None and staff and unit.community_id == community_id:
            return None, unit
        if unit is not None and staff:
            raise field_error("unit_id", gettext("该单位未在本社区报到，不能代为登记"))
        raise NotFound(gettext("单位不存在或无权代为登记"))
    members = list(PartyMember.objects.filter(user_id=actor.pk)[:2])
    if len(members) == 1:
        return members[0], None
    units = list(Unit.objects.filter(liaison_id=actor.pk)[:2])
    if not members and len(units) == 1:
        return None, units[0]
    if staff:
        raise field_error("member_id", gettext("请选择代为登记的党员或单位"))
    if members or units:
        raise field_error("member_id", gettext("您关联了多个党员或单位身份，请选择以谁的名义登记"))
    raise Forbidden(gettext("您不是党员或驻区单位联络人，不能认领或登记服务"))


@transaction.atomic
def claim_create(
    *,
    actor: Actor,
    item_id: int,
    pledge: str,
    member_id: int | None = None,
    unit_id: int | None = None,
) -> Claim:
    item = _locked_item(actor, item_id)
    if item.status != ServiceItemStatus.OPEN:
        raise Conflict(gettext("该岗位/项目已关闭，不能认领"), code="item_closed")
    member, unit = _claimant_for(
        actor, place=item, community_id=item.community_id, member_id=member_id, unit_id=unit_id
    )
    pledge = (pledge or "").strip()
    if not pledge:
        raise field_error("pledge", gettext("请填写承诺事项"))
    if len(pledge) > 500:
        raise field_error("pledge", gettext("承诺事项不能超过500个字"))
    holding = Claim.objects.filter(item=item, status__in=HOLDING)
    same = holding.filter(member=member) if member is not None else holding.filter(unit=unit)
    if same.exists():
        who = "该党员" if member is not None else "该单位"
        raise Conflict(
            gettext("%(who)s已认领此岗位/项目，不能重复认领") % {"who": who}, code="already_claimed"
        )
    taken = holding.count()
    if taken >= item.capacity:
        raise Conflict(
            gettext("该岗位/项目已认领满额（计划%(capacity)s人，已认领%(taken)s人）")
            % {"capacity": item.capacity, "taken": taken},
            code="item_full",
        )
    claim = Claim(item=item, member=member, unit=unit, pledge=pledge)
    claim.set_place_codes(grid_code=item.grid_code, community_code=item.community_code)
    claim.save()
    audit_record(
        actor=actor,
        target=claim,
        event="party.claim_created",
        data={
            "item": item.pk,
            "member": member.pk if member else None,
            "unit": unit.pk if unit else None,
            "pledge": pledge,
            "on_behalf": bool(
                (member is not None and member.user_id != actor.pk)
                or (unit is not None and unit.liaison_id != actor.pk)
            ),
        },
    )
    return claim


def _locked_claim(actor: Actor, claim_id: int) -> Claim:
    visible = claim_list_for_actor(actor=actor).filter(pk=claim_id).values_list("pk", flat=True)
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("member", "unit", "item")
        .filter(pk__in=list(visible))
        .first()
    )
    if claim is None:
        raise NotFound()
    return claim


@transaction.atomic
def claim_withdraw(*, actor: Actor, claim_id: int, reason: str = "") -> Claim:
    claim = _locked_claim(actor, claim_id)
    require(
        actor,
        "party.withdraw_claim",
        claim,
        error=Forbidden(gettext("只有认领人或本社区工作人员可以撤回认领")),
    )
    old = claim.status
    claim.status = check_move(CLAIM, "withdraw", old)
    claim.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=claim,
        event="party.claim_withdrawn",
        data={"from": old, "to": claim.status, "reason": (reason or "").strip()[:200]},
    )
    return claim


@transaction.atomic
def claim_complete(*, actor: Actor, claim_id: int) -> Claim:
    """The community marks a pledge as fulfilled (践诺完成)."""
    claim = _locked_claim(actor, claim_id)
    _require_staff(actor, "party.complete_claim", claim, gettext("只有本社区工作人员可以确认认领已完成"))
    refuse_own_work(
        actor,
        server_users(member_id=claim.member_id, unit_id=claim.unit_id),
        what=gettext("确认本人的认领已完成"),
    )
    old = claim.status
    claim.status = check_move(CLAIM, "complete", old)
    claim.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, target=claim, event="party.claim_completed", data={"from": old, "to": claim.status}
    )
    return claim


# --- service records ------------------------------------------------------------------------------


@transaction.atomic
def service_record_submit(
    *,
    actor: Actor,
    served_on: dt.date | str,
    hours: Decimal | float | str,
    content: str,
    beneficiaries: str = "",
    claim_id: int | None = None,
    member_id: int | None = None,
    unit_id: int | None = None,
) -> ServiceRecord:
    claim: Claim | None = None
    if claim_id:
        claim = _locked_claim(actor, claim_id)
        require(
            actor,
            "party.add_servicerecord",
            claim,
            error=Forbidden(gettext("只有认领人或本社区工作人员可以登记此认领的服务记录")),
        )
        if claim.status == ClaimStatus.WITHDRAWN:
            raise Conflict(gettext("该认领已撤回，不能登记服务记录"), code="claim_withdrawn")
        member, unit = claim.member, claim.unit
        place: Any = claim
    else:
        member, unit, place = _server_without_claim(actor, member_id=member_id, unit_id=unit_id)

    errors: dict[str, str] = {}
    day, reason = parse_service_date(served_on)
    if day is None:
        errors["served_on"] = reason
    elif day > timezone.localdate():
        errors["served_on"] = gettext("服务日期不能晚于今天")
    amount, reason = parse_service_hours(hours)
    if amount is None:
        errors["hours"] = reason
    content = (content or "").strip()
    beneficiaries = (beneficiaries or "").strip()
    if not content:
        errors["content"] = gettext("请填写服务内容")
    elif len(content) > 500:
        errors["content"] = gettext("服务内容不能超过500个字")
    if len(beneficiaries) > 200:
        errors["beneficiaries"] = gettext("服务对象不能超过200个字")
    if member is not None and day is not None and amount is not None and "served_on" not in errors:
        # Serialise one member's submissions so two at once cannot pass the daily limit together.
        PartyMember.objects.select_for_update().filter(pk=member.pk).first()
        logged = ServiceRecord.objects.filter(
            member=member, served_on=day, status__in=(RecordStatus.PENDING, RecordStatus.CONFIRMED)
        ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
        if logged + amount > MAX_HOURS_PER_DAY:
            errors["hours"] = gettext("%(day)s 已登记%(value)s小时，再加%(value2)s小时将超过每天24小时") % {
                "day": format(day, "%Y-%m-%d"),
                "value": _fmt(logged),
                "value2": _fmt(amount),
            }
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    assert day is not None and amount is not None
    record = ServiceRecord(
        member=member,
        unit=unit,
        claim=claim,
        served_on=day,
        hours=amount,
        content=content,
        beneficiaries=beneficiaries,
    )
    record.set_place_codes(grid_code=place.grid_code, community_code=place.community_code)
    record.save()
    audit_record(
        actor=actor,
        target=record,
        event="party.service_record_submitted",
        data={
            "claim": claim.pk if claim else None,
            "member": member.pk if member else None,
            "unit": unit.pk if unit else None,
            "served_on": day.isoformat(),
            "hours": _fmt(amount),
        },
    )
    return record


def _fmt(hours: Decimal) -> str:
    return format(hours.normalize(), "f")


@dataclass(frozen=True)
class _Place:
    grid_code: str
    community_code: str


def _own_service_place(member: PartyMember) -> Any:
    """A member recording their own service with no claim serves in their unit's paired grid (帮包网格)
    by default, whose community confirms it; without one, where the member is kept."""
    unit = member.unit
    grid = unit.paired_grid if unit is not None and unit.paired_grid_id else None
    if grid is not None:
        return _Place(grid_code=grid.code, community_code="")
    return member


def _server_without_claim(
    actor: Actor, *, member_id: int | None, unit_id: int | None
) -> tuple[PartyMember | None, Unit | None, Any]:
    """A record with no claim is placed where the member is kept, or where the unit is located."""
    if member_id and not unit_id:
        member = PartyMember.objects.filter(pk=member_id).first()
        if member is not None and member.user_id == actor.pk:
            return member, None, _own_service_place(member)
        if member is not None and allowed(actor, "party.represent_claimant", member):
            return member, None, member
        raise NotFound(gettext("党员不存在或无权代为登记"))
    if unit_id and not member_id:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is not None and (
            unit.liaison_id == actor.pk or allowed(actor, "party.represent_claimant", unit)
        ):
            return None, unit, unit
        raise NotFound(gettext("单位不存在或无权代为登记"))
    if member_id and unit_id:
        raise ValidationFailed(
            gettext("服务人只能是一名党员或一个单位"), fields={"member_id": gettext("党员和单位只能选一个")}
        )
    members = list(PartyMember.objects.filter(user_id=actor.pk).select_related("unit__paired_grid")[:2])
    if len(members) == 1:
        return members[0], None, _own_service_place(members[0])
    units = list(Unit.objects.filter(liaison_id=actor.pk)[:2])
    if not members and len(units) == 1:
        return None, units[0], units[0]
    if allowed(actor, "party.represent_claimant"):
        raise field_error("member_id", gettext("请选择代为登记的党员或单位"))
    if members or units:
        raise field_error("member_id", gettext("您关联了多个党员或单位身份，请选择以谁的名义登记"))
    raise Forbidden(gettext("您不是党员或驻区单位联络人，不能登记服务记录"))


def _locked_record(actor: Actor, record_id: int) -> ServiceRecord:
    visible = service_record_list_for_actor(actor=actor).filter(pk=record_id).values_list("pk", flat=True)
    record = ServiceRecord.objects.select_for_update().filter(pk__in=list(visible)).first()
    if record is None:
        raise NotFound()
    return record


@transaction.atomic
def service_record_confirm(*, actor: Actor, record_id: int, rating: int | None = None) -> ServiceRecord:
    """Confirms a pending record; ``rating`` is the residents' rating (1–5) the community collected."""
    record = _locked_record(actor, record_id)
    _require_staff(
        actor, "party.confirm_servicerecord", record, gettext("只有服务所在社区的工作人员可以确认服务记录")
    )
    refuse_own_work(
        actor,
        server_users(member_id=record.member_id, unit_id=record.unit_id),
        what=gettext("确认本人的服务记录"),
    )
    if rating is not None and (not isinstance(rating, int) or not 1 <= rating <= 5):
        raise field_error("rating", gettext("群众评价应为1到5分"))
    old = record.status
    record.status = check_move(SERVICE_RECORD, "confirm", old)
    record.confirmed_by = actor  # type: ignore[assignment]
    fields = ["status", "confirmed_by", "updated_at"]
    if rating is not None:
        record.rating = rating
        fields.append("rating")
    record.save(update_fields=fields)
    audit_record(
        actor=actor,
        target=record,
        event="party.service_record_confirmed",
        data={"from": old, "to": record.status, "rating": rating},
    )
    return record


@transaction.atomic
def service_record_reject(*, actor: Actor, record_id: int, reason: str) -> ServiceRecord:
    record = _locked_record(actor, record_id)
    _require_staff(
        actor, "party.reject_servicerecord", record, gettext("只有服务所在社区的工作人员可以退回服务记录")
    )
    refuse_own_work(
        actor,
        server_users(member_id=record.member_id, unit_id=record.unit_id),
        what=gettext("退回本人的服务记录"),
    )
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", gettext("请填写不予确认的原因"))
    if len(reason) > 200:
        raise field_error("reason", gettext("原因不能超过200个字"))
    old = record.status
    record.status = check_move(SERVICE_RECORD, "reject", old)
    record.confirmed_by = actor  # type: ignore[assignment]
    record.save(update_fields=["status", "confirmed_by", "updated_at"])
    # The record has no column for the reason: the audit row carries it (see the timeline).
    audit_record(
        actor=actor,
        target=record,
        event="party.service_record_rejected",
        data={"from": old, "to": record.status, "reason": reason},
    )
    return record
