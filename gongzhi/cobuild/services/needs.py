"""Writes of the needs list: one transaction, permission, one audit row each; a ticket that is a request
joins the list (``need_from_ticket``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import (
    CATEGORY_LABELS,
    Frequency,
    NeedSource,
    NeedStatus,
    Urgency,
)
from gongzhi.cobuild.models import Need
from gongzhi.cobuild.selectors import need_list_for_actor
from gongzhi.cobuild.services._validation import _point, _raise, _text, place_point
from gongzhi.cobuild.transitions import ACTIVE_PROJECT, NEED
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community, Grid


@dataclass
class NeedInput:
    title: str
    category: str
    description: str = ""
    micro_wish: bool = False
    beneficiaries: str = ""
    beneficiary_count: int = 1
    quantity: int = 1
    quantity_unit: str = "次"
    frequency: str = Frequency.ONCE
    schedule: int = 0
    urgency: str = Urgency.NORMAL
    wanted_by: dt.date | None = None
    lng: float | None = None
    lat: float | None = None


def _clean_need(data: NeedInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "title": _text(errors, "title", data.title, gettext("需求名称"), 100, True),
        "description": _text(errors, "description", data.description, gettext("需求描述"), 2000, False),
        "beneficiaries": _text(errors, "beneficiaries", data.beneficiaries, gettext("受益对象"), 200, False),
        "quantity_unit": _text(errors, "quantity_unit", data.quantity_unit, gettext("数量单位"), 16, False)
        or "次",
    }
    if data.category not in CATEGORY_LABELS:
        errors["category"] = gettext("请选择需求类别")
    if data.frequency not in Frequency.values:
        errors["frequency"] = gettext("频次无法识别")
    if data.urgency not in Urgency.values:
        errors["urgency"] = gettext("紧急程度应为一般、较急或紧急")
    for name, label, value in (
        ("quantity", "数量", data.quantity),
        ("beneficiary_count", "受益人数", data.beneficiary_count),
    ):
        if not isinstance(value, int) or not 1 <= value <= 100000:
            errors[name] = gettext("%(label)s应为1到100000之间的整数") % {"label": label}
    if not isinstance(data.schedule, int) or not 0 <= data.schedule <= matching.ALL_SLOTS:
        errors["schedule"] = gettext("服务时段无法识别")
    if data.wanted_by is not None and data.wanted_by < timezone.localdate() - dt.timedelta(days=366):
        errors["wanted_by"] = gettext("期望完成日期不能早于一年前")
    _point(errors, data.lng, data.lat)
    _raise(errors)
    out.update(
        category=data.category,
        micro_wish=bool(data.micro_wish),
        beneficiary_count=data.beneficiary_count,
        quantity=data.quantity,
        frequency=data.frequency,
        schedule=data.schedule,
        urgency=data.urgency,
        wanted_by=data.wanted_by,
        lng=data.lng,
        lat=data.lat,
    )
    return out


def _place_for(
    actor: Actor, source: str, community_id: int | None, grid_id: int | None
) -> tuple[Community, Grid | None]:
    """Where the need belongs, and whether this actor may raise it there with this source."""
    from gongzhi.places.models import Community, Grid, Household

    scope = scope_of(actor)
    if source == NeedSource.RESIDENT:
        household = (
            Household.objects.filter(pk__in=sorted(scope.household_ids)).select_related("grid").first()
        )
        if household is None:
            raise Forbidden(gettext("只有登记了住户的居民可以提出需求"))
        return household.grid.community, household.grid
    grid = Grid.objects.select_related("community").filter(pk=grid_id).first() if grid_id else None
    community = grid.community if grid else Community.objects.filter(pk=community_id or 0).first()
    if community is None:
        raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("请选择社区")})
    target = grid or community
    if source == NeedSource.GRID_WORKER:
        if grid is None:
            raise ValidationFailed(
                gettext("网格员走访需求请选择网格"), fields={"grid_id": gettext("请选择网格")}
            )
        require(actor, "cobuild.raise_need", grid)
    elif source in (NeedSource.COMMUNITY, NeedSource.TICKET):
        require(actor, "cobuild.raise_need", target)
    else:
        raise ValidationFailed(gettext("需求来源无法识别"), fields={"source": gettext("需求来源无法识别")})
    return community, grid


def _new_need(community: Community, grid: Grid | None, clean: dict[str, Any], **extra: Any) -> Need:
    need = Need(community=community, grid=grid, **clean, **extra)
    need.set_place_codes(grid_code=grid.code if grid else "", community_code=community.code)
    if need.lng is None:
        need.lng, need.lat = place_point(community, grid)
    return need


def _check_source_ticket(actor: Actor, ticket_id: int) -> None:
    """The ticket a need comes from: one the actor may read (the tickets' scoped selector), not yet a need.
    A ticket that does not exist and one outside the actor's scope get the same answer, so that the field
    tells nothing about tickets the actor cannot see; only a visible ticket is told to be a need already."""
    from gongzhi.tickets.selectors.tickets import ticket_get_for_actor

    try:
        ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
    except NotFound:
        raise ValidationFailed(
            gettext("来源工单不存在或无权查看"), fields={"source_ticket_id": gettext("工单不存在或无权查看")}
        ) from None
    if Need.objects.filter(source_ticket_id=ticket_id).exists():
        raise ValidationFailed(
            gettext("该工单已转为需求，不能重复转入"),
            fields={"source_ticket_id": gettext("该工单已转为需求")},
        )


@transaction.atomic
def need_raise(
    *,
    actor: Actor,
    data: NeedInput,
    source: str,
    community_id: int | None = None,
    grid_id: int | None = None,
    source_ticket_id: int | None = None,
) -> Need:
    """A resident on the H5 page (their household's grid), a grid worker after a visit (their grid),
    the community, or a ticket that is a request rather than a fault (``source_ticket_id``)."""
    if source != NeedSource.TICKET:
        source_ticket_id = None  # only a need from a ticket names one; never looked up otherwise
    elif not source_ticket_id:
        raise ValidationFailed(
            gettext("工单转入的需求需注明来源工单"), fields={"source_ticket_id": gettext("请注明来源工单")}
        )
    else:
        _check_source_ticket(actor, source_ticket_id)
    community, grid = _place_for(actor, source, community_id, grid_id)
    clean = _clean_need(data)
    need = _new_need(
        community,
        grid,
        clean,
        source=source,
        source_ticket_id=source_ticket_id,
        raised_by=actor if actor.is_authenticated else None,
    )
    need.save()
    audit_record(
        actor=actor,
        target=need,
        event="cobuild.need_raised",
        data={
            "source": source,
            "category": need.category,
            "micro_wish": need.micro_wish,
            "ticket": source_ticket_id,
        },
    )
    return need


def _locked_need(actor: Actor, need_id: int) -> Need:
    visible = list(need_list_for_actor(actor=actor).filter(pk=need_id).values_list("pk", flat=True))
    need = Need.objects.select_for_update(of=("self",)).filter(pk__in=visible).first()
    if need is None:
        raise NotFound()
    return need


@transaction.atomic
def need_withdraw(*, actor: Actor, need_id: int, reason: str = "") -> Need:
    need = _locked_need(actor, need_id)
    require(
        actor, "cobuild.withdraw_need", need, error=Forbidden(gettext("只有提出人或社区工作人员可以撤回需求"))
    )
    if (
        need.status == NeedStatus.MATCHED
        and need.project_links.exists()
        and need.project_links.filter(project__status__in=ACTIVE_PROJECT).exists()
    ):
        raise ValidationFailed(gettext("该需求已进入共建项目，请先取消项目再撤回"), code="in_project")
    old = need.status
    check_move(NEED, NeedStatus.WITHDRAWN, old)
    need.status = NeedStatus.WITHDRAWN
    need.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=need,
        event="cobuild.need_withdrawn",
        data={"from": old, "reason": (reason or "")[:200]},
    )
    return need


@dataclass
class NeedRow:
    """One need of a bulk batch (demo district, imports)."""

    community: Any
    data: NeedInput
    source: str = NeedSource.COMMUNITY
    grid: Any = None


@transaction.atomic
def needs_bulk_raise(*, actor: Actor | None, rows: list[NeedRow]) -> list[Need]:
    """A batch of needs of one place raised by its staff: one transaction and one audit row."""
    if not rows:
        return []
    out = []
    for row in rows:
        require(actor, "cobuild.manage_need", row.community)
        need = _new_need(row.community, row.grid, _clean_need(row.data), source=row.source, raised_by=actor)
        out.append(need)
    Need.objects.bulk_create(out, batch_size=500)
    audit_record(
        actor=actor,
        target=out[0].community,
        event="cobuild.needs_imported",
        data={"count": len(out), "first": out[0].pk, "last": out[-1].pk},
    )
    return out


# --- resources ------------------------------------------------------------------------------------


@transaction.atomic
def need_from_ticket(*, actor: Actor, ticket_id: int, title: str, category: str, note: str = "") -> Need:
    """A ticket that is a request rather than a fault (a resident asking for help, not reporting a broken
    thing) leaves the ticket loop and joins the needs list: the ticket is closed as 不予受理 with the need's
    number as the reason the reporter reads, and the need keeps the ticket's place and description.
    One transaction: both or neither."""
    from gongzhi.places.models import Community, Grid
    from gongzhi.tickets.selectors.tickets import ticket_get_for_actor
    from gongzhi.tickets.services import ticket_decline

    ticket = ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
    grid = Grid.objects.filter(code=ticket.grid_code).first() if ticket.grid_code else None
    community = (
        Community.objects.filter(code=ticket.community_code).first() if ticket.community_code else None
    )
    if community is None:
        raise ValidationFailed(
            gettext("该工单尚未落到社区，请先确定问题所在的社区"),
            fields={"ticket_id": gettext("工单尚无所属社区")},
        )
    need = need_raise(
        actor=actor,
        data=NeedInput(
            title=title or ticket.title,
            category=category,
            description=ticket.description + (f"\n（{note}）" if note else ""),
            lng=ticket.lng,
            lat=ticket.lat,
        ),
        source=NeedSource.TICKET,
        community_id=community.pk,
        grid_id=grid.pk if grid else None,
        source_ticket_id=ticket.pk,
    )
    ticket_decline(
        actor=actor,
        ticket_id=ticket.pk,
        reason=f"属于居民服务需求，已转入{community.name}居民需求清单（需求编号{need.pk}），由社区对接资源办理",
    )
    return need
