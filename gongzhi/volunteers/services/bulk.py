"""Bulk services: a community's volunteer roll brought in at once, and a past activity's service record
(a paper sign-in sheet, the demo district's year). Each is one transaction and one audit row per batch and
keeps the rules of the one-by-one services: people of this community, one active membership per team,
check-out after check-in, no overlapping hours for one volunteer, hours counted by ``services/hours.py``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed, require
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import (
    AttendanceSource,
    HoursStatus,
    MembershipRole,
    SignUpStatus,
    star_level_for,
)
from gongzhi.volunteers.models import (
    Activity,
    ActivitySession,
    Attendance,
    ServiceHours,
    SignUp,
    TeamMembership,
    Volunteer,
    VolunteerTeam,
)
from gongzhi.volunteers.services._common import volunteers_of_user
from gongzhi.volunteers.services.hours import counted_span, hours_between
from gongzhi.volunteers.services.teams import clean_availability, clean_skills

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _refuse(n: int, problem: str) -> NoReturn:
    raise ValidationFailed(
        gettext("第%(n)s条：%(problem)s") % {"n": n, "problem": problem},
        fields={"rows": f"第{n}条：{problem}"},
    )


@dataclass
class VolunteerRow:
    person_id: int | None = None
    party_member_id: int | None = None
    skills: list[str] = field(default_factory=list)
    availability_pattern: str = ""
    team_id: int | None = None
    role: str = MembershipRole.MEMBER


@transaction.atomic
def volunteers_bulk_register(*, actor: Actor, community_id: int, rows: list[VolunteerRow]) -> list[Volunteer]:
    """Registers residents and/or party members of one community as volunteers, each optionally joining a
    team of that community; returns the volunteers in the order of ``rows``."""
    from gongzhi.party.models import PartyMember
    from gongzhi.people.models import Person
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(gettext("社区不存在或无权查看"))
    require(
        actor,
        "volunteers.add_volunteer",
        community,
        error=Forbidden(gettext("只有本社区工作人员可以登记志愿者")),
    )
    person_ids = {r.person_id for r in rows if r.person_id}
    member_ids = {r.party_member_id for r in rows if r.party_member_id}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=person_ids, community_code=community.code)}
    members = {m.pk: m for m in PartyMember.objects.filter(pk__in=member_ids)}
    taken_persons = set(
        Volunteer.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )
    taken_members = set(
        Volunteer.objects.filter(party_member_id__in=member_ids).values_list("party_member_id", flat=True)
    )
    teams = {t.pk: t for t in VolunteerTeam.objects.filter(community=community, active=True)}
    seen_p: set[int] = set()
    seen_m: set[int] = set()
    volunteers: list[Volunteer] = []
    for n, row in enumerate(rows, start=1):
        person = persons.get(row.person_id) if row.person_id else None
        member = members.get(row.party_member_id) if row.party_member_id else None
        if row.person_id and person is None:
            _refuse(n, gettext("该居民不在本社区"))
        if row.party_member_id and member is None:
            _refuse(n, gettext("党员不存在"))
        if person is None and member is None:
            _refuse(n, gettext("请选择居民或党员"))
        if person is not None and (person.pk in taken_persons or person.pk in seen_p):
            _refuse(n, f"{person.name}已是志愿者")
        if member is not None and (member.pk in taken_members or member.pk in seen_m):
            _refuse(n, f"{member.name}已是志愿者")
        if row.team_id and row.team_id not in teams:
            _refuse(n, gettext("志愿服务队不属于本社区"))
        if row.role not in MembershipRole.values:
            _refuse(n, gettext("队内角色应为队长、组织者或队员"))
        try:
            skills = clean_skills(row.skills)
            pattern, windows = clean_availability(row.availability_pattern, ())
        except ValidationFailed as exc:
            _refuse(n, exc.message)
        if person is not None:
            seen_p.add(person.pk)
        if member is not None:
            seen_m.add(member.pk)
        v = Volunteer(
            name=person.name if person is not None else member.name,  # type: ignore[union-attr]
            person=person,
            party_member=member,
            skills=skills,
            availability_pattern=pattern,
            availability=windows,
        )
        v.set_place_codes(
            grid_code=person.grid_code if person is not None else "", community_code=community.code
        )
        volunteers.append(v)
    Volunteer.objects.bulk_create(volunteers, batch_size=500)
    now = clock.now()
    memberships = []
    leaders: dict[int, Volunteer] = {}
    for row, v in zip(rows, volunteers, strict=True):
        if row.team_id:
            m = TeamMembership(team_id=row.team_id, volunteer=v, role=row.role, joined_at=now)
            m.set_place_codes(community_code=community.code)
            memberships.append(m)
            if row.role == MembershipRole.LEADER:
                leaders[row.team_id] = v
    TeamMembership.objects.bulk_create(memberships, batch_size=500)
    for team_id, leader in leaders.items():
        VolunteerTeam.objects.filter(pk=team_id).update(leader=leader)
    audit_record(
        actor=actor,
        target=community,
        event="volunteers.volunteers_imported",
        data={"volunteers": len(volunteers), "memberships": len(memberships)},
    )
    return volunteers


@dataclass
class ServedRow:
    session_id: int
    volunteer_id: int
    check_in_at: dt.datetime
    check_out_at: dt.datetime


@transaction.atomic
def activity_history_record(
    *, actor: Actor, activity_id: int, rows: list[ServedRow], confirm: bool = True
) -> dict[str, Any]:
    """Enters who served at past sessions of one activity (a sign-in sheet): sign-up, attendance
    entered by the organiser, and hours — confirmed at once by the organiser when ``confirm``, except
    the organiser's own hours, which stay pending for someone else to confirm (``core.duties``)."""
    activity = Activity.objects.select_for_update(of=("self",)).filter(pk=activity_id).first()
    if activity is None or not allowed(actor, "volunteers.organize_activity", activity):
        raise NotFound(gettext("活动不存在或无权查看"))
    now = clock.now()
    sessions = {s.pk: s for s in ActivitySession.objects.filter(activity=activity)}
    volunteer_ids = {r.volunteer_id for r in rows}
    known = set(Volunteer.objects.filter(pk__in=volunteer_ids, active=True).values_list("pk", flat=True))
    own = volunteers_of_user(actor.pk, known) if confirm and actor is not None else set()
    lo = min((r.check_in_at for r in rows), default=now) - dt.timedelta(days=1)
    hi = max((r.check_out_at for r in rows), default=now) + dt.timedelta(days=1)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for vid, start, end, ends in Attendance.objects.filter(
        volunteer_id__in=volunteer_ids, check_in_at__lt=hi, check_in_at__gt=lo
    ).values_list("volunteer_id", "check_in_at", "check_out_at", "session__ends_at"):
        busy[vid].append((start, end or ends))
    already = set(
        Attendance.objects.filter(session__activity=activity, volunteer_id__in=volunteer_ids).values_list(
            "session_id", "volunteer_id"
        )
    )
    signups, attendances, hours = [], [], []
    per_session: dict[int, int] = defaultdict(int)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for n, row in enumerate(rows, start=1):
        session = sessions.get(row.session_id)
        if session is None:
            _refuse(n, gettext("场次不属于本活动"))
        assert session is not None
        if row.volunteer_id not in known:
            _refuse(n, gettext("志愿者不存在"))
        if row.check_out_at <= row.check_in_at:
            _refuse(n, gettext("签退时间应晚于签到时间"))
        if row.check_out_at > now:
            _refuse(n, gettext("签到、签退时间不能晚于当前时间"))
        if (session.pk, row.volunteer_id) in already:
            _refuse(n, gettext("该志愿者本场已签到"))
        for start, end in busy[row.volunteer_id]:
            if start < row.check_out_at and end > row.check_in_at:
                _refuse(n, gettext("服务时间与已有服务时间重叠"))
        busy[row.volunteer_id].append((row.check_in_at, row.check_out_at))
        already.add((session.pk, row.volunteer_id))
        signup = SignUp(
            session=session,
            volunteer_id=row.volunteer_id,
            status=SignUpStatus.ATTENDED,
            queued_at=row.check_in_at,
        )
        signup.set_place_codes(community_code=session.community_code)
        attendance = Attendance(
            session=session,
            volunteer_id=row.volunteer_id,
            signup=signup,
            check_in_at=row.check_in_at,
            check_out_at=row.check_out_at,
            check_in_source=AttendanceSource.ORGANIZER,
            check_out_source=AttendanceSource.ORGANIZER,
            recorded_by_id=actor.pk,
        )
        attendance.set_place_codes(community_code=session.community_code)
        start, end = counted_span(row.check_in_at, row.check_out_at, session.starts_at, session.ends_at)
        if end > start:
            confirmed = confirm and row.volunteer_id not in own
            h = ServiceHours(
                attendance=attendance,
                volunteer_id=row.volunteer_id,
                team_id=activity.team_id,
                session=session,
                served_on=timezone.localtime(start).date(),
                started_at=start,
                ended_at=end,
                hours=hours_between(start, end),
                status=HoursStatus.CONFIRMED if confirmed else HoursStatus.PENDING,
                confirmed_by_id=actor.pk if confirmed else None,
                confirmed_at=now if confirmed else None,
            )
            h.set_place_codes(community_code=session.community_code)
            hours.append(h)
            if confirmed:
                totals[row.volunteer_id] += h.hours
        signups.append(signup)
        attendances.append(attendance)
        per_session[session.pk] += 1
    SignUp.objects.bulk_create(signups, batch_size=500)
    for a in attendances:
        a.signup_id = a.signup.pk  # type: ignore[union-attr]
    Attendance.objects.bulk_create(attendances, batch_size=500)
    for h in hours:
        h.attendance_id = h.attendance.pk
    ServiceHours.objects.bulk_create(hours, batch_size=500)
    for session_id, count in per_session.items():
        ActivitySession.objects.filter(pk=session_id).update(
            signed_up_count=F("signed_up_count") + count, attended_count=F("attended_count") + count
        )
    changed = list(Volunteer.objects.select_for_update(of=("self",)).filter(pk__in=list(totals)))
    for v in changed:
        v.total_hours += totals[v.pk]
        v.star_level = star_level_for(v.total_hours)
    Volunteer.objects.bulk_update(changed, ["total_hours", "star_level"], batch_size=500)
    total = sum((h.hours for h in hours), Decimal("0"))
    audit_record(
        actor=actor,
        target=activity,
        event="volunteers.history_recorded",
        data={
            "sessions": len(per_session),
            "attendances": len(attendances),
            "hours": str(total),
            "confirmed": confirm,
            **({"own_left_pending": sum(1 for h in hours if h.volunteer_id in own)} if own else {}),
        },
    )
    return {"sessions": len(per_session), "attendances": len(attendances), "hours": total}
