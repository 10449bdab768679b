"""Console pages: teams, activities with their sessions, attendance and hours confirmation, the
certificate register.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its Chinese
message on the page. Missing and forbidden rows are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import pdf_response, refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import SKILLS
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.volunteers import certificates
from gongzhi.volunteers.enums import (
    WEEKDAYS,
    ActivityCategory,
    EditRequestStatus,
    HoursStatus,
    OwnerKind,
    Recurrence,
)
from gongzhi.volunteers.forms import (
    ActivityForm,
    AttendanceEntryForm,
    CertificateForm,
    HoursDecisionForm,
    TeamForm,
    TeamMemberForm,
)
from gongzhi.volunteers.selectors import activities as activity_selectors
from gongzhi.volunteers.selectors import attendance as attendance_selectors
from gongzhi.volunteers.selectors import teams as team_selectors
from gongzhi.volunteers.selectors.certificates import certificate_get_for_actor, certificate_list_for_actor
from gongzhi.volunteers.selectors.figures import volunteer_counts
from gongzhi.volunteers.services import activities, attendance, hours, teams
from gongzhi.volunteers.services.certificates import certificate_issue
from gongzhi.volunteers.services.hours import star_label

PAGE = 200


def _managed_communities(request: HttpRequest) -> list[Any]:
    return list(community_list_for_actor(actor=actor_of(request), roles=COMMUNITY_MANAGERS)[:300])


@console_login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _managed_communities(request)
    form: dict[str, Any] = {"owner_kind": OwnerKind.COMMUNITY}
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = TeamForm(request.POST)
        form = posted.values()
        try:
            team = teams.team_create(actor=actor, **posted.team_create_kwargs())
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已组建“%(name)s”") % {"name": team.name})
            return redirect("volunteers:team_detail", team_id=team.pk)
    rows = list(team_selectors.team_list_for_actor(actor=actor, limit=PAGE))
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
        team = team_selectors.team_get_for_actor(actor=actor, team_id=team_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        try:
            teams.team_member_add(
                actor=actor, team_id=team.pk, **TeamMemberForm(request.POST).team_member_add_kwargs()
            )
            messages.success(request, gettext("已加入队伍"))
        except ApplicationError as exc:
            refused(request, exc)
        return redirect("volunteers:team_detail", team_id=team.pk)
    members = team.memberships.filter(status="active").select_related("volunteer").order_by("role", "id")
    return render(
        request,
        "volunteers/console/team_detail.html",
        {
            "team": team,
            "members": members,
            "candidates": team_selectors.volunteer_list_for_actor(actor=actor, limit=300),
            "activities": activity_selectors.activity_list_for_actor(
                actor=actor, team_id=team.pk, limit=PAGE
            ),
            "can_organize": allowed(actor, "volunteers.organize_team", team),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form: dict[str, Any] = {"recurrence": Recurrence.ONE_OFF, "capacity": "20"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = ActivityForm(request.POST)
        form = posted.values()
        try:
            activity = activities.activity_create(actor=actor, **posted.activity_create_kwargs())
        except (ApplicationError, ValueError) as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            message = exc.message if isinstance(exc, ApplicationError) else "日期或时间格式不正确"
            errors = (exc.fields if isinstance(exc, ApplicationError) else {}) or {"__all__": message}
            messages.error(request, message)
        else:
            messages.success(
                request,
                gettext("已发布“%(title)s”，共%(value)s场")
                % {"title": activity.title, "value": activity.sessions.count()},
            )
            return redirect("volunteers:activity_detail", activity_id=activity.pk)
    organised = [
        t
        for t in team_selectors.team_list_for_actor(actor=actor, limit=PAGE)
        if allowed(actor, "volunteers.organize_team", t)
    ]
    return render(
        request,
        "volunteers/console/activities.html",
        {
            "activities": activity_selectors.activity_list_for_actor(actor=actor, limit=PAGE),
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
        activity = activity_selectors.activity_get_for_actor(actor=actor, activity_id=activity_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "volunteers/console/activity_detail.html",
        {
            "activity": activity,
            "sessions": activity_selectors.session_list_for_activity(actor=actor, activity_id=activity.pk),
            "can_organize": allowed(actor, "volunteers.organize_activity", activity),
        },
    )


@console_login_required
@require_POST
def activity_cancel(request: HttpRequest, activity_id: int) -> HttpResponse:
    try:
        activities.activity_cancel(
            actor=actor_of(request), activity_id=activity_id, reason=ReasonForm(request.POST).text("reason")
        )
        messages.success(request, gettext("活动已取消，未开始的场次随之取消"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("volunteers:activity_detail", activity_id=activity_id)


@console_login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = activity_selectors.session_get_for_actor(actor=actor, session_id=session_id)
        signups = list(activity_selectors.signup_list_for_session(actor=actor, session_id=session.pk))
        rows = list(attendance_selectors.attendance_list_for_session(actor=actor, session_id=session.pk))
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
            "can_organize": allowed(actor, "volunteers.organize_activity", session.activity),
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
        form = AttendanceEntryForm(request.POST)
        attendance_id = form.number("attendance_id")
        check_out = form.check_out()
        if attendance_id:
            if check_out is None:
                raise ApplicationError(
                    gettext("请填写签退时间"), fields={"check_out_at": gettext("请填写签退时间")}
                )
            attendance.attendance_check_out(actor=actor, attendance_id=attendance_id, check_out_at=check_out)
        else:
            check_in = form.check_in()
            if check_in is None:
                raise ApplicationError(
                    gettext("请填写签到时间"), fields={"check_in_at": gettext("请填写签到时间")}
                )
            attendance.attendance_record(
                actor=actor,
                session_id=session_id,
                volunteer_id=form.number("volunteer_id") or 0,
                check_in_at=check_in,
                check_out_at=check_out,
            )
        messages.success(request, gettext("已登记"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("volunteers:session_detail", session_id=session_id)


@console_login_required
@require_POST
def session_confirm(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        done = hours.session_hours_confirm(actor=actor_of(request), session_id=session_id)
        left = f"；本人的{done.own_left}条服务时长须由他人确认" if done.own_left else ""
        messages.success(
            request,
            gettext("已确认%(confirmed)s条服务时长%(left)s") % {"confirmed": done.confirmed, "left": left},
        )
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("volunteers:session_detail", session_id=session_id)


@console_login_required
@require_GET
def session_poster(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = activity_selectors.session_get_for_actor(actor=actor, session_id=session_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not allowed(actor, "volunteers.organize_activity", session.activity):
        raise Http404
    url = request.build_absolute_uri(reverse("volunteers_h5:scan", args=[session.qr_token]))
    return pdf_response(
        certificates.render_session_poster(session, url), f"签到码_{session.activity.title}.pdf"
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def hours_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        try:
            form = HoursDecisionForm(request.POST)
            hours_id, request_id = form.number("hours_id"), form.number("request_id")
            action = form.text("action")
            if hours_id and action == "confirm":
                hours.hours_confirm(actor=actor, hours_id=hours_id)
            elif hours_id and action == "reject":
                hours.hours_reject(actor=actor, hours_id=hours_id, reason=form.text("reason"))
            elif request_id and action in ("approve", "deny"):
                hours.hours_edit_request_decide(
                    actor=actor, request_id=request_id, approve=action == "approve", note=form.text("note")
                )
            else:
                raise ApplicationError(gettext("无法识别的操作"))
            messages.success(request, gettext("已处理"))
        except ApplicationError as exc:
            refused(request, exc)
        return redirect("volunteers:hours")
    status = request.GET.get("status", HoursStatus.PENDING)
    status = status if status in HoursStatus.values else ""
    rows = list(attendance_selectors.hours_list_for_actor(actor=actor, status=status, limit=PAGE))
    for h in rows:
        decide = h.status == HoursStatus.PENDING and allowed(actor, "volunteers.organize_activity", h)
        h.can_decide = decide  # type: ignore[attr-defined]
    requests = list(
        attendance_selectors.edit_request_list_for_actor(actor=actor, status=EditRequestStatus.PENDING)
    )
    for r in requests:
        r.can_decide = allowed(actor, "volunteers.organize_activity", r.service_hours.session.activity)  # type: ignore[attr-defined]
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
            cert = certificate_issue(actor=actor, **CertificateForm(request.POST).certificate_issue_kwargs())
            messages.success(request, gettext("已出具证明 %(number)s") % {"number": cert.number})
        except ApplicationError as exc:
            refused(request, exc)
        except ValueError:
            messages.error(request, gettext("日期格式不正确"))
        return redirect("volunteers:certificates")
    q = request.GET.get("q", "").strip()[:50]
    volunteers = list(team_selectors.volunteer_list_for_actor(actor=actor, limit=100))
    for v in volunteers:
        v.star = star_label(v.star_level)  # type: ignore[attr-defined]
    return render(
        request,
        "volunteers/console/certificates.html",
        {
            "certificates": certificate_list_for_actor(actor=actor, q=q),
            "volunteers": volunteers,
            "q": q,
            "can_issue": bool(_managed_communities(request)),
        },
    )


@console_login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    try:
        cert = certificate_get_for_actor(actor=actor_of(request), certificate_id=certificate_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    url = request.build_absolute_uri(reverse("volunteers:certificates") + f"?q={cert.number}")
    pdf = certificates.certificate_download(actor=actor_of(request), certificate=cert, verify_url=url)
    return pdf_response(pdf, f"志愿服务证明_{cert.number}.pdf")
