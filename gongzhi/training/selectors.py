"""Reads of the grid academy with the actor's scope applied; missing and forbidden are the same 404.

- population roles (staff of the place, the auditor): plans, courses, sessions, trainees, qualifications and
  certificates of their places (a subdistrict's plan is seen from the subdistrict up);
- a trainee: their own attendance and certificates, and the session a QR code names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.training.enums import EXPIRY_WARNING_DAYS, QualificationKind, SessionStatus
from gongzhi.training.models import (
    CompletionCertificate,
    Course,
    Qualification,
    Trainee,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place_q(actor: Actor) -> Q:
    return scope_of(actor).place_q(POPULATION_ROLES)


def trainee_of(actor: Actor) -> Trainee | None:
    if actor is None or not getattr(actor, "pk", None):
        return None
    return Trainee.objects.filter(user_id=actor.pk, active=True).first()


def training_plan_list_for_actor(*, actor: Actor, year: int | None = None) -> QuerySet[TrainingPlan]:
    qs = TrainingPlan.objects.filter(_place_q(actor))
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(course_count=Count("courses")).order_by(
        "-year", "subdistrict_code", "community_code", "id"
    )


def training_plan_get_for_actor(*, actor: Actor, plan_id: int) -> TrainingPlan:
    plan = TrainingPlan.objects.filter(_place_q(actor), pk=plan_id).first()
    if plan is None:
        raise NotFound(gettext("培训计划不存在或无权查看"))
    return plan


def course_list_for_actor(*, actor: Actor, plan_id: int | None = None) -> QuerySet[Course]:
    qs = Course.objects.filter(_place_q(actor))
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    return qs.select_related("plan").annotate(session_count=Count("sessions")).order_by("id")


def course_get_for_actor(*, actor: Actor, course_id: int) -> Course:
    course = Course.objects.filter(_place_q(actor), pk=course_id).select_related("plan").first()
    if course is None:
        raise NotFound(gettext("课程不存在或无权查看"))
    return course


def session_list_for_course(*, actor: Actor, course_id: int) -> QuerySet[TrainingSession]:
    course = course_get_for_actor(actor=actor, course_id=course_id)
    return TrainingSession.objects.filter(course=course).select_related("venue").order_by("step", "starts_at")


def training_session_get_for_actor(*, actor: Actor, session_id: int) -> TrainingSession:
    session = (
        TrainingSession.objects.filter(_place_q(actor), pk=session_id)
        .select_related("course", "course__plan", "venue")
        .first()
    )
    if session is None:
        raise NotFound(gettext("培训场次不存在或无权查看"))
    return session


def training_session_by_token(token: str) -> TrainingSession:
    """The session a QR code names: the token is the key, as for the volunteers' sessions."""
    session = (
        TrainingSession.objects.filter(qr_token=(token or "")[:32]).select_related("course", "venue").first()
    )
    if session is None:
        raise NotFound(gettext("签到码无效或培训不存在"))
    return session


def training_attendance_list_for_session(*, actor: Actor, session_id: int) -> QuerySet[TrainingAttendance]:
    session = training_session_get_for_actor(actor=actor, session_id=session_id)
    return (
        TrainingAttendance.objects.filter(session=session).select_related("trainee").order_by("checked_in_at")
    )


def trainee_list_for_actor(
    *, actor: Actor, community_code: str = "", kind: str = "", q: str = ""
) -> QuerySet[Trainee]:
    qs = Trainee.objects.filter(_place_q(actor), active=True)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.select_related("community").order_by("community_code", "kind", "name", "id")


def trainee_get_for_actor(*, actor: Actor, trainee_id: int) -> Trainee:
    own = trainee_of(actor)
    q = _place_q(actor) | Q(pk=own.pk if own else 0)
    trainee = Trainee.objects.filter(q, pk=trainee_id).select_related("community").first()
    if trainee is None:
        raise NotFound(gettext("学员不存在或无权查看"))
    return trainee


def qualification_list_for_actor(*, actor: Actor, due_only: bool = False) -> QuerySet[Qualification]:
    qs = Qualification.objects.filter(_place_q(actor)).select_related("trainee")
    if due_only:
        limit = timezone.localdate() + dt.timedelta(days=EXPIRY_WARNING_DAYS)
        qs = qs.filter(expires_on__isnull=False, expires_on__lte=limit)
    return qs.order_by("expires_on", "id")


