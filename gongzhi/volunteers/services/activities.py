"""Activities (one-off or a weekly series), their sessions, and sign-up with a waiting list: the writes.

Taking a place locks the session row (``select_for_update``), so two residents going for the last place
at once are served one after the other: the first gets it, the second joins the waiting list. Cancelling
a place promotes the first on the waiting list in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import allowed
from gongzhi.core.workflow import check_move
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import (
    ActivityCategory,
    ActivityStatus,
    Recurrence,
    SessionStatus,
    SignUpStatus,
)
from gongzhi.volunteers.models import Activity, ActivitySession, SignUp, Volunteer
from gongzhi.volunteers.selectors.activities import session_visible_q
from gongzhi.volunteers.selectors.teams import team_list_for_actor
from gongzhi.volunteers.services.teams import clean_skills, volunteer_for_actor_or_create
from gongzhi.volunteers.transitions import SIGNUP

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_SERIES_DAYS = 366
MAX_CAPACITY = 10000


def new_token() -> str:
    return secrets.token_urlsafe(16)[:22]


def session_dates(recurrence: str, weekday: int | None, start: dt.date, end: dt.date) -> list[dt.date]:
    if recurrence == Recurrence.ONE_OFF:
        return [start]
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)  # type: ignore[operator]
    return [first + dt.timedelta(weeks=n) for n in range(((end - first).days // 7) + 1) if first <= end]


def _aware(day: dt.date, t: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, t), timezone.get_default_timezone())


def build_sessions(activity: Activity) -> list[ActivitySession]:
    out = []
    for day in session_dates(activity.recurrence, activity.weekday, activity.start_date, activity.end_date):
        s = ActivitySession(
            activity=activity,
            starts_at=_aware(day, activity.start_time),
            ends_at=_aware(day, activity.end_time),
            capacity=activity.capacity,
            qr_token=new_token(),
        )
        s.set_place_codes(grid_code=activity.grid_code, community_code=activity.community_code)
        out.append(s)
    return out


def clean_activity(
    *,
    title: str,
    venue: str,
    capacity: int,
    recurrence: str,
    weekday: int | None,
    start_date: dt.date | None,
    end_date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    category: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = gettext("请填写活动名称")
    elif len(title.strip()) > 100:
        errors["title"] = gettext("活动名称不能超过100个字")
    if not (venue or "").strip():
        errors["venue"] = gettext("请填写活动地点")
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = gettext("每场名额应为1到10000之间的整数")
    if category not in ActivityCategory.values:
        errors["category"] = gettext("活动类别应为志愿服务活动或共驻共建活动")
    if recurrence not in Recurrence.values:
        errors["recurrence"] = gettext("频次应为单次或每周")
    elif recurrence == Recurrence.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        errors["weekday"] = gettext("每周活动请选择星期几")
    if start_date is None:
        errors["start_date"] = gettext("请填写活动日期")
    if recurrence == Recurrence.WEEKLY and end_date is None:
        errors["end_date"] = gettext("每周活动请填写结束日期")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = gettext("结束日期不能早于开始日期")
    elif start_date and end_date and (end_date - start_date).days > MAX_SERIES_DAYS:
        errors["end_date"] = gettext("一个系列活动最长一年，请分年发布")
    if start_time is None:
        errors["start_time"] = gettext("请填写开始时间")
    if end_time is None:
        errors["end_time"] = gettext("请填写结束时间")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = gettext("结束时间应晚于开始时间")
    return errors


def _venue_site(actor: Actor, venue_id: int | None) -> Any:
    """The registered venue an activity is held at, read through the venues' scope (None when not given)."""
    if not venue_id:
        return None
    from gongzhi.venues.selectors import venue_list_for_actor

    site = venue_list_for_actor(actor=actor).filter(pk=venue_id).first()
    if site is None:
        raise field_error("venue_id", gettext("阵地不存在或无权使用"))
    return site


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    team_id: int,
    title: str,
    venue: str,
    capacity: int,
    start_date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    recurrence: str = Recurrence.ONE_OFF,
    weekday: int | None = None,
    end_date: dt.date | None = None,
    description: str = "",
    skills: Iterable[str] = (),
    category: str = ActivityCategory.VOLUNTEER_SERVICE,
    organizer_id: int | None = None,
    venue_id: int | None = None,
) -> Activity:
    """Publishes an activity and generates its sessions (one, or one per week on ``weekday``). With
    ``venue_id`` the activity is held at a registered venue (服务阵地) the actor can see, whose name is the
    place text when none is given."""
    team = team_list_for_actor(actor=actor).filter(pk=team_id).first()
    if team is None:
        raise NotFound(gettext("志愿服务队不存在或无权查看"))
    if not allowed(actor, "volunteers.organize_team", team):
        raise NotFound(gettext("志愿服务队不存在或无权查看"))
    if recurrence == Recurrence.ONE_OFF:
        end_date = start_date
    site = _venue_site(actor, venue_id)
    if site is not None and not (venue or "").strip():
        venue = site.name
    errors = clean_activity(
        title=title,
        venue=venue,
        capacity=capacity,
        recurrence=recurrence,
        weekday=weekday,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        category=category,
    )
    try:
        skill_list = clean_skills(skills)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        skill_list = []
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    assert start_date and end_date and start_time and end_time
    if recurrence == Recurrence.WEEKLY and not session_dates(recurrence, weekday, start_date, end_date):
        raise field_error("weekday", gettext("所选日期范围内没有该星期几"))
    activity = Activity(
        team=team,
        community_id=team.community_id,
        category=category,
        title=title.strip(),
        description=(description or "").strip(),
        venue=venue.strip()[:200],
        venue_site=site,
        skills=skill_list,
        capacity=capacity,
        recurrence=recurrence,
        weekday=weekday if recurrence == Recurrence.WEEKLY else None,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        organizer_id=organizer_id or actor.pk,
    )
    activity.set_place_codes(community_code=team.community_code)
    activity.save()
    sessions = ActivitySession.objects.bulk_create(build_sessions(activity))
    audit_record(
        actor=actor,
        target=activity,
        event="volunteers.activity_published",
        data={
            "team": team.pk,
            "title": activity.title,
            "recurrence": recurrence,
            "weekday": activity.weekday,
            "sessions": len(sessions),
            "capacity": capacity,
        },
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor: Actor, activity_id: int, reason: str = "") -> Activity:
    """Cancels the activity and its sessions still to come; past sessions and their hours stay."""
    activity = Activity.objects.select_for_update(of=("self",)).filter(pk=activity_id).first()
    if activity is None or not allowed(actor, "volunteers.organize_activity", activity):
        raise NotFound()
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict(gettext("活动已取消"), code="illegal_transition")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", gettext("请填写取消原因"))
    now = clock.now()
    upcoming = ActivitySession.objects.filter(
        activity=activity, starts_at__gt=now, status=SessionStatus.SCHEDULED
    )
    cancelled = upcoming.update(status=SessionStatus.CANCELLED)
    SignUp.objects.filter(
        session__activity=activity,
        session__starts_at__gt=now,
        status__in=(SignUpStatus.SIGNED_UP, SignUpStatus.WAITING),
    ).update(status=SignUpStatus.CANCELLED, cancelled_at=now)
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=activity,
        event="volunteers.activity_cancelled",
        data={"reason": reason[:200], "sessions_cancelled": cancelled},
    )
    return activity


