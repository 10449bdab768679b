"""Social organisations, volunteer teams, volunteers' profiles and team membership: the writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import allowed, require
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import SKILL_VALUES, SKILLS
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import MembershipRole, MembershipStatus, OwnerKind
from gongzhi.volunteers.models import SocialOrganization, TeamMembership, Volunteer, VolunteerTeam
from gongzhi.volunteers.selectors.scope import own_volunteer_id
from gongzhi.volunteers.selectors.teams import team_list_for_actor
from gongzhi.volunteers.services.hours import PATTERNS

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community

SKILL_LABELS = {k: str(v) for k, v in SKILLS}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def skill_labels(skills: Iterable[str]) -> list[str]:
    return [SKILL_LABELS.get(s, s) for s in skills]


def clean_skills(skills: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(s.strip() for s in skills if s and s.strip()))
    unknown = [s for s in out if s not in SKILL_VALUES]
    if unknown:
        raise field_error("skills", gettext("无法识别的特长类别：%(value)s") % {"value": "、".join(unknown)})
    return out


def clean_availability(pattern: str, windows: Iterable[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """A preset ("678") or weekly windows {weekday 0–6, start, end "HH:MM"}, start before end."""
    pattern = (pattern or "").strip()
    if pattern:
        if pattern not in PATTERNS:
            raise field_error(
                "availability_pattern",
                gettext("服务时间模式只能为“678”（周六、周日及工作日8小时以外）或留空"),
            )
        return pattern, [dict(w) for w in PATTERNS[pattern]]
    out: list[dict[str, Any]] = []
    for n, w in enumerate(windows, start=1):
        day, start, end = w.get("weekday"), str(w.get("start", "")), str(w.get("end", ""))
        if not isinstance(day, int) or not 0 <= day <= 6:
            raise field_error(
                "availability", gettext("第%(n)s个时间段：星期应为0（周一）到6（周日）") % {"n": n}
            )
        if not _TIME.match(start) or not _TIME.match(end):
            raise field_error("availability", gettext("第%(n)s个时间段：时间格式应为“HH:MM”") % {"n": n})
        if end <= start:
            raise field_error("availability", gettext("第%(n)s个时间段：结束时间应晚于开始时间") % {"n": n})
        out.append({"weekday": day, "start": start, "end": end})
    return "", out


def _community(actor: Actor, community_id: int) -> Community:
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None or not (scope_of(actor).superuser or scope_of(actor).covers(community)):
        raise NotFound(gettext("社区不存在或无权查看"))
    return community


def _clean_name(value: str, field: str, label: str, limit: int = 100) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, gettext("请填写%(label)s") % {"label": label})
    if len(value) > limit:
        raise field_error(field, gettext("%(label)s不能超过%(limit)s个字") % {"label": label, "limit": limit})
    return value


# --- social organisations ---------------------------------------------------------------------------


@transaction.atomic
def social_organization_create(
    *,
    actor: Actor,
    community_id: int,
    name: str,
    uscc: str = "",
    field_of_service: str = "",
    contact_name: str = "",
    description: str = "",
) -> SocialOrganization:
    from stdnum.cn import uscc as uscc_std
    from stdnum.exceptions import ValidationError as StdnumError

    community = _community(actor, community_id)
    require(
        actor,
        "volunteers.add_socialorganization",
        community,
        error=Forbidden(gettext("只有本社区工作人员可以登记社会组织")),
    )
    name = _clean_name(name, "name", gettext("名称"))
    code = (uscc or "").strip().upper()
    if code:
        try:
            code = uscc_std.validate(code)
        except StdnumError:
            raise field_error("uscc", gettext("统一社会信用代码格式不正确")) from None
        if SocialOrganization.objects.filter(uscc=code).exists():
            raise field_error("uscc", gettext("该统一社会信用代码已登记"), code="duplicate")
    org = SocialOrganization(
        name=name,
        uscc=code,
        community=community,
        field_of_service=(field_of_service or "").strip()[:100],
        contact_name=(contact_name or "").strip()[:50],
        description=(description or "").strip(),
    )
    org.set_place_codes(community_code=community.code)
    org.save()
    audit_record(
        actor=actor, target=org, event="volunteers.social_org_created", data={"name": name, "uscc": code}
    )
    return org


# --- teams ----------------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *,
    actor: Actor,
    community_id: int,
    name: str,
    owner_kind: str = OwnerKind.COMMUNITY,
    unit_id: int | None = None,
    social_organization_id: int | None = None,
    service_area: str = "",
    skills: Iterable[str] = (),
    description: str = "",
) -> VolunteerTeam:
    from gongzhi.party.models import Unit

    community = _community(actor, community_id)
    require(
        actor,
        "volunteers.manage_team",
        community,
        error=Forbidden(gettext("只有本社区工作人员可以组建志愿服务队")),
    )
    name = _clean_name(name, "name", gettext("队伍名称"))
    unit = org = None
    if owner_kind == OwnerKind.UNIT:
        unit = Unit.objects.filter(pk=unit_id, community=community).first() if unit_id else None
        if unit is None:
            raise field_error("unit_id", gettext("请选择在本社区报到的驻区单位"))
    elif owner_kind == OwnerKind.SOCIAL_ORGANIZATION:
        org = (
            SocialOrganization.objects.filter(pk=social_organization_id, community=community).first()
            if social_organization_id
            else None
        )
        if org is None:
            raise field_error("social_organization_id", gettext("请选择本社区登记的社会组织"))
    elif owner_kind != OwnerKind.COMMUNITY:
        raise field_error("owner_kind", gettext("组建主体应为社区、驻区单位或社会组织"))
    if VolunteerTeam.objects.filter(community=community, name=name, active=True).exists():
        raise field_error("name", gettext("本社区已有同名志愿服务队"), code="duplicate")
    team = VolunteerTeam(
        name=name,
        owner_kind=owner_kind,
        community=community,
        unit=unit,
        social_organization=org,
        service_area=(service_area or "").strip()[:200],
        skills=clean_skills(skills),
        description=(description or "").strip(),
    )
    team.set_place_codes(community_code=community.code)
    team.save()
    audit_record(
        actor=actor,
        target=team,
        event="volunteers.team_created",
        data={
            "name": name,
            "owner_kind": owner_kind,
            "unit": unit_id,
            "social_organization": social_organization_id,
        },
    )
    return team


# --- volunteers -----------------------------------------------------------------------------------


def volunteer_for_actor_or_create(actor: Actor) -> tuple[Volunteer, bool]:
    """The actor's own profile; a resident or party member signing up the first time gets one from their
    resident record (and party member row). Runs inside the caller's transaction."""
    from gongzhi.party.models import PartyMember
    from gongzhi.people.models import Person

    # Two first sign-ups at once (no profile row yet to lock): the second waits, then finds the first's.
    lock_name(f"volunteers.profile:{actor.pk}")
    own = own_volunteer_id(actor)
    if own is not None:
        found = Volunteer.objects.select_for_update(of=("self",)).get(pk=own)
        if found.user_id is None:  # registered by the community before this account existed
            found.user_id = actor.pk
            found.save(update_fields=["user", "updated_at"])
        return found, False
    person = Person.objects.filter(user_id=actor.pk).first()
    member_q = Q(user_id=actor.pk) | Q(person=person) if person is not None else Q(user_id=actor.pk)
    member = PartyMember.objects.filter(member_q).first()
    if member is not None and Volunteer.objects.filter(party_member=member).exists():
        member = None
    place = person or member
    if place is None:
        raise Forbidden(
            gettext("您的账号尚未关联社区居民或党员信息，请联系社区登记后再报名"), code="no_profile"
        )
    name = person.name if person is not None else member.name if member is not None else ""
    volunteer = Volunteer(
        name=name or getattr(actor, "display_label", "") or actor.get_username(),
        person=person,
        party_member=member,
        user_id=actor.pk,
        skills=[],
    )
    volunteer.set_place_codes(grid_code=place.grid_code, community_code=place.community_code)
    volunteer.save()
    return volunteer, True


