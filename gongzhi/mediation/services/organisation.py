"""Committees, professional teams, rooms and mediators (and the legal-service staff among them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.mediation.enums import ROOM_STANDARD_KEYS, CommitteeLevel, MediatorKind
from gongzhi.mediation.models import Committee, Mediator, Room
from gongzhi.mediation.services._validation import clean_text, clean_venue, raise_if

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place(community_code: str, subdistrict_code: str) -> Committee:
    """An unsaved committee carrying the place codes (the permission asks over them)."""
    probe = Committee()
    if community_code:
        probe.set_place_codes(community_code=community_code)
    else:
        probe.community_code, probe.grid_code = "", ""
        probe.subdistrict_code = subdistrict_code
        probe.district_code = subdistrict_code[:6]
    return probe


@transaction.atomic
def committee_create(
    *,
    actor: Actor | None,
    name: str,
    short_name: str,
    level: str,
    community_id: int | None = None,
    subdistrict_id: int | None = None,
    speciality: str = "",
    chair: str = "",
) -> Committee:
    """A community (village) committee, a subdistrict committee, or a professional team of a subdistrict."""
    from gongzhi.places.models import Community, Subdistrict

    errors: dict[str, str] = {}
    name = clean_text(errors, "name", name, "名称", max_length=100)
    short_name = clean_text(errors, "short_name", short_name, "简称", max_length=20)
    speciality = clean_text(
        errors,
        "speciality",
        speciality,
        "专业领域",
        max_length=50,
        required=level == CommitteeLevel.PROFESSIONAL,
    )
    chair = clean_text(errors, "chair", chair, "主任", max_length=50, required=False)
    if level not in CommitteeLevel.values:
        errors["level"] = "请选择调委会层级"
    if level == CommitteeLevel.COMMUNITY:
        community = Community.objects.filter(pk=community_id or 0).select_related("subdistrict").first()
        if community is None:
            raise NotFound("社区不存在")
        probe = _place(community.code, community.subdistrict.code)
    else:
        subdistrict = Subdistrict.objects.filter(pk=subdistrict_id or 0).first()
        if subdistrict is None:
            raise NotFound("街道不存在")
        probe = _place("", subdistrict.code)
    require(actor, "mediation.manage_committee", probe)
    raise_if(errors)
    if Committee.objects.filter(district_code=probe.district_code, name=name).exists():
        raise field_error("name", "本区已有同名调委会", code="duplicate")
    committee = Committee.objects.create(
        name=name,
        short_name=short_name,
        level=level,
        speciality=speciality,
        chair=chair,
        district_code=probe.district_code,
        subdistrict_code=probe.subdistrict_code,
        community_code=probe.community_code,
        grid_code="",
    )
    audit_record(actor=actor, target=committee, event="mediation.committee_created", data={"level": level})
    return committee


def _committee(actor: Actor | None, committee_id: int, perm: str) -> Committee:
    committee = Committee.objects.select_for_update().filter(pk=committee_id).first()
    if committee is None:
        raise NotFound("调委会不存在或无权查看")
    require(actor, perm, committee)
    return committee


def _copy_place(row: Mediator | Room, committee: Committee) -> None:
    row.district_code, row.subdistrict_code = committee.district_code, committee.subdistrict_code
    row.community_code, row.grid_code = committee.community_code, ""


@transaction.atomic
def mediator_add(
    *,
    actor: Actor | None,
    committee_id: int,
    name: str,
    kind: str,
    speciality: str = "",
    in_pool: bool = True,
    legal_service: bool = False,
    user_id: int | None = None,
    username: str = "",
) -> Mediator:
    """A mediator by name (with speciality), or from an existing account (``username``; the name defaults to
    the account's display name): that account then handles the cases it is assigned to."""
    from django.contrib.auth import get_user_model

    committee = _committee(actor, committee_id, "mediation.manage_committee")
    errors: dict[str, str] = {}
    username = str(username or "").strip()
    if username:
        account = get_user_model().objects.filter(username=username, is_active=True).first()
        if account is None:
            errors["username"] = f"没有启用的账号“{username[:30]}”"
        else:
            user_id = account.pk
            name = name or getattr(account, "display_name", "") or account.get_username()
    if not committee.active:
        raise Conflict("调委会已停用，不能登记调解员", code="inactive")
    name = clean_text(errors, "name", name, "姓名", max_length=50)
    speciality = clean_text(errors, "speciality", speciality, "擅长领域", max_length=100, required=False)
    if kind not in MediatorKind.values:
        errors["kind"] = "请选择调解员身份"
    raise_if(errors)
    mediator = Mediator(
        committee=committee,
        name=name,
        kind=kind,
        speciality=speciality,
        in_pool=bool(in_pool),
        legal_service=bool(legal_service) or kind in (MediatorKind.LAWYER, MediatorKind.LEGAL_STAFF),
        user_id=user_id,
    )
    _copy_place(mediator, committee)
    mediator.save()
    audit_record(actor=actor, target=mediator, event="mediation.mediator_added", data={"kind": kind})
    return mediator


@transaction.atomic
def room_create(
    *,
    actor: Actor | None,
    committee_id: int,
    name: str,
    place: str,
    hours: str,
    standards: list[str] | None = None,
    venue_id: int | None = None,
) -> Room:
    """A room; ``venue_id`` names it in the venues register (服务阵地, e.g. the community's 调解室), whose
    address is the room's place when none is written."""
    committee = _committee(actor, committee_id, "mediation.manage_committee")
    if not committee.active:
        raise Conflict("调委会已停用，不能设立调解室", code="inactive")
    errors: dict[str, str] = {}
    venue = clean_venue(errors, "venue_id", venue_id, committee)
    name = clean_text(errors, "name", name, "调解室名称", max_length=100)
    place = clean_text(errors, "place", place or (venue.address if venue else ""), "地点", max_length=200)
    hours = clean_text(errors, "hours", hours, "接待时间", max_length=100)
    chosen = list(dict.fromkeys(standards or []))
    if set(chosen) - ROOM_STANDARD_KEYS:
        errors["standards"] = "无法识别的规范化建设项目"
    raise_if(errors)
    room = Room(committee=committee, name=name, place=place, hours=hours, standards=chosen, venue=venue)
    _copy_place(room, committee)
    room.save()
    audit_record(actor=actor, target=room, event="mediation.room_created", data={"standards": chosen})
    return room


@transaction.atomic
def committee_update(
    *,
    actor: Actor | None,
    committee_id: int,
    name: str,
    short_name: str,
    speciality: str = "",
    chair: str = "",
) -> Committee:
    """Rename a committee, change its short name (used in new case numbers), speciality or chair; its
    level and place stay."""
    committee = _committee(actor, committee_id, "mediation.manage_committee")
    errors: dict[str, str] = {}
    name = clean_text(errors, "name", name, "名称", max_length=100)
    short_name = clean_text(errors, "short_name", short_name, "简称", max_length=20)
    speciality = clean_text(
        errors,
        "speciality",
        speciality,
        "专业领域",
        max_length=50,
        required=committee.level == CommitteeLevel.PROFESSIONAL,
    )
    chair = clean_text(errors, "chair", chair, "主任", max_length=50, required=False)
    raise_if(errors)
    if (
        Committee.objects.filter(district_code=committee.district_code, name=name)
        .exclude(pk=committee.pk)
        .exists()
    ):
        raise field_error("name", "本区已有同名调委会", code="duplicate")
    changed = {
        k: v
        for k, v in (("name", name), ("short_name", short_name), ("speciality", speciality), ("chair", chair))
        if getattr(committee, k) != v
    }
    for k, v in changed.items():
        setattr(committee, k, v)
    committee.save(update_fields=[*changed, "updated_at"] if changed else ["updated_at"])
    audit_record(
        actor=actor, target=committee, event="mediation.committee_updated", data={"fields": sorted(changed)}
    )
    return committee


@transaction.atomic
def committee_deactivate(*, actor: Actor | None, committee_id: int) -> Committee:
    """停用: no new cases or rooms; its cases, registers and mediators stay on record."""
    committee = _committee(actor, committee_id, "mediation.manage_committee")
    if not committee.active:
        raise Conflict("调委会已停用", code="inactive")
    committee.active = False
    committee.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=committee, event="mediation.committee_deactivated")
    return committee


