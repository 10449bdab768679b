"""Console pages for the population register: search, person detail with audited reveal, correcting a
person, registering a household or a member by hand, import, export.

Views are thin: every read goes through ``selectors`` (scope applied), every write through ``services``.
A person outside the actor's scope is a 404, the same as a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core import ratelimit
from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound
from gongzhi.core.http import int_or_none, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.replica import replica_reads
from gongzhi.jobs.selectors import job_context
from gongzhi.people import exports, forms, imports, selectors, services, sheets
from gongzhi.people.api import template_for
from gongzhi.people.enums import ImportStatus, PersonTag

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.people.models import Person

PAGE_SIZE = 50
GRID_CHOICES_MAX = 300  # more grids than this: a code box instead of a drop-down
SHOWN_IMPORT_ERRORS = 200
REVEAL_FIELDS: dict[str, Any] = {"id_number": gettext_lazy("身份证号码"), "phone": gettext_lazy("联系电话")}


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def _http(exc: ApplicationError) -> Exception:
    """A refusal from a service, as the HTTP error a page answers with."""
    if isinstance(exc, NotFound):
        return Http404(exc.message)
    if isinstance(exc, Forbidden):
        return PermissionDenied(exc.message)
    return exc


def _filters(request: HttpRequest) -> dict[str, Any]:
    after = request.GET.get("after", "")
    return {
        "q": request.GET.get("q", "").strip()[:50],
        "grid_code": request.GET.get("grid", "").strip()[:15],
        "tag": request.GET.get("tag", "") if request.GET.get("tag", "") in PersonTag.values else "",
        "after_id": int_or_none(after),
    }


@login_required
@require_GET
@replica_reads
def person_search(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.selectors import grid_list_for_actor

    actor = _actor(request)
    filters = _filters(request)
    rows = list(selectors.person_list_for_actor(actor=actor, limit=PAGE_SIZE + 1, **filters))
    next_after = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    query = {
        k: v for k, v in (("q", filters["q"]), ("grid", filters["grid_code"]), ("tag", filters["tag"])) if v
    }
    context: dict[str, Any] = {
        "persons": rows[:PAGE_SIZE],
        "next_after": next_after,
        "paged": bool(filters["after_id"]),
        "filters": filters,
        "query": urlencode(query),
        "next_query": urlencode({**query, "after": next_after}) if next_after else "",
        "export_url": reverse("people:export") + (f"?{urlencode(query)}" if query else ""),
    }
    if request.htmx and request.htmx.target == "person-results":  # type: ignore[attr-defined]
        return render(request, "people/partials/_results.html", context)
    grids = list(grid_list_for_actor(actor=actor, limit=GRID_CHOICES_MAX + 1))
    can_register = allowed(actor, "people.add_household")
    context.update(
        grids=grids if len(grids) <= GRID_CHOICES_MAX else None,
        tags=PersonTag.choices,
        can_import=can_register,
        can_register=can_register,
    )
    return render(request, "people/console/search.html", context)


def _detail_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    from gongzhi.audit.selectors import audit_timeline_for_target

    actor = _actor(request)
    members = (
        list(selectors.household_members(actor=actor, household_id=person.household_id))
        if person.household_id
        else []
    )
    return {
        "person": person,
        "members": members,
        "can_reveal": allowed(actor, "people.reveal_person", person),
        "can_edit": allowed(actor, "people.change_person", person),
        "events": list(audit_timeline_for_target(actor=actor, target=person, limit=50)),
        "reveal_fields": REVEAL_FIELDS,
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        person = selectors.person_get_for_actor(actor=_actor(request), person_id=person_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    return render(request, "people/console/detail.html", _detail_context(request, person))


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """Swaps the masked value for the full one (htmx); the service checks the permission and audits."""
    form = forms.PersonRevealForm(request.POST)
    field_name = form.text("field")
    reason = form.reveal_reason()
    try:
        person = selectors.person_get_for_actor(actor=_actor(request), person_id=person_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    if field_name not in REVEAL_FIELDS:
        raise Http404
    masked = person.id_number_masked if field_name == "id_number" else person.phone_masked
    context: dict[str, Any] = {
        "person": person,
        "field": field_name,
        "masked": masked,
        "reason": reason,
        "can_reveal": True,  # the service decides; a refusal is answered below
    }
    try:
        context["value"] = services.person_reveal(
            actor=_actor(request), person_id=person.pk, field_name=field_name, reason=reason
        )
    except (NotFound, Forbidden) as exc:
        raise _http(exc) from exc
    except ApplicationError as exc:  # no reason, a reason past the limit, too many reveals (Retry-After)
        context["error"] = exc.message
        return ratelimit.with_retry_after(render(request, "people/partials/_reveal.html", context), exc)
    response = render(request, "people/partials/_reveal.html", context)
    response["HX-Trigger"] = "people:revealed"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def person_timeline(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        _person, events = selectors.person_timeline_for_actor(
            actor=_actor(request), person_id=person_id, limit=50
        )
    except ApplicationError as exc:
        raise _http(exc) from exc
    return render(request, "people/partials/_timeline.html", {"events": events})


def _form_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    # A form sent back with errors may echo a full ID or phone number as typed: keep it out of caches.
    response = render(request, template, context)
    if request.method == "POST":
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Correcting a person; the ID and phone numbers show masked and a blank one is kept as stored."""
    actor = _actor(request)
    try:
        person = selectors.person_get_for_editor(actor=actor, person_id=person_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    masks = {"id_number_masked": person.id_number_masked, "phone_masked": person.phone_masked}
    if request.method == "POST":
        form = forms.PersonEditForm(request.POST, **masks)
        if form.is_valid():
            try:
                services.person_update(actor=actor, person_id=person.pk, data=form.person_input())
            except (NotFound, Forbidden) as exc:
                raise _http(exc) from exc
            except ApplicationError as exc:
                forms.add_errors(form, exc)
            else:
                messages.success(request, _("已保存%(name)s的信息") % {"name": form.cleaned_data["name"]})
                return redirect("people:detail", person_id=person.pk)
    else:
        form = forms.PersonEditForm(
            initial={
                "name": person.name,
                "relation": person.relation,
                "residence_type": person.residence_type,
                "tags": list(person.tags or []),
            },
            **masks,
        )
    return _form_response(request, "people/console/person_edit.html", {"person": person, "form": form})


@login_required
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        household, members = selectors.household_with_members_get_for_actor(
            actor=actor, household_id=household_id
        )
    except ApplicationError as exc:
        raise _http(exc) from exc
    context = {
        "household": household,
        "members": members,
        "can_edit": allowed(actor, "people.add_person", household),
    }
    return render(request, "people/console/household_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, household_id: int) -> HttpResponse:
    """Registers one more person in an existing household."""
    actor = _actor(request)
    try:
        household = selectors.household_get_for_editor(actor=actor, household_id=household_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    if request.method == "POST":
        form = forms.PersonForm(request.POST)
        if form.is_valid():
            try:
                person = services.person_create(
                    actor=actor, household_id=household.pk, data=form.person_input()
                )
            except (NotFound, Forbidden) as exc:
                raise _http(exc) from exc
            except ApplicationError as exc:
                forms.add_errors(form, exc)
            else:
                messages.success(request, _("已登记%(name)s") % {"name": person.name})
                return redirect("people:household_detail", household_id=household.pk)
    else:
        form = forms.PersonForm()
    return _form_response(request, "people/console/member_new.html", {"household": household, "form": form})


def _grid_choices(actor: User) -> list[tuple[str, str]] | None:
    """The grids the actor may register in, as drop-down choices; None when there are too many."""
    grids = list(selectors.registration_grids_for_actor(actor=actor, limit=GRID_CHOICES_MAX + 1))
    if len(grids) > GRID_CHOICES_MAX:
        return None
    return [(g.code, f"{g.name}（{g.code}）") for g in grids]


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    """Registers a new household in a grid with its head, in one submission and one transaction."""
    actor = _actor(request)
    if not allowed(actor, "people.add_household"):
        raise Http404
    grids = _grid_choices(actor)
    if grids == []:
        # An editing role whose places hold no grid yet: nothing to register in.
        return render(request, "people/console/household_new.html", {"form": None})
    if request.method == "POST":
        form = forms.HouseholdRegisterForm(request.POST, grids=grids)
        if form.is_valid():
            try:
                grid = selectors.registration_grid_get_for_actor(
                    actor=actor, grid_code=form.cleaned_data["grid"]
                )
                head = services.household_register(
                    actor=actor,
                    grid_id=grid.pk,
                    estate=form.cleaned_data["estate"],
                    building=form.cleaned_data["building"],
                    entrance=form.cleaned_data["entrance"],
                    door=form.cleaned_data["door"],
                    head=form.person_input(),
                )
            except (NotFound, Forbidden) as exc:
                form.add_error("grid", exc.message)
            except ApplicationError as exc:
                forms.add_errors(form, exc)
            else:
                address = head.household.address if head.household else ""
                messages.success(
                    request,
                    _("已登记住户%(address)s，户主%(name)s") % {"address": address, "name": head.name},
                )
                return redirect("people:household_detail", household_id=head.household_id)
    else:
        wanted = request.GET.get("grid", "").strip()[:15]
        if grids is not None and len(grids) == 1:
            wanted = grids[0][0]
        form = forms.HouseholdRegisterForm(initial={"grid": wanted}, grids=grids)
    return _form_response(request, "people/console/household_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_import(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    context: dict[str, Any] = {
        "max_rows": sheets.max_rows(),
        "max_mb": sheets.max_file_bytes() // 1024 // 1024,
        "can_import": allowed(actor, "people.add_household"),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        dry_run = forms.PersonImportForm(request.POST).dry_run()
        context["dry_run"] = dry_run
        try:
            if upload is None:
                raise ApplicationError(gettext("请选择要上传的Excel文件"))
            sheets.check_upload(upload.name or "", upload.size or 0)
            if (upload.size or 0) > settings.JOBS_IMPORT_SYNC_BYTES:
                # A large file goes to the background: the page shows its progress and never times out.
                job = imports.population_import_enqueue(
                    actor=actor, file_name=upload.name or "", content=upload.read(), dry_run=dry_run
                )
                if request.htmx:  # type: ignore[attr-defined]
                    return render(request, "jobs/partials/_progress.html", job_context(job))
                return redirect("jobs:detail", job_id=job.pk)
            record = imports.population_import(
                actor=actor, file_name=upload.name or "", content=upload.read(), dry_run=dry_run
            )
        except Forbidden as exc:
            raise _http(exc) from exc
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            context.update(
                record=record,
                shown_errors=record.errors[:SHOWN_IMPORT_ERRORS],
                more_errors=max(record.error_count - SHOWN_IMPORT_ERRORS, 0),
                statuses=ImportStatus,
            )
        if request.htmx:  # type: ignore[attr-defined]
            # 200 even when refused: htmx 2 swaps no 4xx answer, and the message must reach the page.
            return render(request, "people/partials/_import_result.html", context)
    context["imports"] = list(selectors.population_import_list_for_actor(actor=actor, limit=10))
    # A refused file is a 400, as the API answers it, with the message on the page.
    return render(request, "people/console/import.html", context, status=400 if "error" in context else 200)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_for(_actor(request)), "实有人口导入模板.xlsx")


@login_required
@require_GET
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    try:
        record = selectors.population_import_get_for_actor(actor=_actor(request), import_id=import_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    content = exports.population_import_report(actor=_actor(request), record=record)
    return xlsx_response(content, f"导入错误报告_{record.pk}.xlsx")


@login_required
@require_GET
def person_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    filters.pop("after_id")
    try:
        count = exports.persons_export_count(actor=_actor(request), **filters)
        if count > settings.JOBS_EXPORT_SYNC_ROWS:
            # A large register is written by the task worker; its page shows the progress and the file.
            job = exports.persons_export_enqueue(actor=_actor(request), count=count, **filters)
            return redirect("jobs:detail", job_id=job.pk)
        content, _count = exports.persons_export(actor=_actor(request), **filters)
    except (NotFound, Forbidden) as exc:
        raise _http(exc) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        query = {
            k: v
            for k, v in (("q", filters["q"]), ("grid", filters["grid_code"]), ("tag", filters["tag"]))
            if v
        }
        return redirect(reverse("people:search") + (f"?{urlencode(query)}" if query else ""))
    return xlsx_response(content, f"实有人口_{timezone.localdate():%Y%m%d}.xlsx")