def completion_certificate_list_for_actor(
    *, actor: Actor, course_id: int | None = None
) -> QuerySet[CompletionCertificate]:
    own = trainee_of(actor)
    qs = CompletionCertificate.objects.filter(_place_q(actor) | Q(trainee_id=own.pk if own else 0))
    if course_id:
        qs = qs.filter(course_id=course_id)
    return qs.select_related("trainee", "course", "course__plan").order_by("-issued_on", "-id")


def completion_certificate_get_for_actor(*, actor: Actor, certificate_id: int) -> CompletionCertificate:
    cert = completion_certificate_list_for_actor(actor=actor).filter(pk=certificate_id).first()
    if cert is None:
        raise NotFound(gettext("结业证书不存在或无权查看"))
    return cert


def my_training(*, actor: Actor) -> dict[str, Any]:
    """A trainee's own record: sessions attended and certificates."""
    own = trainee_of(actor)
    if own is None:
        return {"trainee": None, "attended": [], "certificates": []}
    attended = TrainingAttendance.objects.filter(trainee=own).select_related("session", "session__course")
    return {
        "trainee": own,
        "attended": list(attended.order_by("-checked_in_at")[:100]),
        "certificates": list(
            CompletionCertificate.objects.filter(trainee=own).select_related("course").order_by("-id")
        ),
    }


def _hours(qs: QuerySet[TrainingAttendance]) -> dict[str, Decimal]:
    """Trainee-hours per community code of the session (attendance × the session's length)."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    rows = qs.values_list(
        "session__community_code", "session__subdistrict_code", "session__starts_at", "session__ends_at"
    )
    for community, subdistrict, start, end in rows.iterator(chunk_size=5000):
        out[community or subdistrict] += Decimal(str(round((end - start).total_seconds() / 3600, 2)))
    return out


def training_figures_for_actor(*, actor: Actor, year: int) -> list[dict[str, Any]]:
    """Per community (or subdistrict, for its own plans) of the actor's scope: sessions held this year,
    trainee-hours, trainees, and people holding each qualification still valid."""
    from gongzhi.places.models import Community, Subdistrict

    place = _place_q(actor)
    now = timezone.now()
    held = TrainingSession.objects.filter(place, starts_at__year=year, starts_at__lte=now).exclude(
        status=SessionStatus.CANCELLED
    )
    sessions: dict[str, int] = defaultdict(int)
    for community, subdistrict, n in held.values_list("community_code", "subdistrict_code").annotate(
        n=Count("id")
    ):
        sessions[community or subdistrict] += n
    hours = _hours(TrainingAttendance.objects.filter(place, session__in=held))
    trainees = dict(
        Trainee.objects.filter(place, active=True).values_list("community_code").annotate(n=Count("id"))
    )
    today = timezone.localdate()
    valid = Qualification.objects.filter(place).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    qualified: dict[str, dict[str, int]] = defaultdict(dict)
    for code, kind, n in valid.values_list("community_code", "kind").annotate(
        n=Count("trainee_id", distinct=True)
    ):
        qualified[code][kind] = n
    codes = sorted(set(sessions) | set(hours) | set(trainees) | set(qualified))
    names = dict(Community.objects.filter(code__in=codes).values_list("code", "name"))
    names.update(Subdistrict.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "sessions": sessions.get(code, 0),
            "trainee_hours": float(hours.get(code, Decimal(0))),
            "trainees": trainees.get(code, 0),
            "qualified": {k: qualified.get(code, {}).get(k, 0) for k in QualificationKind.values},
        }
        for code in codes
    ]


def training_counts() -> dict[str, int]:
    """The overview's ``training`` figures, from records: sessions held this year (not cancelled, started),
    trainees on the register, and people holding a valid 持证社工 qualification."""
    now = timezone.now()
    today = timezone.localdate()
    return {
        "sessions_this_year": TrainingSession.objects.filter(starts_at__year=today.year, starts_at__lte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .count(),
        "trainees": Trainee.objects.filter(active=True).count(),
        "licensed_social_workers": Qualification.objects.filter(kind=QualificationKind.LICENSED_SOCIAL_WORKER)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values("trainee_id")
        .distinct()
        .count(),
    }
