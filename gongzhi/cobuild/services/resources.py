"""Writes of the resources list: what units, in-service members, social organisations and volunteer teams
offer, registered by themselves or by the community's staff on their behalf."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import RESOURCE_CATEGORY_VALUES, ProviderKind, ResourceKind
from gongzhi.cobuild.models import Resource
from gongzhi.cobuild.selectors import resource_list_for_actor
from gongzhi.cobuild.services._validation import _point, _raise, _text, place_point
from gongzhi.core import ids
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed, require

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community


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

    staff = allowed(actor, "cobuild.manage_resource", community)
    if provider_kind == ProviderKind.UNIT:
        unit = Unit.objects.filter(pk=provider_id).first()
        if unit is None or not (
            unit.liaison_id == actor.pk or allowed(actor, "cobuild.manage_resource", unit)
        ):
            raise ValidationFailed(
                gettext("请选择本社区的驻区单位"),
                fields={"provider_id": gettext("驻区单位不存在或不在本社区")},
            )
        return {"unit": unit, "provider_name": unit.name}
    if provider_kind == ProviderKind.MEMBER:
        member = PartyMember.objects.filter(pk=provider_id).first()
        if member is None or not (staff or member.user_id == actor.pk):
            raise ValidationFailed(
                gettext("请选择在职党员"), fields={"provider_id": gettext("党员不存在或无权代为登记")}
            )
        return {"member": member, "provider_name": member.name}
    if provider_kind == ProviderKind.SOCIAL_ORGANIZATION:
        org = SocialOrganization.objects.filter(pk=provider_id).first()
        if org is None or not staff:
            raise ValidationFailed(
                gettext("请选择社会组织"), fields={"provider_id": gettext("社会组织不存在或无权代为登记")}
            )
        return {"social_organization": org, "provider_name": org.name}
    if provider_kind == ProviderKind.TEAM:
        team = VolunteerTeam.objects.filter(pk=provider_id).first()
        if team is None or not staff:
            raise ValidationFailed(
                gettext("请选择志愿服务队"), fields={"provider_id": gettext("志愿服务队不存在或无权代为登记")}
            )
        return {"team": team, "provider_name": team.name}
    raise ValidationFailed(
        gettext("提供方类型无法识别"), fields={"provider_kind": gettext("提供方类型无法识别")}
    )


def _clean_resource(data: ResourceInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "title": _text(errors, "title", data.title, gettext("资源名称"), 100, True),
        "description": _text(errors, "description", data.description, gettext("说明"), 2000, False),
        "schedule_note": _text(
            errors, "schedule_note", data.schedule_note, gettext("服务时间说明"), 100, False
        ),
        "contact_name": _text(errors, "contact_name", data.contact_name, gettext("联系人"), 50, False),
    }
    if data.kind not in ResourceKind.values:
        errors["kind"] = gettext("资源类型应为技能、服务、场地、资金或物资")
    cats = list(dict.fromkeys(c.strip() for c in data.categories if c and c.strip()))
    unknown = [c for c in cats if c not in RESOURCE_CATEGORY_VALUES]
    if not cats:
        errors["categories"] = gettext("请至少选择一个可服务类别")
    elif unknown:
        errors["categories"] = gettext("无法识别的类别：%(value)s") % {"value": "、".join(unknown)}
    if not isinstance(data.capacity, int) or not 1 <= data.capacity <= 10000:
        errors["capacity"] = gettext("可承接需求数应为1到10000之间的整数")
    if not isinstance(data.schedule, int) or not 0 <= data.schedule <= matching.ALL_SLOTS:
        errors["schedule"] = gettext("服务时段无法识别")
    if not 0 < float(data.radius_km) <= 100:
        errors["radius_km"] = gettext("服务半径应在0到100公里之间")
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
        raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("请选择社区")})
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
    require(
        actor,
        "cobuild.deactivate_resource",
        res,
        error=Forbidden(gettext("只有社区工作人员或提供方可以停用资源")),
    )
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
