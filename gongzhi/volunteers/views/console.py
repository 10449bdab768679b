"""Console pages: teams, activities with their sessions, attendance and hours confirmation, the
certificate register.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its Chinese
message on the page. Missing and forbidden rows are the same 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import SKILLS
from gongzhi.volunteers import access, activities, attendance, certificates, teams
from gongzhi.volunteers.enums import (
    WEEKDAYS,
    ActivityCategory,
    EditRequestStatus,
    HoursStatus,
    OwnerKind,
    Recurrence,
)
from gongzhi.volunteers.hours import star_label
from gongzhi.volunteers.selectors import volunteer_counts

PAGE = 200


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    response["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, exc: ApplicationError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _local(value: str) -> dt.datetime | None:
    parsed = parse_datetime((value or "").strip())
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _managed_communities(request: HttpRequest) -> list[Any]:
    from gongzhi.places.models import Community

    scope = scope_of(actor_of(request))
    if scope.superuser:
        return list(Community.objects.order_by("code")[:300])
    codes = scope.codes(access.MANAGERS)
    q = Community.objects.filter(code__in=sorted(codes["community"]))
    if codes["district"]:
        q = q | Community.objects.filter(code__startswith=sorted(codes["district"])[0])
    return list(q.order_by("code")[:300])


@console_login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _managed_communities(request)
    form: dict[str, Any] = {"owner_kind": OwnerKind.COMMUNITY}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "")
            for k in ("community_id", "name", "owner_kind", "unit_id", "service_area", "description")
        }
        try:
            team = teams.team_create(
                actor=actor,
                community_id=_int(form["community_id"]) or 0,
                name=form["name"],
                owner_kind=form["owner_kind"],
                unit_id=_int(form["unit_id"]),
                service_area=form["service_area"],
                skills=request.POST.getlist("skills"),
                description=form["description"],
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已组建“{team.name}”")
            return redirect("volunteers:team_detail", team_id=team.pk)
    rows = list(teams.team_list_for_actor(actor=actor, limit=PAGE))
    return render(
        request,
        "volunteers/console/teams.html",
        {
            "teams": rows,
            "communities": communities,
            "owner_kinds": OwnerKind.choices,
            "skills": SKILLS,
            "form": form,
            "errors": errors,
            "figures": volunteer_counts(scope_of(actor)),
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        team = teams.team_get_for_actor(actor=actor, team_id=team_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        try:
            teams.team_member_add(
                actor=actor,
                team_id=team.pk,
                volunteer_id=_int(request.POST.get("volunteer_id")) or 0,
                role=request.POST.get("role", "member"),
            )
            messages.success(request, "已加入队伍")
        except ApplicationError as exc:
            _refused(request, exc)
        return redirect("volunteers:team_detail", team_id=team.pk)
    members = team.memberships.filter(status="active").select_related("volunteer").order_by("role", "id")
    return render(
        request,
        "volunteers/console/team_detail.html",
        {
            "team": team,
            "members": members,
            "candidates": teams.volunteer_list_for_actor(actor=actor, limit=300),
            "activities": activities.activity_list_for_actor(actor=actor, team_id=team.pk, limit=PAGE),
            "can_organize": access.can_organize_team(actor, team),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form: dict[str, Any] = {"recurrence": Recurrence.ONE_OFF, "capacity": "20"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        keys = (
            "team_id",
            "title",
            "venue",
            "capacity",
            "recurrence",
            "weekday",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "description",
            "category",
        )
        form = {k: request.POST.get(k, "") for k in keys}
        try:
            activity = activities.activity_create(
                actor=actor,
                team_id=_int(form["team_id"]) or 0,
                title=form["title"],
                venue=form["venue"],
                capacity=_int(form["capacity"]) or 0,
                recurrence=form["recurrence"] or Recurrence.ONE_OFF,
                weekday=_int(form["weekday"]),
                start_date=parse_date(form["start_date"] or ""),
                end_date=parse_date(form["end_date"] or ""),
                start_time=parse_time(form["start_time"] or ""),
                end_time=parse_time(form["end_time"] or ""),
                description=form["description"],
                category=form["category"] or ActivityCategory.VOLUNTEER_SERVICE,
            )
        except (ApplicationError, ValueError) as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            message = exc.message if isinstance(exc, ApplicationError) else "日期或时间格式不正确"
            errors = (exc.fields if isinstance(exc, ApplicationError) else {}) or {"__all__": message}
            messages.error(request, message)
        else:
            messages.success(request, f"已发布“{activity.title}”，共{activity.sessions.count()}场")
            return redirect("volunteers:activity_detail", activity_id=activity.pk)
    organised = [
        t for t in teams.team_list_for_actor(actor=actor, limit=PAGE) if access.can_organize_team(actor, t)
    ]
    return render(
        request,
        "volunteers/console/activities.html",
        {
            "activities": activities.activity_list_for_actor(actor=actor, limit=PAGE),
            "teams": organised,
            "weekdays": WEEKDAYS,
            "recurrences": Recurrence.choices,
            "categories": ActivityCategory.choices,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        activity = activities.activity_get_for_actor(actor=actor, activity_id=activity_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "volunteers/console/activity_detail.html",
        {
            "activity": activity,
            "sessions": activities.session_list_for_activity(actor=actor, activity_id=activity.pk),
            "can_organize": access.can_organize(actor, activity),
        },
    )


@console_login_required
@require_POST
def activity_cancel(request: HttpRequest, activity_id: int) -> HttpResponse:
    try:
        activities.activity_cancel(
            actor=actor_of(request), activity_id=activity_id, reason=request.POST.get("reason", "")
        )
        messages.success(request, "活动已取消，未开始的场次随之取消")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("volunteers:activity_detail", activity_id=activity_id)


@console_login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = activities.session_get_for_actor(actor=actor, session_id=session_id)
        signups = list(activities.signup_list_for_session(actor=actor, session_id=session.pk))
        rows = list(attendance.attendance_list_for_session(actor=actor, session_id=session.pk))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    attended = {a.volunteer_id for a in rows}
    # Who the organiser may enter: those signed up, then the team's other members (walk-ins).
    candidates = [(s.volunteer_id, f"{s.volunteer.name}（{s.get_status_display()}）") for s in signups]
    listed = {v for v, _label in candidates}
    for m in session.activity.team.memberships.filter(status="active").select_related("volunteer"):
        if m.volunteer_id not in listed:
            candidates.append((m.volunteer_id, f"{m.volunteer.name}（{m.get_role_display()}）"))
    return render(
        request,
        "volunteers/console/session.html",
        {
            "session": session,
            "signups": signups,
            "attendances": rows,
            "absent": [(v, label) for v, label in candidates if v not in attended],
            "can_organize": access.can_organize(actor, session.activity),
            "scan_url": request.build_absolute_uri(reverse("volunteers_h5:scan", args=[session.qr_token])),
            "pending": any(getattr(a, "hours", None) and a.hours.status == HoursStatus.PENDING for a in rows),
        },
    )


@console_login_required
@require_POST
def session_record(request: HttpRequest, session_id: int) -> HttpResponse:
    """The organiser enters attendance for a volunteer without a phone, or checks someone out."""
    actor = actor_of(request)
    try:
        attendance_id = _int(request.POST.get("attendance_id"))
        check_out = _local(request.POST.get("check_out_at", ""))
        if attendance_id:
            if check_out is None:
                raise ApplicationError("请填写签退时间", fields={"check_out_at": "请填写签退时间"})
            attendance.attendance_check_out(actor=actor, attendance_id=attendance_id, check_out_at=check_out)
        else:
            check_in = _local(request.POST.get("check_in_at", ""))
            if check_in is None:
                raise ApplicationError("请填写签到时间", fields={"check_in_at": "请填写签到时间"})
            attendance.attendance_record(
                actor=actor,
                session_id=session_id,
                volunteer_id=_int(request.POST.get("volunteer_id")) or 0,
                check_in_at=check_in,
                check_out_at=check_out,
            )
        messages.success(request, "已登记")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("volunteers:session_detail", session_id=session_id)


@console_login_required
@require_POST
def session_confirm(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        n = attendance.session_hours_confirm(actor=actor_of(request), session_id=session_id)
        messages.success(request, f"已确认{n}条服务时长")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("volunteers:session_detail", session_id=session_id)


@console_login_required
@require_GET
def session_poster(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = activities.session_get_for_actor(actor=actor, session_id=session_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not access.can_organize(actor, session.activity):
        raise Http404
    url = request.build_absolute_uri(reverse("volunteers_h5:scan", args=[session.qr_token]))
    return _pdf(certificates.render_session_poster(session, url), f"签到码_{session.activity.title}.pdf")


@console_login_required
@require_http_methods(["GET", "POST"])
def hours_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        try:
            hours_id = _int(request.POST.get("hours_id"))
            request_id = _int(request.POST.get("request_id"))
            action = request.POST.get("action", "")
            if hours_id and action == "confirm":
                attendance.hours_confirm(actor=actor, hours_id=hours_id)
            elif hours_id and action == "reject":
                attendance.hours_reject(actor=actor, hours_id=hours_id, reason=request.POST.get("reason", ""))
            elif request_id and action in ("approve", "deny"):
                attendance.hours_edit_request_decide(
                    actor=actor,
                    request_id=request_id,
                    approve=action == "approve",
                    note=request.POST.get("note", ""),
                )
            else:
                raise ApplicationError("无法识别的操作")
            messages.success(request, "已处理")
        except ApplicationError as exc:
            _refused(request, exc)
        return redirect("volunteers:hours")
    status = request.GET.get("status", HoursStatus.PENDING)
    status = status if status in HoursStatus.values else ""
    rows = list(attendance.hours_list_for_actor(actor=actor, status=status, limit=PAGE))
    for h in rows:
        h.can_decide = h.status == HoursStatus.PENDING and access.can_organize(actor, h.session.activity)  # type: ignore[attr-defined]
    requests = list(attendance.edit_request_list_for_actor(actor=actor, status=EditRequestStatus.PENDING))
    for r in requests:
        r.can_decide = access.can_organize(actor, r.service_hours.session.activity)  # type: ignore[attr-defined]
    return render(
        request,
        "volunteers/console/hours.html",
        {"hours": rows, "status": status, "statuses": HoursStatus.choices, "requests": requests},
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def certificate_register(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        try:
            cert = certificates.certificate_issue(
                actor=actor,
                volunteer_id=_int(request.POST.get("volunteer_id")) or 0,
                period_start=parse_date(request.POST.get("period_start", "") or ""),
                period_end=parse_date(request.POST.get("period_end", "") or ""),
            )
            messages.success(request, f"已出具证明 {cert.number}")
        except ApplicationError as exc:
            _refused(request, exc)
        except ValueError:
            messages.error(request, "日期格式不正确")
        return redirect("volunteers:certificates")
    q = request.GET.get("q", "").strip()[:50]
    volunteers = list(teams.volunteer_list_for_actor(actor=actor, limit=100))
    for v in volunteers:
        v.star = star_label(v.star_level)  # type: ignore[attr-defined]
    return render(
        request,
        "volunteers/console/certificates.html",
        {
            "certificates": certificates.certificate_list_for_actor(actor=actor, q=q),
            "volunteers": volunteers,
            "q": q,
            "can_issue": bool(_managed_communities(request)),
        },
    )


@console_login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    try:
        cert = certificates.certificate_get_for_actor(actor=actor_of(request), certificate_id=certificate_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    url = request.build_absolute_uri(reverse("volunteers:certificates") + f"?q={cert.number}")
    return _pdf(certificates.render_certificate(cert, url), f"志愿服务证明_{cert.number}.pdf")


app_name = "volunteers"
urlpatterns = [
    path("teams/", team_list, name="teams"),
    path("teams/<int:team_id>/", team_detail, name="team_detail"),
    path("activities/", activity_list, name="activities"),
    path("activities/<int:activity_id>/", activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/cancel/", activity_cancel, name="activity_cancel"),
    path("sessions/<int:session_id>/", session_detail, name="session_detail"),
    path("sessions/<int:session_id>/record/", session_record, name="session_record"),
    path("sessions/<int:session_id>/confirm/", session_confirm, name="session_confirm"),
    path("sessions/<int:session_id>/poster.pdf", session_poster, name="session_poster"),
    path("hours/", hours_list, name="hours"),
    path("certificates/", certificate_register, name="certificates"),
    path("certificates/<int:certificate_id>.pdf", certificate_pdf, name="certificate_pdf"),
]
