"""Console pages of the grid academy: plans, a plan's courses, a course's sessions and certificates, a
session's attendance with its QR code, the trainee register with qualifications, and the figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import pdf_response, refused, year_or_none
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.training import certificate, selectors
from gongzhi.training.enums import CourseFormat, QualificationKind, TraineeKind, TrainerKind
from gongzhi.training.forms import (
    CourseForm,
    PlanForm,
    QualificationForm,
    SessionForm,
    TraineeChoiceForm,
    TraineeForm,
)
from gongzhi.training.services import attendance, certificates, plans, sessions, trainees


def _not_found(exc: NotFound) -> Http404:
    return Http404(exc.message)


def _places(actor: Any) -> list[tuple[str, str]]:
    """The subdistricts and communities the actor may plan for."""
    from gongzhi.places.models import Subdistrict

    out: list[tuple[str, str]] = []
    communities = [
        c
        for c in community_list_for_actor(actor=actor, roles=POPULATION_ROLES)[:300]
        if allowed(actor, "training.manage_training", c)
    ]
    subs = Subdistrict.objects.filter(code__in=sorted({c.subdistrict_code for c in communities})).order_by(
        "code"
    )
    out += [
        (s.code, gettext("%(name)s（街道）") % {"name": s.name})
        for s in subs
        if allowed(actor, "training.manage_training", s)
    ]
    out += [(c.code, c.name) for c in communities]
    return out


@console_login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"year": str(timezone.localdate().year)}
    if request.method == "POST":
        posted = PlanForm(request.POST)
        form = posted.values()
        try:
            plan = plans.training_plan_create(actor=actor, **posted.plan_kwargs())
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已制定“%(title)s”") % {"title": plan.title})
            return redirect("training:plan_detail", plan_id=plan.pk)
    year = year_or_none(request.GET.get("year"))
    return render(
        request,
        "training/console/plans.html",
        {
            "plans": list(selectors.training_plan_list_for_actor(actor=actor, year=year)[:200]),
            "places": _places(actor),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        plan = selectors.training_plan_get_for_actor(actor=actor, plan_id=plan_id)
    except NotFound as exc:
        raise _not_found(exc) from exc
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            course = plans.course_create(
                actor=actor, plan_id=plan.pk, data=CourseForm(request.POST).course_input()
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已新增课程“%(title)s”") % {"title": course.title})
            return redirect("training:course_detail", course_id=course.pk)
    return render(
        request,
        "training/console/plan_detail.html",
        {
            "plan": plan,
            "courses": list(selectors.course_list_for_actor(actor=actor, plan_id=plan.pk)),
            "formats": CourseFormat.choices,
            "trainer_kinds": TrainerKind.choices,
            "can_manage": allowed(actor, "training.manage_training", plan),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    from gongzhi.venues.selectors import venue_list_for_actor

    actor = actor_of(request)
    try:
        course = selectors.course_get_for_actor(actor=actor, course_id=course_id)
    except NotFound as exc:
        raise _not_found(exc) from exc
    venues = venue_list_for_actor(actor=actor)
    if course.community_code:
        venues = venues.filter(community_code=course.community_code)
    else:
        venues = venues.filter(subdistrict_code=course.subdistrict_code)
    return render(
        request,
        "training/console/course_detail.html",
        {
            "course": course,
            "sessions": list(selectors.session_list_for_course(actor=actor, course_id=course.pk)),
            "certificates": list(
                selectors.completion_certificate_list_for_actor(actor=actor, course_id=course.pk)[:500]
            ),
            "trainees": list(
                selectors.trainee_list_for_actor(actor=actor, community_code=course.community_code)[:500]
            ),
            "venues": list(venues[:100]),
            "steps": range(1, course.steps + 1),
            "can_manage": allowed(actor, "training.manage_training", course),
        },
    )


@console_login_required
@require_POST
def session_create(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        s = sessions.training_session_schedule(
            actor=actor_of(request), course_id=course_id, **SessionForm(request.POST).session_kwargs()
        )
        messages.success(
            request,
            gettext("已安排第%(step)s阶段培训：%(value)s")
            % {
                "step": s.step,
                "value": dateformat.format(timezone.localtime(s.starts_at), gettext("m月d日 H:i")),
            },
        )
    except NotFound as exc:
        raise _not_found(exc) from exc
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("training:course_detail", course_id=course_id)


@console_login_required
@require_POST
def certificate_create(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        cert = certificates.training_certificate_issue(
            actor=actor_of(request),
            course_id=course_id,
            trainee_id=TraineeChoiceForm(request.POST).number("trainee_id") or 0,
        )
        messages.success(request, gettext("已发放结业证书 %(number)s") % {"number": cert.number})
    except ApplicationError as exc:
        if exc.status == 404 and "课程" in exc.message:
            raise Http404(exc.message) from exc
        refused(request, exc)
    return redirect("training:course_detail", course_id=course_id)


@console_login_required
@require_POST
def certificates_pdf_job(request: HttpRequest, course_id: int) -> HttpResponse:
    """All certificates of the course as one PDF to print, made in the background: the job's page."""
    try:
        job = certificate.certificates_pdf_enqueue(actor=actor_of(request), course_id=course_id)
    except NotFound as exc:
        raise _not_found(exc) from exc
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("training:course_detail", course_id=course_id)
    return redirect("jobs:detail", job_id=job.pk)


