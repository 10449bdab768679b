"""Attendance at a training session: the trainee scans the session's QR code on their phone — the
volunteers' check-in (its token, its clock and its window: from half an hour before the start until the
end) — or the organiser records those without a phone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.core.permissions import require
from gongzhi.training.enums import CheckInSource, SessionStatus
from gongzhi.training.models import Trainee, TrainingAttendance, TrainingSession
from gongzhi.training.selectors import trainee_of, training_session_by_token, training_session_get_for_actor
from gongzhi.volunteers import clock
from gongzhi.volunteers.services.attendance import EARLY_CHECK_IN

if TYPE_CHECKING:
    import datetime as dt

    from gongzhi.core.types import Actor


def _fmt(at: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(at):%m月%d日 %H:%M}"


def _write(
    actor: Actor | None, session: TrainingSession, trainee: Trainee, at: dt.datetime, source: str
) -> TrainingAttendance:
    if TrainingAttendance.objects.filter(session=session, trainee=trainee).exists():
        raise Conflict(gettext("%(name)s已签到") % {"name": trainee.name}, code="already_checked_in")
    row = TrainingAttendance(
        session=session,
        trainee=trainee,
        checked_in_at=at,
        source=source,
        recorded_by_id=getattr(actor, "pk", None),
    )
    row.set_place_codes(community_code=trainee.community_code)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise Conflict(gettext("%(name)s已签到") % {"name": trainee.name}, code="already_checked_in") from exc
    TrainingSession.objects.filter(pk=session.pk).update(attended_count=F("attended_count") + 1)
    return row


@transaction.atomic
def training_check_in_by_qr(*, actor: Actor, token: str) -> TrainingAttendance:
    session = training_session_by_token(token)
    trainee = trainee_of(actor)
    if trainee is None:
        raise Conflict(gettext("您还不是网格学院的学员，请联系社区登记"), code="not_a_trainee")
    session = TrainingSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    now = clock.now()
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(gettext("该场培训已取消"), code="session_cancelled")
    if now < session.starts_at - EARLY_CHECK_IN:
        raise Conflict(
            gettext("培训尚未开始，请于%(value)s后签到")
            % {"value": _fmt(session.starts_at - EARLY_CHECK_IN)},
            code="too_early",
        )
    if now >= session.ends_at:
        raise Conflict(gettext("培训已结束，不能扫码签到，请联系组织者补登"), code="session_over")
    row = _write(actor, session, trainee, now, CheckInSource.QR)
    audit_record(
        actor=actor,
        target=row,
        event="training.checked_in",
        data={"session": session.pk, "trainee": trainee.pk, "source": "qr"},
    )
    return row


@transaction.atomic
def training_attendance_record(*, actor: Actor, session_id: int, trainee_id: int) -> TrainingAttendance:
    """The organiser records a trainee who has no phone (登记), at the session's start."""
    visible = training_session_get_for_actor(actor=actor, session_id=session_id)
    require(actor, "training.manage_training", visible)
    session = TrainingSession.objects.select_for_update(of=("self",)).get(pk=visible.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(gettext("该场培训已取消"), code="session_cancelled")
    trainee = Trainee.objects.filter(pk=trainee_id, active=True, district_code=session.district_code).first()
    if trainee is None:
        raise NotFound(gettext("学员不存在或无权查看"))
    row = _write(actor, session, trainee, session.starts_at, CheckInSource.ORGANIZER)
    audit_record(
        actor=actor,
        target=row,
        event="training.checked_in",
        data={"session": session.pk, "trainee": trainee.pk, "source": "organizer"},
    )
    return row


@transaction.atomic
def training_attendance_bulk_record(
    *, actor: Actor | None, session: TrainingSession, trainees: list[Trainee]
) -> int:
    """A sign-in sheet entered at once (the demo's year of trainings, a paper sheet): one audit row."""
    rows = []
    for t in trainees:
        row = TrainingAttendance(
            session=session,
            trainee=t,
            checked_in_at=session.starts_at,
            source=CheckInSource.ORGANIZER,
            recorded_by_id=getattr(actor, "pk", None),
        )
        row.set_place_codes(community_code=t.community_code)
        rows.append(row)
    TrainingAttendance.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    n = TrainingAttendance.objects.filter(session=session).count()
    TrainingSession.objects.filter(pk=session.pk).update(attended_count=n)
    audit_record(actor=actor, target=session, event="training.attendance_imported", data={"count": len(rows)})
    return len(rows)
