"""Writes of the needs list and the resources list: one transaction, permission, one audit row each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import (
    CATEGORY_LABELS,
    RESOURCE_CATEGORY_VALUES,
    Frequency,
    NeedSource,
    NeedStatus,
    ProviderKind,
    ResourceKind,
    Urgency,
)
from gongzhi.cobuild.models import Need, Resource
from gongzhi.cobuild.selectors import can_manage, need_list_for_actor, resource_list_for_actor
from gongzhi.cobuild.transitions import NEED_MOVES, check_move
from gongzhi.core import ids
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community, Grid

GRID_ROLES = frozenset({Role.GRID_HEAD, Role.GRID_WORKER})


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, max_len: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = f"请填写{label}"
    elif len(value) > max_len:
        errors[name] = f"{label}不能超过{max_len}个字"
    return value


def _point(errors: dict[str, str], lng: float | None, lat: float | None) -> None:
    if (lng is None) != (lat is None):
        errors["lng"] = "经度和纬度需同时填写"
    elif lng is not None and lat is not None and not (73 <= lng <= 136 and 3 <= lat <= 54):
        errors["lng"] = "坐标不在中国境内，请检查经纬度"


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
        "title": _text(errors, "title", data.title, "需求名称", 100, True),
        "description": _text(errors, "description", data.description, "需求描述", 2000, False),
        "beneficiaries": _text(errors, "beneficiaries", data.beneficiaries, "受益对象", 200, False),
        "quantity_unit": _text(errors, "quantity_unit", data.quantity_unit, "数量单位", 16, False) or "次",
    }
    if data.category not in CATEGORY_LABELS:
        errors["category"] = "请选择需求类别"
    if data.frequency not in Frequency.values:
        errors["frequency"] = "频次无法识别"
    if data.urgency not in Urgency.values:
        errors["urgency"] = "紧急程度应为一般、较急或紧急"
    for name, label, value in (
        ("quantity", "数量", data.quantity),
        ("beneficiary_count", "受益人数", data.beneficiary_count),
    ):
        if not isinstance(value, int) or not 1 <= value <= 100000:
            errors[name] = f"{label}应为1到100000之间的整数"
    if not isinstance(data.schedule, int) or not 0 <= data.schedule <= matching.ALL_SLOTS:
        errors["schedule"] = "服务时段无法识别"
    if data.wanted_by is not None and data.wanted_by < timezone.localdate() - dt.timedelta(days=366):
        errors["wanted_by"] = "期望完成日期不能早于一年前"
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
            raise Forbidden("只有登记了住户的居民可以提出需求")
        return household.grid.community, household.grid
    grid = Grid.objects.select_related("community").filter(pk=grid_id).first() if grid_id else None
    community = grid.community if grid else Community.objects.filter(pk=community_id or 0).first()
    if community is None:
        raise ValidationFailed("请选择社区", fields={"community_id": "请选择社区"})
    target = grid or community
    if source == NeedSource.GRID_WORKER:
        if grid is None:
            raise ValidationFailed("网格员走访需求请选择网格", fields={"grid_id": "请选择网格"})
        if not (scope.superuser or scope.covers(grid, GRID_ROLES) or can_manage(actor, grid)):
            raise NotFound()
    elif source in (NeedSource.COMMUNITY, NeedSource.TICKET):
        if not can_manage(actor, target) and not scope.covers(target, GRID_ROLES):
            raise NotFound()
    else:
        raise ValidationFailed("需求来源无法识别", fields={"source": "需求来源无法识别"})
    return community, grid


def place_point(community: Community, grid: Grid | None = None) -> tuple[float | None, float | None]:
    """Where a row without its own coordinates sits: its grid's centre, else its community's."""
    if grid is not None and grid.center_lng is not None:
        return grid.center_lng, grid.center_lat
    cached = getattr(community, "_cobuild_point", None)
    if cached is not None:
        return cached
    point: tuple[float | None, float | None] = (None, None)
    if community.boundary:
        from gongzhi.places.geo import parse_boundary

        c = parse_boundary(community.boundary).centroid
        point = (c.x, c.y)
    else:
        from django.db.models import Avg

        from gongzhi.places.models import Grid as GridModel

        agg = GridModel.objects.filter(community=community, center_lng__isnull=False).aggregate(
            lng=Avg("center_lng"), lat=Avg("center_lat")
        )
        point = (agg["lng"], agg["lat"])
    community._cobuild_point = point  # type: ignore[attr-defined]
    return point


def _new_need(community: Community, grid: Grid | None, clean: dict[str, Any], **extra: Any) -> Need:
    need = Need(community=community, grid=grid, **clean, **extra)
    need.set_place_codes(grid_code=grid.code if grid else "", community_code=community.code)
    if need.lng is None:
        need.lng, need.lat = place_point(community, grid)
    return need


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
    if source == NeedSource.TICKET and not source_ticket_id:
        raise ValidationFailed("工单转入的需求需注明来源工单", fields={"source_ticket_id": "请注明来源工单"})
    if source_ticket_id and Need.objects.filter(source_ticket_id=source_ticket_id).exists():
        raise ValidationFailed(
            "该工单已转为需求，不能重复转入", fields={"source_ticket_id": "该工单已转为需求"}
        )
    community, grid = _place_for(actor, source, community_id, grid_id)
    clean = _clean_need(data)
    need = _new_need(
        community,
        grid,
        clean,
        source=source,
        source_ticket_id=source_ticket_id if source == NeedSource.TICKET else None,
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


def locked_need(actor: Actor, need_id: int) -> Need:
    visible = list(need_list_for_actor(actor=actor).filter(pk=need_id).values_list("pk", flat=True))
    need = Need.objects.select_for_update(of=("self",)).filter(pk__in=visible).first()
    if need is None:
        raise NotFound()
    return need


@transaction.atomic
def need_withdraw(*, actor: Actor, need_id: int, reason: str = "") -> Need:
    need = locked_need(actor, need_id)
    if not (can_manage(actor, need) or need.raised_by_id == actor.pk):
        raise Forbidden("只有提出人或社区工作人员可以撤回需求")
    if need.status == NeedStatus.MATCHED and need.project_links.exists():
        from gongzhi.cobuild.transitions import ACTIVE_PROJECT

        if need.project_links.filter(project__status__in=ACTIVE_PROJECT).exists():
            raise ValidationFailed("该需求已进入共建项目，请先取消项目再撤回", code="in_project")
    old = need.status
    check_move(NEED_MOVES, NeedStatus, old, NeedStatus.WITHDRAWN, "需求")
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
        if actor is not None and not can_manage(actor, row.community):
            raise NotFound()
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


@dataclass
class ResourceInput:
    title: str
    kind: str
    categories: Iterable[str] = field(default_factory=list)
    description: str = ""
    capacity: int = 1
    schedule: int = 0
    schedule_note: str = ""
    lng: float | None = None
    lat: float | None = None
    radius_km: float = 3.0
    area_codes: Iterable[str] = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""


def _provider(actor: Actor, community: Community, provider_kind: str, provider_id: int) -> dict[str, Any]:
    """The provider row and its name; staff register on anyone's behalf, a liaison for their unit, a member
    for themselves."""
    from gongzhi.party.models import PartyMember, Unit
    from gongzhi.volunteers.models import SocialOrganization, VolunteerTeam

    staff = can_manage(actor, community)
    if provider_kind == ProviderKind.UNIT:
        unit = Unit.objects.filter(pk=provider_id).first()
        if unit is None or not (unit.liaison_id == actor.pk or can_manage(actor, unit)):
            raise ValidationFailed(
                "请选择本社区的驻区单位", fields={"provider_id": "驻区单位不存在或不在本社区"}
            )
        return {"unit": unit, "provider_name": unit.name}
    if provider_kind == ProviderKind.MEMBER:
        member = PartyMember.objects.filter(pk=provider_id).first()
        if member is None or not (staff or member.user_id == actor.pk):
            raise ValidationFailed("请选择在职党员", fields={"provider_id": "党员不存在或无权代为登记"})
        return {"member": member, "provider_name": member.name}
    if provider_kind == ProviderKind.SOCIAL_ORGANIZATION:
        org = SocialOrganization.objects.filter(pk=provider_id).first()
        if org is None or not staff:
            raise ValidationFailed("请选择社会组织", fields={"provider_id": "社会组织不存在或无权代为登记"})
        return {"social_organization": org, "provider_name": org.name}
    if provider_kind == ProviderKind.TEAM:
        team = VolunteerTeam.objects.filter(pk=provider_id).first()
        if team is None or not staff:
            raise ValidationFailed(
                "请选择志愿服务队", fields={"provider_id": "志愿服务队不存在或无权代为登记"}
            )
        return {"team": team, "provider_name": team.name}
    raise ValidationFailed("提供方类型无法识别", fields={"provider_kind": "提供方类型无法识别"})


def _clean_resource(data: ResourceInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "title": _text(errors, "title", data.title, "资源名称", 100, True),
        "description": _text(errors, "description", data.description, "说明", 2000, False),
        "schedule_note": _text(errors, "schedule_note", data.schedule_note, "服务时间说明", 100, False),
        "contact_name": _text(errors, "contact_name", data.contact_name, "联系人", 50, False),
    }
    if data.kind not in ResourceKind.values:
        errors["kind"] = "资源类型应为技能、服务、场地、资金或物资"
    cats = list(dict.fromkeys(c.strip() for c in data.categories if c and c.strip()))
    unknown = [c for c in cats if c not in RESOURCE_CATEGORY_VALUES]
    if not cats:
        errors["categories"] = "请至少选择一个可服务类别"
    elif unknown:
        errors["categories"] = f"无法识别的类别：{'、'.join(unknown)}"
    if not isinstance(data.capacity, int) or not 1 <= data.capacity <= 10000:
        errors["capacity"] = "可承接需求数应为1到10000之间的整数"
    if not isinstance(data.schedule, int) or not 0 <= data.schedule <= matching.ALL_SLOTS:
        errors["schedule"] = "服务时段无法识别"
    if not 0 < float(data.radius_km) <= 100:
        errors["radius_km"] = "服务半径应在0到100公里之间"
    _point(errors, data.lng, data.lat)
    phone = None
    if (data.contact_phone or "").strip():
        try:
            phone = ids.Protected.of_phone(ids.normalise_phone(data.contact_phone, "contact_phone"))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    _raise(errors)
    out.update(
        kind=data.kind,
        categories=cats,
        capacity=data.capacity,
        schedule=data.schedule,
        lng=data.lng,
        lat=data.lat,
        radius_km=float(data.radius_km),
        area_codes=sorted({c for c in data.area_codes if c}),
    )
    if phone is not None:
        out.update(
            contact_phone_encrypted=phone.encrypted,
            contact_phone_hash=phone.hash,
            contact_phone_masked=phone.masked,
        )
    return out


def _new_resource(
    community: Community, provider_kind: str, provider: dict[str, Any], clean: dict[str, Any]
) -> Resource:
    res = Resource(community=community, provider_kind=provider_kind, **provider, **clean)
    res.set_place_codes(community_code=community.code)
    if res.lng is None:
        res.lng, res.lat = place_point(community)
    return res


@transaction.atomic
def resource_register(
    *, actor: Actor, community_id: int, provider_kind: str, provider_id: int, data: ResourceInput
) -> Resource:
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise ValidationFailed("请选择社区", fields={"community_id": "请选择社区"})
    provider = _provider(actor, community, provider_kind, provider_id)
    res = _new_resource(community, provider_kind, provider, _clean_resource(data))
    res.save()
    audit_record(
        actor=actor,
        target=res,
        event="cobuild.resource_registered",
        data={
            "kind": res.kind,
            "provider": provider_kind,
            "provider_name": res.provider_name,
            "capacity": res.capacity,
        },
    )
    return res


@transaction.atomic
def resource_deactivate(*, actor: Actor, resource_id: int) -> Resource:
    visible = list(resource_list_for_actor(actor=actor).filter(pk=resource_id).values_list("pk", flat=True))
    res = Resource.objects.select_for_update(of=("self",)).filter(pk__in=visible).first()
    if res is None:
        raise NotFound()
    if not (can_manage(actor, res) or (res.unit is not None and res.unit.liaison_id == actor.pk)):
        raise Forbidden("只有社区工作人员或提供方可以停用资源")
    res.active = False
    res.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=res, event="cobuild.resource_deactivated", data={})
    return res


@dataclass
class ResourceRow:
    community: Any
    provider_kind: str
    provider: dict[str, Any]
    data: ResourceInput


@transaction.atomic
def resources_bulk_register(*, actor: Actor | None, rows: list[ResourceRow]) -> list[Resource]:
    """A batch of resources registered by staff (demo district, imports): one audit row per batch."""
    if not rows:
        return []
    out = [_new_resource(r.community, r.provider_kind, {**r.provider}, _clean_resource(r.data)) for r in rows]
    Resource.objects.bulk_create(out, batch_size=500)
    audit_record(
        actor=actor, target=out[0].community, event="cobuild.resources_imported", data={"count": len(out)}
    )
    return out


def resource_point(res: Resource, remaining: int) -> matching.ResourcePoint:
    return matching.ResourcePoint(
        id=res.pk,
        categories=frozenset(res.categories),
        community_code=res.community_code,
        lng=res.lng,
        lat=res.lat,
        radius_km=res.radius_km,
        schedule=res.schedule,
        capacity=remaining,
        area_communities=frozenset(res.area_codes),
    )


def need_point(need: Need) -> matching.NeedPoint:
    return matching.NeedPoint(
        id=need.pk,
        category=need.category,
        community_code=need.community_code,
        lng=need.lng,
        lat=need.lat,
        schedule=need.schedule,
    )


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
            "该工单尚未落到社区，请先确定问题所在的社区", fields={"ticket_id": "工单尚无所属社区"}
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