@console_login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        cert = selectors.completion_certificate_get_for_actor(actor=actor, certificate_id=certificate_id)
    except NotFound as exc:
        raise _not_found(exc) from exc
    return pdf_response(
        certificate.certificate_pdf_download(actor=actor, certificate=cert), f"结业证书-{cert.number}.pdf"
    )


@console_login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = selectors.training_session_get_for_actor(actor=actor, session_id=session_id)
    except NotFound as exc:
        raise _not_found(exc) from exc
    can_manage = allowed(actor, "training.manage_training", session)
    rows = list(selectors.training_attendance_list_for_session(actor=actor, session_id=session.pk))
    present = {r.trainee_id for r in rows}
    return render(
        request,
        "training/console/session_detail.html",
        {
            "session": session,
            "attendance": rows,
            "absent": [
                t
                for t in selectors.trainee_list_for_actor(actor=actor, community_code=session.community_code)[
                    :500
                ]
                if t.pk not in present
            ],
            "scan_url": request.build_absolute_uri(reverse("training_h5:scan", args=[session.qr_token]))
            if can_manage
            else "",
            "can_manage": can_manage,
        },
    )


@console_login_required
@require_POST
def attendance_create(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        row = attendance.training_attendance_record(
            actor=actor_of(request),
            session_id=session_id,
            trainee_id=TraineeChoiceForm(request.POST).number("trainee_id") or 0,
        )
        messages.success(request, gettext("已登记%(name)s签到") % {"name": row.trainee.name})
    except ApplicationError as exc:
        if exc.status == 404 and "场次" in exc.message:
            raise Http404(exc.message) from exc
        refused(request, exc)
    return redirect("training:session_detail", session_id=session_id)


@console_login_required
@require_http_methods(["GET", "POST"])
def trainee_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = [
        c
        for c in community_list_for_actor(actor=actor, roles=POPULATION_ROLES)[:300]
        if allowed(actor, "training.manage_training", c)
    ]
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = TraineeForm(request.POST)
        try:
            t = trainees.trainee_register(
                actor=actor,
                community_id=posted.number("community_id") or 0,
                name=posted.text("name"),
                kind=posted.text("kind"),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已登记学员%(name)s") % {"name": t.name})
            return redirect("training:trainees")
    kind = request.GET.get("kind", "")[:16]
    rows = list(selectors.trainee_list_for_actor(actor=actor, kind=kind)[:1000])
    quals: dict[int, list[Any]] = {}
    for q in selectors.qualification_list_for_actor(actor=actor).filter(trainee_id__in=[t.pk for t in rows]):
        quals.setdefault(q.trainee_id, []).append(q)
    for t in rows:
        t.quals = quals.get(t.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "training/console/trainees.html",
        {
            "trainees": rows,
            "kind": kind,
            "kinds": TraineeKind.choices,
            "qualification_kinds": QualificationKind.choices,
            "due": list(selectors.qualification_list_for_actor(actor=actor, due_only=True)[:100]),
            "communities": communities,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def qualification_create(request: HttpRequest, trainee_id: int) -> HttpResponse:
    try:
        q = trainees.qualification_record(
            actor=actor_of(request),
            trainee_id=trainee_id,
            **QualificationForm(request.POST).qualification_kwargs(),
        )
        messages.success(
            request,
            gettext("已登记%(value)s %(number)s") % {"value": q.get_kind_display(), "number": q.number},
        )
    except NotFound as exc:
        raise _not_found(exc) from exc
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("training:trainees")


@console_login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = year_or_none(request.GET.get("year")) or timezone.localdate().year
    return render(
        request,
        "training/console/figures.html",
        {
            "rows": selectors.training_figures_for_actor(actor=actor, year=year),
            "year": year,
            "qualification_kinds": QualificationKind.choices,
        },
    )