@transaction.atomic
def room_update(
    *,
    actor: Actor | None,
    room_id: int,
    name: str,
    place: str,
    hours: str,
    standards: list[str] | None = None,
    venue_id: int | None = None,
) -> Room:
    """A room's name, place, hours, the standards (四有、四上墙) it now meets and its service venue."""
    room = Room.objects.select_for_update().select_related("committee").filter(pk=room_id).first()
    if room is None:
        raise NotFound("调解室不存在或无权查看")
    require(actor, "mediation.manage_committee", room.committee)
    errors: dict[str, str] = {}
    venue = clean_venue(errors, "venue_id", venue_id, room.committee)
    name = clean_text(errors, "name", name, "调解室名称", max_length=100)
    place = clean_text(errors, "place", place or (venue.address if venue else ""), "地点", max_length=200)
    hours = clean_text(errors, "hours", hours, "接待时间", max_length=100)
    chosen = list(dict.fromkeys(standards or []))
    if set(chosen) - ROOM_STANDARD_KEYS:
        errors["standards"] = "无法识别的规范化建设项目"
    raise_if(errors)
    room.name, room.place, room.hours, room.standards, room.venue = name, place, hours, chosen, venue
    room.save(update_fields=["name", "place", "hours", "standards", "venue", "updated_at"])
    audit_record(actor=actor, target=room, event="mediation.room_updated", data={"standards": chosen})
    return room


@transaction.atomic
def mediator_deactivate(*, actor: Actor | None, mediator_id: int) -> Mediator:
    """离岗: off the committee's list and the public pool; the cases they mediated keep their name."""
    mediator = Mediator.objects.select_for_update().select_related("committee").filter(pk=mediator_id).first()
    if mediator is None:
        raise NotFound("调解员不存在或无权查看")
    require(actor, "mediation.manage_committee", mediator.committee)
    if not mediator.active:
        raise Conflict("调解员已离岗", code="inactive")
    mediator.active = False
    mediator.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=mediator, event="mediation.mediator_deactivated")
    return mediator