@transaction.atomic
def volunteer_register(
    *,
    actor: Actor,
    community_id: int,
    person_id: int | None = None,
    party_member_id: int | None = None,
    name: str = "",
    skills: Iterable[str] = (),
    availability_pattern: str = "",
    availability: Iterable[dict[str, Any]] = (),
) -> Volunteer:
    """Community staff register a resident and/or party member of their community as a volunteer."""
    from gongzhi.party.models import PartyMember
    from gongzhi.people.models import Person

    community = _community(actor, community_id)
    require(
        actor,
        "volunteers.add_volunteer",
        community,
        error=Forbidden(gettext("只有本社区工作人员可以登记志愿者")),
    )
    person = member = None
    if person_id:
        person = Person.objects.filter(pk=person_id, community_code=community.code).first()
        if person is None:
            raise field_error("person_id", gettext("该居民不在本社区"))
        if Volunteer.objects.filter(person=person).exists():
            raise field_error(
                "person_id", gettext("%(name)s已是志愿者") % {"name": person.name}, code="duplicate"
            )
    if party_member_id:
        member = PartyMember.objects.filter(pk=party_member_id).first()
        if member is None or not (
            member.community_code == community.code
            or member.registrations.filter(community=community).exists()
        ):
            raise field_error("party_member_id", gettext("该党员未在本社区登记或报到"))
        if Volunteer.objects.filter(party_member=member).exists():
            raise field_error(
                "party_member_id", gettext("%(name)s已是志愿者") % {"name": member.name}, code="duplicate"
            )
    if person is None and member is None:
        raise field_error("person_id", gettext("请选择居民或党员"))
    pattern, windows = clean_availability(availability_pattern, availability)
    user_id = (person.user_id if person is not None else None) or (
        member.user_id if member is not None else None
    )
    if user_id and Volunteer.objects.filter(user_id=user_id).exists():
        user_id = None
    volunteer = Volunteer(
        name=(name or "").strip()[:50] or (person.name if person is not None else member.name),  # type: ignore[union-attr]
        person=person,
        party_member=member,
        user_id=user_id,
        skills=clean_skills(skills),
        availability_pattern=pattern,
        availability=windows,
    )
    volunteer.set_place_codes(
        grid_code=person.grid_code if person is not None else "", community_code=community.code
    )
    volunteer.save()
    audit_record(
        actor=actor,
        target=volunteer,
        event="volunteers.volunteer_registered",
        data={
            "person": person_id,
            "party_member": party_member_id,
            "skills": volunteer.skills,
            "pattern": pattern,
        },
    )
    return volunteer


