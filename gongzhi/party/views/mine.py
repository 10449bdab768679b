"""The in-service member's and the unit liaison's own pages (H5, phone first).

A member: my 报到证 (with the unit's address), where I serve (the unit's paired grid by default), the
community's posts and service items to claim with a pledge (认领 · 承诺), recording service (践诺) and
seeing the community's confirmation or rejection, my hours this year. A liaison: the unit's registered
members, their claims and records, feedback letters, the unit's resources, the needs it has taken on and
its assessment. Reads through ``party.selectors.mine``; writes through the serving services (one
transaction, one audit row each; the community confirms, never the member).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.party.enums import ClaimStatus
from gongzhi.party.forms import ClaimForm, OwnRecordForm, form_refusal
from gongzhi.party.selectors import mine as selectors
from gongzhi.party.services import serving

RECORDS_PER_PAGE = 10


@h5_login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """我的报到证 and my hours this year."""
    actor = actor_of(request)
    registrations = selectors.my_registrations(actor=actor)
    places = selectors.serving_places(registrations)
    hours = selectors.hours_this_year(selectors.my_records(actor=actor))
    return render(
        request,
        "party/h5/me.html",
        {"registrations": registrations, "places": places, "hours": hours},
    )


def _places_and_community(request: HttpRequest) -> tuple[list[selectors.ServingPlace], Any]:
    actor = actor_of(request)
    places = selectors.serving_places(selectors.my_registrations(actor=actor))
    wanted = request.GET.get("community", "")
    chosen = next((p for p in places if str(p.community.pk) == wanted), places[0] if places else None)
    return places, chosen


@h5_login_required
@require_GET
def items(request: HttpRequest) -> HttpResponse:
    """The posts and service items of the community the member serves in (the paired grid's first)."""
    actor = actor_of(request)
    places, chosen = _places_and_community(request)
    rows = list(selectors.my_item_list(actor=actor, community_ids=[chosen.community.pk])) if chosen else []
    projects = selectors.open_projects(actor=actor, community_code=chosen.community.code) if chosen else []
    claims = selectors.my_claims(actor=actor)
    claimed = {c.item_id for c in claims if c.status in (ClaimStatus.ACTIVE, ClaimStatus.COMPLETED)}
    return render(
        request,
        "party/h5/items.html",
        {"places": places, "chosen": chosen, "items": rows, "claimed": claimed, "projects": projects},
    )


@h5_login_required
@require_POST
def claim(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = ClaimForm(request.POST)
    try:
        if not form.is_valid():
            raise form_refusal(form)
        made = serving.claim_create(actor=actor, item_id=item_id, pledge=form.cleaned_data["pledge"])
    except NotFound:
        messages.error(request, gettext("该岗位/项目不存在或不在您服务的社区"))
        return redirect("party_h5:items")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_items_url()}?community={_community_of_item(actor, item_id)}#item-{item_id}")
    messages.success(
        request, gettext("已认领“%(title)s”，服务后请及时登记服务记录") % {"title": made.item.title}
    )
    return redirect("party_h5:service")


def _items_url() -> str:
    from django.urls import reverse

    return reverse("party_h5:items")


def _community_of_item(actor: Any, item_id: int) -> str:
    from gongzhi.party.selectors.serving import service_item_list_for_actor

    item = service_item_list_for_actor(actor=actor).filter(pk=item_id).values_list("community_id", flat=True)
    return str(item.first() or "")


@h5_login_required
@require_http_methods(["GET", "POST"])
def service(request: HttpRequest) -> HttpResponse:
    """My claims, recording service (践诺) and my records with the community's decision, paged."""
    actor = actor_of(request)
    error: ApplicationError | None = None
    data: dict[str, Any] = {}
    if request.method == "POST":
        form = OwnRecordForm(request.POST)
        data = form.values()
        try:
            if not form.is_valid():
                raise form_refusal(form)
            record = serving.service_record_submit(actor=actor, **form.service_kwargs())
        except NotFound:
            error = ApplicationError(
                gettext("所选认领不存在，请重新选择"), fields={"claim_id": gettext("所选认领不存在")}
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                gettext("已登记 %(served_on)s 的服务 %(value)s 小时，待社区确认")
                % {"served_on": record.served_on, "value": format(record.hours.normalize(), "f")},
            )
            return redirect("party_h5:service")
    claims = selectors.my_claims(actor=actor)
    records = selectors.my_records(actor=actor)
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    reasons = selectors.rejection_reasons(rows)
    for r in rows:
        r.reject_reason = reasons.get(r.pk, "")
    return render(
        request,
        "party/h5/service.html",
        {
            "claims": claims,
            "open_claims": [c for c in claims if c.status == ClaimStatus.ACTIVE],
            "page": page,
            "records": rows,
            "hours": selectors.hours_this_year(records),
            "is_member": bool(selectors.my_registrations(actor=actor)),
            "data": data or {"served_on": timezone.localdate().isoformat()},
            "error": error,
            "today": timezone.localdate().isoformat(),
        },
        status=error.status if error else 200,
    )


@h5_login_required
@require_GET
def unit(request: HttpRequest) -> HttpResponse:
    """The unit liaison's page: each of their units with its members, service and cobuilding."""
    actor = actor_of(request)
    pages = [selectors.unit_page(actor=actor, unit=u) for u in selectors.my_units(actor=actor)]
    return render(request, "party/h5/unit.html", {"pages": pages})
