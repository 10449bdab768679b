"""Console pages of the party member register: the list (search, filters, keyset paging), entering a
community-managed member from the population register, a member's page (edit, hub household, end,
transfer out), the transfers (组织关系转接: record in, a dissolved organisation's members at once,
accept / return), and the xlsx import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound
from gongzhi.core.http import date_or_none, int_or_none, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_MANAGERS, POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.core.sheets import max_file_bytes, max_rows
from gongzhi.party import member_import
from gongzhi.party.enums import MemberKind, MemberStatus, TransferStatus
from gongzhi.party.models import MemberTransfer, PartyOrganization
from gongzhi.party.selectors import organizations as selectors
from gongzhi.party.services import members as ms
from gongzhi.party.services.organizations import community_member_add, member_set_hub_household
from gongzhi.people.models import Person
from gongzhi.places.models import Community, Grid


def _may_manage(actor: Any) -> bool:
    return allowed(actor, "party.add_partymember", None) or bool(
        scope_of(actor).superuser or any(scope_of(actor).codes(COMMUNITY_MANAGERS).values())
    )


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    if isinstance(exc, NotFound | Forbidden) and exc.code != "own_work":
        raise Http404(exc.message) from exc
    messages.error(request, exc.message)


@console_login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = {
        k: request.GET.get(k, "").strip()[:40]
        for k in ("q", "organization", "kind", "grid", "status", "community")
    }
    rows, count, next_after = selectors.party_member_page_for_actor(
        actor=actor,
        q=f["q"],
        organization_id=int_or_none(f["organization"]),
        kind=f["kind"],
        grid_code=f["grid"],
        community_code=f["community"],
        status=f["status"],
        after=int_or_none(request.GET.get("after", "")),
    )
    scope_q = scope_of(actor).place_q(POPULATION_ROLES)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "party/console/members/list.html",
        {
            "members": rows,
            "count": count,
            "f": f,
            "next_after": next_after,
            "query": query.urlencode(),
            "orgs": list(selectors.org_list_for_actor(actor=actor).values_list("pk", "name")[:300]),
            "grids": list(Grid.objects.filter(scope_q).order_by("code").values_list("code", "name")[:500]),
            "kinds": MemberKind.choices,
            "statuses": MemberStatus.choices,
            "can_manage": _may_manage(actor),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest) -> HttpResponse:
    """Find the resident in the population register, then enter them as a community-managed member."""
    actor = actor_of(request)
    if request.method == "POST":
        try:
            member = community_member_add(
                actor=actor,
                person_id=int_or_none(request.POST.get("person_id", "")) or 0,
                organization_id=int_or_none(request.POST.get("organization_id", "")),
                hub_household=request.POST.get("hub_household") == "1",
                joined_on=date_or_none(request.POST.get("joined_on", "")),
            )
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, gettext("已登记自管党员：%(name)s") % {"name": member.name})
            return redirect("party:member_detail", member_id=member.pk)
    q = request.GET.get("q", "").strip()[:20]
    found: list[Person] = []
    if q:
        from gongzhi.people.selectors import search_q

        found = list(
            Person.objects.filter(scope_of(actor).place_q(COMMUNITY_MANAGERS))
            .filter(search_q(q))
            .exclude(grid_code="")
            .select_related("household")
            .order_by("grid_code", "id")[:50]
        )
    return render(request, "party/console/members/new.html", {"q": q, "found": found})


@console_login_required
@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        member = selectors.member_get_for_actor(actor=actor, member_id=member_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "edit":
                ms.member_update(
                    actor=actor,
                    member_id=member.pk,
                    data=ms.MemberEdit(
                        organization_id=int_or_none(request.POST.get("organization_id", "")),
                        joined_on=date_or_none(request.POST.get("joined_on", "")),
                        hub_household=request.POST.get("hub_household") == "1",
                    ),
                )
                messages.success(request, gettext("已保存"))
            elif action == "hub":
                member_set_hub_household(actor=actor, member_id=member.pk, hub=request.POST.get("hub") == "1")
                messages.success(request, gettext("已更新党员中心户标记"))
            elif action == "end":
                ms.member_end(
                    actor=actor,
                    member_id=member.pk,
                    ended_on=date_or_none(request.POST.get("ended_on", "")),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, gettext("已办理离册"))
            elif action == "transfer_out":
                ms.transfer_out_record(actor=actor, member_id=member.pk, data=_transfer_input(request))
                messages.success(request, gettext("已登记转出，待他人确认对方接收"))
            else:
                raise ApplicationError(gettext("未知操作"))
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("party:member_detail", member_id=member.pk)
    orgs = PartyOrganization.objects.filter(community_code=member.community_code, active=True).order_by(
        "kind", "name"
    )
    return render(
        request,
        "party/console/members/detail.html",
        {
            "member": member,
            "orgs": orgs,
            "transfers": list(member.transfers.order_by("-id")) if member.pk else [],
            "can_change": allowed(actor, "party.change_partymember", member),
            "is_community": member.kind == MemberKind.COMMUNITY_MANAGED,
            "active": member.status == MemberStatus.ACTIVE,
            "today": dt.date.today().isoformat(),
        },
    )


def _transfer_input(request: HttpRequest) -> ms.TransferInput:
    return ms.TransferInput(
        transferred_on=date_or_none(request.POST.get("transferred_on", "")),
        letter_number=request.POST.get("letter_number", ""),
        other_org_id=int_or_none(request.POST.get("other_org_id", "")),
        other_org_name=request.POST.get("other_org_name", ""),
        other_org_dissolved=request.POST.get("dissolved") == "1",
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def transfers(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "in":
                person = _person_by_id_number(actor, request.POST.get("id_number", ""))
                ms.transfer_in_record(actor=actor, person_id=person.pk, data=_transfer_input(request))
                messages.success(
                    request, gettext("已登记%(name)s的组织关系转入，待他人接收") % {"name": person.name}
                )
            elif action == "bulk":
                community = Community.objects.filter(code=request.POST.get("community", "")).first()
                if community is None:
                    raise ApplicationError(gettext("请选择社区"), fields={"community": gettext("请选择社区")})
                numbers = [n for n in request.POST.get("id_numbers", "").split() if n][:5000]
                persons = [_person_by_id_number(actor, n) for n in numbers]
                batch = ms.transfers_in_bulk_record(
                    actor=actor,
                    community_id=community.pk,
                    data=ms.BulkTransferIn(
                        other_org_name=request.POST.get("other_org_name", ""),
                        transferred_on=date_or_none(request.POST.get("transferred_on", "")),
                        letter_number=request.POST.get("letter_number", ""),
                        person_ids=[p.pk for p in persons],
                        other_org_dissolved=request.POST.get("dissolved", "1") == "1",
                    ),
                )
                messages.success(
                    request,
                    gettext("已登记%(n)s名党员整建制转入（批次%(batch)s），待他人接收")
                    % {"n": len(persons), "batch": batch},
                )
            else:
                raise ApplicationError(gettext("未知操作"))
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("party:transfers")
    status = request.GET.get("status", "")
    status = status if status in TransferStatus.values else ""
    scope_q = scope_of(actor).place_q(POPULATION_ROLES)
    return render(
        request,
        "party/console/members/transfers.html",
        {
            "rows": selectors.transfer_list_for_actor(actor=actor, status=status),
            "batches": selectors.transfer_batches_pending_for_actor(actor=actor),
            "status": status,
            "statuses": TransferStatus.choices,
            "communities": list(
                Community.objects.filter(code__in=Grid.objects.filter(scope_q).values("community_code"))
                .order_by("code")
                .values_list("code", "name")
            ),
            # the organisations the actor reads (an organisation outside their scope is typed by name)
            "orgs": list(selectors.org_list_for_actor(actor=actor).values_list("pk", "name")[:500]),
            "can_manage": _may_manage(actor),
            "me": actor.pk,
        },
    )


def _person_by_id_number(actor: Any, text: str) -> Person:
    from gongzhi.core import ids

    try:
        h = ids.keyed_hash(ids.normalise_id_number(text))
    except ApplicationError as exc:
        raise ApplicationError(
            gettext("身份证号码“%(value)s”：%(message)s")
            % {"value": ids.mask_id_number(text) if len(text) == 18 else "…", "message": exc.message}
        ) from exc
    person = Person.objects.filter(scope_of(actor).place_q(COMMUNITY_MANAGERS), id_number_hash=h).first()
    if person is None:
        raise ApplicationError(
            gettext("实有人口中没有该身份证号码，或该居民不在您的管辖范围内"),
            fields={"id_number": gettext("未找到")},
        )
    return person


@console_login_required
@require_POST
def transfer_decide(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        if request.POST.get("action") == "return":
            ms.transfer_return(actor=actor, transfer_id=transfer_id, reason=request.POST.get("reason", ""))
            messages.success(request, gettext("已退回"))
        else:
            ms.transfer_accept(actor=actor, transfer_id=transfer_id)
            messages.success(request, gettext("已接收"))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("party:transfers")


@console_login_required
@require_POST
def batch_accept(request: HttpRequest, batch: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        n = ms.transfer_batch_accept(actor=actor, batch=batch[:32])
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, gettext("已接收%(n)s名党员的组织关系") % {"n": n})
    return redirect("party:transfers")


@console_login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context: dict[str, Any] = {"max_rows": max_rows(), "max_mb": max_file_bytes() // 1024 // 1024}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError(gettext("请选择要上传的文件"), fields={"file": gettext("请选择文件")})
            record = member_import.member_import(
                actor=actor,
                file_name=upload.name or "",
                content=upload.read(max_file_bytes() + 1),
                dry_run=request.POST.get("dry_run") == "1",
            )
        except Forbidden as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            context["error"] = exc.message
            status = 400
        else:
            context["record"] = record
            context["shown_errors"] = record.errors[:200]
    return render(request, "party/console/members/import.html", context, status=status)


@console_login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(member_import.template_workbook(), "自管党员导入模板.xlsx")


@console_login_required
@require_GET
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    try:
        record = member_import.import_get_for_actor(actor=actor_of(request), import_id=import_id)
    except NotFound as exc:
        raise Http404 from exc
    from gongzhi.party.services.downloads import member_import_report_downloaded

    content = member_import.error_report_workbook(record)
    member_import_report_downloaded(actor=actor_of(request), record=record)
    return xlsx_response(content, f"党员导入错误报告_{record.pk}.xlsx")


urlpatterns = [
    path("members/", member_list, name="member_list"),
    path("members/new/", member_new, name="member_new"),
    path("members/import/", import_page, name="member_import"),
    path("members/import/template.xlsx", import_template, name="member_import_template"),
    path("members/imports/<int:import_id>/errors.xlsx", import_errors, name="member_import_errors"),
    path("members/<int:member_id>/", member_detail, name="member_detail"),
    path("transfers/", transfers, name="transfers"),
    path("transfers/<int:transfer_id>/decide/", transfer_decide, name="transfer_decide"),
    path("transfer-batches/<str:batch>/accept/", batch_accept, name="batch_accept"),
]

__all__ = ["MemberTransfer", "urlpatterns"]
