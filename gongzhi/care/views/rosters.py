"""Console pages of the rosters: the roster of a place with its figures, the overdue list, a person's care
page (enter a group, leave it), the need-to-know roster (a grant and a reason; each reveal audited) and the
district admin's grants. Thin: scoped selectors read, services write; missing and forbidden are one 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.care import selectors, services
from gongzhi.care.enums import CareGroup, FollowUp, Frequency, Occasion, VisitMode
from gongzhi.care.forms import EntryForm, ExitForm, GrantForm
from gongzhi.care.models import CareGrant
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import date_or_none
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of

PAGE_SIZE = 300


def _reader(request: HttpRequest) -> Any:
    actor = actor_of(request)
    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & POPULATION_ROLES):
        raise Http404
    return actor


def _fail(request: HttpRequest, exc: ApplicationError) -> dict[str, str]:
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc
    messages.error(request, exc.message)
    return exc.fields or {"form": exc.message}


@console_login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    f = {k: request.GET.get(k, "")[:40] for k in ("group", "grid_code", "q")}
    group = (
        f["group"]
        if f["group"] in selectors.GROUP_LABELS
        and f["group"] not in ("community_correction", "severe_mental_illness")
        else ""
    )
    rows = list(
        selectors.membership_list_for_actor(actor=actor, group=group, grid_code=f["grid_code"])[:PAGE_SIZE]
    )
    found = selectors.care_person_choice_list_for_actor(actor=actor, q=f["q"]) if f["q"] else []
    return render(
        request,
        "care/console/roster.html",
        {
            "rows": rows,
            "f": f,
            "groups": selectors.OPEN_GROUP_CHOICES,
            "found": found,
            "figures": selectors.grid_figures_for_actor(actor=actor),
            "today": timezone.localdate(),
            "page_size": PAGE_SIZE,
        },
    )


@console_login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    mine = request.GET.get("mine") == "1"
    grid_code = request.GET.get("grid_code", "")[:15]
    rows = selectors.overdue_list_for_actor(
        actor=actor, carer_id=actor.pk if mine else None, grid_code=grid_code
    )
    today = timezone.localdate()
    for r in rows:
        r.days_overdue = (today - r.due_on).days  # type: ignore[attr-defined]
    return render(
        request,
        "care/console/overdue.html",
        {
            "rows": rows,
            "mine": mine,
            "grid_code": grid_code,
            "counts": selectors.overdue_counts_for_actor(actor=actor),
        },
    )


def _person(actor: Any, person_id: int) -> Any:
    from gongzhi.people.models import Person

    scope = scope_of(actor)
    person = (
        Person.objects.filter(scope.place_q(POPULATION_ROLES), pk=person_id)
        .select_related("household")
        .first()
    )
    if person is None:
        raise Http404
    return person


@console_login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _reader(request)
    p = _person(actor, person_id)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"entered_on": timezone.localdate().isoformat()}
    if request.method == "POST":
        posted = EntryForm(request.POST)
        form = posted.values()
        data = posted.entry_input()
        data.person_id = p.pk
        try:
            row = services.membership_enter(actor=actor, data=data)
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(
                request,
                gettext("已将%(name)s纳入“%(value)s”") % {"name": p.name, "value": row.get_group_display()},
            )
            return redirect("care:person", person_id=p.pk)
    from gongzhi.accounts.models import User

    carers = [
        u
        for u in User.objects.filter(
            role_assignments__active=True, role_assignments__place_code__in=[p.grid_code, p.community_code]
        )
        .distinct()
        .order_by("username")[:50]
        if allowed(u, "care.view_care", p)
    ]
    return render(
        request,
        "care/console/person.html",
        {
            "person": p,
            "memberships": list(
                selectors.membership_list_for_actor(actor=actor, person_id=p.pk, active_only=False)
            ),
            "visits": list(selectors.visit_list_for_actor(actor=actor, person_id=p.pk, limit=50)),
            "care_visits": list(
                selectors.care_visit_list_for_actor(actor=actor, limit=None).filter(person_id=p.pk)[:50]
            ),
            "groups": selectors.OPEN_GROUP_CHOICES
            + (
                [
                    (g.value, g.label)
                    for g in CareGroup
                    if g.value in ("community_correction", "severe_mental_illness")
                ]
                if allowed(actor, "care.view_sensitive", p)
                else []
            ),
            "frequencies": Frequency.choices,
            "carers": carers,
            "can_edit": allowed(actor, "care.manage_membership", p),
            "form": form,
            "errors": errors,
            "follow_ups": FollowUp.choices,
            "modes": VisitMode.choices,
            "occasions": Occasion.choices,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def member_exit(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        row = selectors.membership_get_for_actor(actor=actor, membership_id=membership_id)
    except NotFound as exc:
        raise Http404 from exc
    posted = ExitForm(request.POST)
    try:
        services.membership_exit(
            actor=actor,
            membership_id=row.pk,
            exited_on=date_or_none(posted.text("exited_on")),
            reason=posted.text("reason"),
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            gettext("%(name)s已退出“%(value)s”")
            % {"name": row.person.name, "value": row.get_group_display()},
        )
    return redirect("care:person", person_id=row.person_id)


@console_login_required
@require_http_methods(["GET", "POST"])
def sensitive(request: HttpRequest) -> HttpResponse:
    """The need-to-know roster: shown only after a reason is posted, each time (audited)."""
    actor = _reader(request)
    if not selectors.granted_districts(actor):
        raise Http404
    rows = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = ReasonForm(request.POST)
        try:
            rows = services.sensitive_reveal(actor=actor, reason=posted.text("reason"))
        except ApplicationError as exc:
            errors = _fail(request, exc)
    return render(
        request,
        "care/console/sensitive.html",
        {"rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "care.grant_sensitive"):
        raise Http404
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    districts = sorted(scope_of(actor).district_codes)
    if request.method == "POST":
        from gongzhi.accounts.models import User

        posted = GrantForm(request.POST)
        form = posted.values()
        user = User.objects.filter(username=posted.text("username")).first()
        try:
            services.care_grant(
                actor=actor,
                user_id=user.pk if user else 0,
                district_code=posted.text("district_code") or (districts[0] if districts else ""),
                reason=posted.text("reason"),
            )
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(request, gettext("已授权"))
            return redirect("care:grants")
    rows = (
        CareGrant.objects.filter(district_code__in=districts)
        .select_related("user", "granted_by")
        .order_by("-id")
    )
    return render(
        request,
        "care/console/grants.html",
        {"rows": list(rows[:200]), "form": form, "errors": errors, "districts": districts},
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "care.grant_sensitive"):
        raise Http404
    try:
        services.care_grant_revoke(actor=actor, grant_id=grant_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, gettext("已撤销授权"))
    return redirect("care:grants")
