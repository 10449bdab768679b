"""Councils and their members: set up per community (or estate, or village), a joint meeting (联席会议)
for an estate that the property app convenes, members by category."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.councils.enums import CouncilKind, CouncilPattern, MemberCategory
from gongzhi.councils.models import Council, CouncilMember
from gongzhi.councils.selectors import council_get_for_actor
from gongzhi.councils.services._common import _locked, _raise_errors, _text, _user_id

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@dataclass
class CouncilInput:
    name: str
    kind: str = CouncilKind.COMMUNITY
    pattern: str = CouncilPattern.SIX_PLUS_X
    description: str = ""
    term_start: dt.date | None = None
    term_end: dt.date | None = None


@dataclass
class MemberInput:
    name: str
    category: str
    organization: str = ""
    title: str = ""
    phone: str = ""
    user_id: int | None = None


def _clean_council(data: CouncilInput) -> dict:
    errors: dict[str, str] = {}
    out = {
        "name": _text(errors, "name", data.name, "名称", 100, True),
        "description": _text(errors, "description", data.description, "议事规则", 2000, False),
        "kind": data.kind,
        "pattern": data.pattern,
        "term_start": data.term_start,
        "term_end": data.term_end,
    }
    if data.kind not in CouncilKind.values:
        errors["kind"] = "议事会类型无法识别"
    if data.pattern not in CouncilPattern.values:
        errors["pattern"] = "议事模式应为6+X、1+X+1或自定义"
    if data.term_start and data.term_end and data.term_end <= data.term_start:
        errors["term_end"] = "任期结束应晚于任期开始"
    _raise_errors(errors)
    return out


@transaction.atomic
def council_create(
    *, actor: Actor | None, community_id: int, data: CouncilInput, estate_id: int | None = None
) -> Council:
    """A council of a community, or of one of its estates (``estate_id``; a joint meeting names one)."""
    from gongzhi.places.models import Community, Estate

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise ValidationFailed("请选择社区", fields={"community_id": "请选择社区"})
    probe = Council(community=community)
    probe.set_place_codes(community_code=community.code)
    require(actor, "councils.manage_council", probe)
    clean = _clean_council(data)
    estate = None
    if estate_id:
        estate = Estate.objects.filter(pk=estate_id, community=community).first()
        if estate is None:
            raise ValidationFailed("小区不在该社区", fields={"estate_id": "小区不在该社区"})
    elif data.kind in (CouncilKind.ESTATE, CouncilKind.JOINT_MEETING):
        raise ValidationFailed("小区议事会和联席会议需选择小区", fields={"estate_id": "请选择小区"})
    council = Council(community=community, estate=estate, created_by_id=_user_id(actor), **clean)
    council.set_place_codes(community_code=community.code)
    council.save()
    audit_record(actor=actor, target=council, event="councils.council_created", data={"kind": council.kind})
    return council


@transaction.atomic
def council_update(
    *, actor: Actor | None, council_id: int, data: CouncilInput, active: bool = True
) -> Council:
    council = _locked(Council, council_get_for_actor(actor=actor, council_id=council_id))
    require(actor, "councils.manage_council", council)
    clean = _clean_council(data)
    for key, value in clean.items():
        setattr(council, key, value)
    council.active = active
    council.save(update_fields=[*clean, "active", "updated_at"])
    audit_record(actor=actor, target=council, event="councils.council_updated", data={"active": active})
    return council


@transaction.atomic
def council_member_add(*, actor: Actor | None, council_id: int, data: MemberInput) -> CouncilMember:
    council = council_get_for_actor(actor=actor, council_id=council_id)
    require(actor, "councils.manage_council", council)
    errors: dict[str, str] = {}
    name = _text(errors, "name", data.name, "姓名", 50, True)
    organization = _text(errors, "organization", data.organization, "单位/身份", 100, False)
    title = _text(errors, "title", data.title, "职务", 50, False)
    if data.category not in MemberCategory.values:
        errors["category"] = "请选择成员类别"
    phone = (data.phone or "").strip()
    if phone:
        try:
            phone = ids.normalise_phone(phone)
        except ValidationFailed as exc:
            errors["phone"] = exc.message
    _raise_errors(errors)
    user = None
    if data.user_id:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=data.user_id, is_active=True).first()
        if user is None:
            raise ValidationFailed("账号不存在", fields={"user_id": "账号不存在"})
    member = CouncilMember.objects.create(
        council=council,
        category=data.category,
        name=name,
        organization=organization,
        title=title,
        user=user,
        phone_masked=ids.mask_phone(phone) if phone else "",
        phone_encrypted=ids.encrypt(phone) if phone else "",
    )
    audit_record(
        actor=actor,
        target=council,
        event="councils.member_added",
        data={"member": member.pk, "category": member.category},
    )
    return member


@transaction.atomic
def council_member_retire(*, actor: Actor | None, member_id: int) -> CouncilMember:
    member = CouncilMember.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound("成员不存在")
    council = council_get_for_actor(actor=actor, council_id=member.council_id)
    require(actor, "councils.manage_council", council)
    member.active = False
    member.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=council, event="councils.member_retired", data={"member": member.pk})
    return member
