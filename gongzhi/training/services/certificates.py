"""Certificates of completion (结业证书): for a trainee who attended every step of a course, numbered per
plan (``PX-<place code>-<year>-0001``, the plan's row locked for the number). Nobody issues their own."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
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
        raise NotFound(gettext("学员不存在或无权查看"))
    refuse_own_work(actor, trainee.user_id, what=gettext("为本人发放结业证书"))
    plan = TrainingPlan.objects.select_for_update(of=("self",)).get(pk=course.plan_id)
    if CompletionCertificate.objects.filter(course=course, trainee=trainee).exists():
        raise Conflict(
            gettext("%(name)s已取得本课程结业证书") % {"name": trainee.name}, code="already_issued"
        )
    hours = _attended_hours(course.pk, trainee, course.steps)
    if hours is None:
        what = "全部阶段" if course.steps > 1 else "本课程"
        raise Conflict(
            gettext("%(name)s尚未参加%(what)s培训，不能发放结业证书") % {"name": trainee.name, "what": what},
            code="not_completed",
        )
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


@transaction.atomic
def training_certificates_bulk_issue(
    *, actor: Actor, course_id: int, trainee_ids: list[int]
) -> list[CompletionCertificate]:
    """Certificates for several trainees at once (一键发证 after a camp, the demo's year): each is checked as
    one by one — a trainee of the course's district, not the actor themself, not yet certified, every step
    attended — with one query each for the trainees, the certificates held and the attendance; the plan's
    row is locked once for the numbers; one audit row. Any failure refuses the whole batch."""
    course = course_get_for_actor(actor=actor, course_id=course_id)
    require(actor, "training.manage_training", course)
    ids = list(dict.fromkeys(i for i in trainee_ids if isinstance(i, int) and bounds.int_in_range(i)))
    found = {t.pk: t for t in Trainee.objects.filter(pk__in=ids, district_code=course.district_code)}
    if not ids or len(ids) != len(trainee_ids) or len(found) != len(ids):
        raise NotFound(gettext("学员不存在或无权查看"))
    trainees = [found[i] for i in ids]
    for t in trainees:
        refuse_own_work(actor, t.user_id, what=gettext("为本人发放结业证书"))
    plan = TrainingPlan.objects.select_for_update(of=("self",)).get(pk=course.plan_id)
    held = set(
        CompletionCertificate.objects.filter(course=course, trainee_id__in=ids).values_list(
            "trainee_id", flat=True
        )
    )
    if held:
        name = next(t.name for t in trainees if t.pk in held)
        raise Conflict(gettext("%(name)s已取得本课程结业证书") % {"name": name}, code="already_issued")
    done: dict[int, set[int]] = {i: set() for i in ids}
    hours: dict[int, Decimal] = {i: Decimal(0) for i in ids}
    for tid, step, start, end in (
        TrainingAttendance.objects.filter(trainee_id__in=ids, session__course_id=course.pk)
        .exclude(session__status=SessionStatus.CANCELLED)
        .values_list("trainee_id", "session__step", "session__starts_at", "session__ends_at")
    ):
        done[tid].add(step)
        hours[tid] += Decimal(str(round((end - start).total_seconds() / 3600, 2)))
    steps = set(range(1, course.steps + 1))
    short = next((t for t in trainees if not done[t.pk] >= steps), None)
    if short is not None:
        what = "全部阶段" if course.steps > 1 else "本课程"
        raise Conflict(
            gettext("%(name)s尚未参加%(what)s培训，不能发放结业证书") % {"name": short.name, "what": what},
            code="not_completed",
        )
    first = plan.certificates_issued + 1
    plan.certificates_issued += len(trainees)
    plan.save(update_fields=["certificates_issued", "updated_at"])
    place = plan.community_code or plan.subdistrict_code
    today = timezone.localdate()
    certs = []
    for n, t in enumerate(trainees, start=first):
        cert = CompletionCertificate(
            trainee=t,
            course=course,
            number=f"PX-{place}-{plan.year}-{n:04d}",
            hours=hours[t.pk],
            issued_on=today,
            issued_by_id=getattr(actor, "pk", None),
        )
        cert.set_place_codes(community_code=t.community_code)
        certs.append(cert)
    CompletionCertificate.objects.bulk_create(certs, batch_size=500)
    audit_record(
        actor=actor,
        target=course,
        event="training.certificates_issued",
        data={"course": course.pk, "count": len(certs), "first": certs[0].number, "last": certs[-1].number},
    )
    return certs