# --- sign-up --------------------------------------------------------------------------------------


def _locked_session(session_id: int) -> ActivitySession:
    session = (
        ActivitySession.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound(gettext("活动场次不存在或无权查看"))
    return session


@transaction.atomic
def signup_create(*, actor: Actor, session_id: int, volunteer_id: int | None = None) -> SignUp:
    """Takes a place on a session, or a place on its waiting list when it is full.

    A resident signs themselves up (a volunteer profile is made from their resident record the first
    time); an organiser may sign up a volunteer of the team (``volunteer_id``)."""
    if not ActivitySession.objects.filter(session_visible_q(actor), pk=session_id).exists():
        raise NotFound(gettext("活动场次不存在或无权查看"))
    session = _locked_session(session_id)
    activity = session.activity
    created = False
    if volunteer_id is not None:
        if not allowed(actor, "volunteers.organize_activity", activity):
            raise NotFound(gettext("志愿者不存在或无权代为报名"))
        volunteer = (
            Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer_id, active=True).first()
        )
        if volunteer is None:
            raise field_error("volunteer_id", gettext("志愿者不存在"))
    else:
        volunteer, created = volunteer_for_actor_or_create(actor)
    if activity.status != ActivityStatus.PUBLISHED or session.status != SessionStatus.SCHEDULED:
        raise Conflict(gettext("该场活动已取消，不能报名"), code="session_cancelled")
    now = clock.now()
    if session.ends_at <= now:
        raise Conflict(gettext("该场活动已结束，不能报名"), code="session_over")
    if (
        SignUp.objects.filter(session=session, volunteer=volunteer)
        .exclude(status=SignUpStatus.CANCELLED)
        .exists()
    ):
        raise Conflict(gettext("您已报名本场活动，不能重复报名"), code="already_signed_up")
    status = SignUpStatus.SIGNED_UP if session.signed_up_count < session.capacity else SignUpStatus.WAITING
    signup = SignUp(session=session, volunteer=volunteer, status=status, queued_at=now)
    signup.set_place_codes(community_code=session.community_code)
    signup.save()
    counter = "signed_up_count" if status == SignUpStatus.SIGNED_UP else "waiting_count"
    ActivitySession.objects.filter(pk=session.pk).update(**{counter: F(counter) + 1})
    audit_record(
        actor=actor,
        target=signup,
        event="volunteers.signed_up" if status == SignUpStatus.SIGNED_UP else "volunteers.waitlisted",
        data={
            "session": session.pk,
            "volunteer": volunteer.pk,
            "status": status,
            "volunteer_created": created,
        },
    )
    return signup


