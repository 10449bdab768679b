"""Certificates of completion (结业证书): for a trainee who attended every step of a course, numbered per
plan (``PX-<place code>-<year>-0001``, the plan's row locked for the number). Nobody issues their own."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.core.permissions import require
from gongzhi.training.enums import SessionStatus
from gongzhi.training.models import CompletionCertificate, Trainee, TrainingAttendance, TrainingPlan
from gongzhi.training.selectors import course_get_for_actor

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _attended_hours(course_id: int, trainee: Trainee, steps: int) -> Decimal | None:
    """The hours of the sessions the trainee attended, or None when a step is missing."""
    rows = (
        TrainingAttendance.objects.filter(trainee=trainee, session__course_id=course_id)
        .exclude(session__status=SessionStatus.CANCELLED)
        .values_list("session__step", "session__starts_at", "session__ends_at")
    )
    done: set[int] = set()
    hours = Decimal(0)
    for step, start, end in rows:
        done.add(step)
        hours += Decimal(str(round((end - start).total_seconds() / 3600, 2)))
    return hours if done >= set(range(1, steps + 1)) else None


@transaction.atomic
def training_certificate_issue(*, actor: Actor, course_id: int, trainee_id: int) -> CompletionCertificate:
    course = course_get_for_actor(actor=actor, course_id=course_id)
    require(actor, "training.manage_training", course)
    trainee = Trainee.objects.filter(pk=trainee_id, district_code=course.district_code).first()
    if trainee is None:
        raise NotFound("学员不存在或无权查看")
    refuse_own_work(actor, trainee.user_id, what="为本人发放结业证书")
    plan = TrainingPlan.objects.select_for_update(of=("self",)).get(pk=course.plan_id)
    if CompletionCertificate.objects.filter(course=course, trainee=trainee).exists():
        raise Conflict(f"{trainee.name}已取得本课程结业证书", code="already_issued")
    hours = _attended_hours(course.pk, trainee, course.steps)
    if hours is None:
        what = "全部阶段" if course.steps > 1 else "本课程"
        raise Conflict(f"{trainee.name}尚未参加{what}培训，不能发放结业证书", code="not_completed")
    plan.certificates_issued += 1
    plan.save(update_fields=["certificates_issued", "updated_at"])
    number = f"PX-{plan.community_code or plan.subdistrict_code}-{plan.year}-{plan.certificates_issued:04d}"
    cert = CompletionCertificate(
        trainee=trainee,
        course=course,
        number=number,
        hours=hours,
        issued_on=timezone.localdate(),
        issued_by_id=getattr(actor, "pk", None),
    )
    cert.set_place_codes(community_code=trainee.community_code)
    cert.save()
    audit_record(
        actor=actor,
        target=cert,
        event="training.certificate_issued",
        data={"number": number, "trainee": trainee.pk, "course": course.pk},
    )
    return cert