@transaction.atomic
def volunteer_profile_update(
    *,
    actor: Actor,
    volunteer_id: int | None = None,
    skills: Iterable[str] = (),
    availability_pattern: str = "",
    availability: Iterable[dict[str, Any]] = (),
) -> Volunteer:
    """The volunteer (own profile, ``volunteer_id`` None) or community staff set skills and times."""
    if volunteer_id is None:
        volunteer, _created = volunteer_for_actor_or_create(actor)
    else:
        volunteer = Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer_id).first()  # type: ignore[assignment]
        if volunteer is None or not allowed(actor, "volunteers.change_volunteer", volunteer):
            raise NotFound()
    pattern, windows = clean_availability(availability_pattern, availability)
    old = {"skills": volunteer.skills, "pattern": volunteer.availability_pattern}
    volunteer.skills = clean_skills(skills)
    volunteer.availability_pattern, volunteer.availability = pattern, windows
    volunteer.save(update_fields=["skills", "availability_pattern", "availability", "updated_at"])
    audit_record(
        actor=actor,
        target=volunteer,
        event="volunteers.profile_updated",
        data={"from": old, "to": {"skills": volunteer.skills, "pattern": pattern, "windows": len(windows)}},
    )
    return volunteer


# --- membership -----------------------------------------------------------------------------------


def _locked_team(actor: Actor, team_id: int) -> VolunteerTeam:
    visible = team_list_for_actor(actor=actor).filter(pk=team_id).values_list("pk", flat=True)
    team = VolunteerTeam.objects.select_for_update(of=("self",)).filter(pk__in=list(visible)).first()
    if team is None:
        raise NotFound()
    return team


@transaction.atomic
def team_member_add(
    *, actor: Actor, team_id: int, volunteer_id: int, role: str = MembershipRole.MEMBER
) -> TeamMembership:
    team = _locked_team(actor, team_id)
    if not allowed(actor, "volunteers.organize_team", team):
        raise Forbidden(gettext("只有队长、组织者或本社区工作人员可以添加队员"))
    if role not in MembershipRole.values:
        raise field_error("role", gettext("队内角色应为队长、组织者或队员"))
    if role == MembershipRole.LEADER and not allowed(actor, "volunteers.manage_team", team):
        raise Forbidden(gettext("队长由社区工作人员指定"))
    volunteer = Volunteer.objects.filter(pk=volunteer_id, active=True).first()
    if volunteer is None:
        raise field_error("volunteer_id", gettext("志愿者不存在"))
    if TeamMembership.objects.filter(team=team, volunteer=volunteer, status=MembershipStatus.ACTIVE).exists():
        raise Conflict(gettext("%(name)s已在本队") % {"name": volunteer.name}, code="already_member")
    membership = TeamMembership(team=team, volunteer=volunteer, role=role, joined_at=clock.now())
    membership.set_place_codes(community_code=team.community_code)
    membership.save()
    if role == MembershipRole.LEADER:
        team.leader = volunteer
        team.save(update_fields=["leader", "updated_at"])
    audit_record(
        actor=actor,
        target=membership,
        event="volunteers.member_added",
        data={"team": team.pk, "volunteer": volunteer.pk, "role": role},
    )
    return membership


@transaction.atomic
def team_member_remove(*, actor: Actor, membership_id: int, reason: str = "") -> TeamMembership:
    membership = (
        TeamMembership.objects.select_for_update(of=("self",))
        .select_related("team", "volunteer")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not allowed(actor, "volunteers.remove_teammembership", membership):
        raise NotFound()
    if membership.status != MembershipStatus.ACTIVE:
        raise Conflict(gettext("该队员已退出"), code="illegal_transition")
    membership.status, membership.left_at = MembershipStatus.LEFT, clock.now()
    membership.save(update_fields=["status", "left_at", "updated_at"])
    team = membership.team
    if team.leader_id == membership.volunteer_id:
        team.leader = None
        team.save(update_fields=["leader", "updated_at"])
    audit_record(
        actor=actor,
        target=membership,
        event="volunteers.member_left",
        data={"team": team.pk, "volunteer": membership.volunteer_id, "reason": (reason or "").strip()[:200]},
    )
    return membership