def _promote_first_waiting(session: ActivitySession, now: dt.datetime) -> SignUp | None:
    first = (
        SignUp.objects.select_for_update(of=("self",))
        .filter(session=session, status=SignUpStatus.WAITING)
        .order_by("queued_at", "id")
        .first()
    )
    if first is None:
        return None
    check_move(SIGNUP, SignUpStatus.SIGNED_UP, first.status)
    first.status, first.promoted_at = SignUpStatus.SIGNED_UP, now
    first.save(update_fields=["status", "promoted_at", "updated_at"])
    ActivitySession.objects.filter(pk=session.pk).update(
        signed_up_count=F("signed_up_count") + 1, waiting_count=F("waiting_count") - 1
    )
    return first


@transaction.atomic
def signup_cancel(*, actor: Actor, signup_id: int, reason: str = "") -> SignUp:
    """The volunteer (or the organiser) gives the place back; the first on the waiting list takes it."""
    found = SignUp.objects.select_related("volunteer", "session__activity").filter(pk=signup_id).first()
    if found is None or not allowed(actor, "volunteers.cancel_signup", found):
        raise NotFound(gettext("报名记录不存在或无权查看"))
    session = _locked_session(found.session_id)
    signup = SignUp.objects.select_for_update(of=("self",)).get(pk=signup_id)
    old = signup.status
    if old == SignUpStatus.ATTENDED:
        raise Conflict(gettext("已签到，不能取消报名"), code="illegal_transition")
    check_move(SIGNUP, SignUpStatus.CANCELLED, old)
    now = clock.now()
    signup.status, signup.cancelled_at = SignUpStatus.CANCELLED, now
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    counter = "signed_up_count" if old == SignUpStatus.SIGNED_UP else "waiting_count"
    ActivitySession.objects.filter(pk=session.pk).update(**{counter: F(counter) - 1})
    promoted = None
    if old == SignUpStatus.SIGNED_UP and session.ends_at > now:
        session.refresh_from_db(fields=["signed_up_count", "waiting_count"])
        if session.signed_up_count < session.capacity:
            promoted = _promote_first_waiting(session, now)
    audit_record(
        actor=actor,
        target=signup,
        event="volunteers.signup_cancelled",
        data={
            "from": old,
            "reason": (reason or "").strip()[:200],
            "promoted": promoted.pk if promoted else None,
            "promoted_volunteer": promoted.volunteer_id if promoted else None,
        },
    )
    return signup
