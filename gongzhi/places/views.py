"""Console pages for places: the place tree, the grid map, a grid's page and its team, the band report,
grid import.

Every read goes through ``selectors`` (scope applied); the import and the team forms go through
``services``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import actor_of
from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.places import forms, selectors, services
from gongzhi.places.enums import RESIDENTIAL_BAND, GridKind, TeamRole
from gongzhi.places.models import Grid, GridTeamMember

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# One colour per grid kind: the map's polygons and its legend read them from the page.
KIND_COLOURS = {
    GridKind.RESIDENTIAL: "#2f6fb3",
    GridKind.RESERVED: "#8a8f99",
    GridKind.DEDICATED: "#d9822b",
}
IMPORT_MAX_BYTES = 10 * 1024 * 1024


def _actor(request: HttpRequest) -> Actor:
    return actor_of(request)


def _kinds() -> list[dict[str, str]]:
    return [{"value": k.value, "label": str(k.label), "colour": KIND_COLOURS[k]} for k in GridKind]


def _common(request: HttpRequest, current: str) -> dict[str, Any]:
    return {"current": current, "can_import": allowed(_actor(request), "places.import_grid")}


@login_required
def place_tree(request: HttpRequest) -> HttpResponse:
    tree = selectors.place_tree_for_actor(actor=_actor(request))
    communities = sum(len(s["children"]) for d in tree for s in d["children"])
    return render(
        request,
        "places/console/tree.html",
        # A community worker's one or two communities open at once; a district's dozens stay folded.
        {**_common(request, "tree"), "tree": tree, "open_communities": communities <= 3},
    )


@login_required
def grid_map(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    communities = list(selectors.community_list_for_actor(actor=actor))
    community_code = request.GET.get("community", "")
    if community_code not in {c.code for c in communities}:
        community_code = ""
    focus = request.GET.get("grid", "")[:15]
    geojson_url = reverse("api:grid_geojson")
    if community_code:
        geojson_url += f"?community_code={community_code}"
    return render(
        request,
        "places/console/map.html",
        {
            **_common(request, "map"),
            "communities": communities,
            "community_code": community_code,
            "focus": focus,
            "geojson_url": geojson_url,
            "kinds": _kinds(),
        },
    )


def _detail_context(request: HttpRequest, grid: Grid) -> dict[str, Any]:
    figures = selectors.grid_figures(grid=grid)
    low, high = RESIDENTIAL_BAND
    band = ""
    if grid.kind == GridKind.RESIDENTIAL:
        if figures["households"] < low:
            band = gettext("户数少于%(low)s户，不在居民网格%(low)s–%(high)s户的标准内") % {
                "low": low,
                "high": high,
            }
        elif figures["households"] > high:
            band = gettext("户数多于%(high)s户，不在居民网格%(low)s–%(high)s户的标准内") % {
                "low": low,
                "high": high,
            }
    return {
        **_common(request, "detail"),
        "grid": grid,
        "figures": figures,
        "band": band,
        "kinds": _kinds(),
        "geojson_url": f"{reverse('api:grid_geojson')}?community_code={grid.community_code}",
    }


@login_required
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        grid = selectors.grid_get_for_actor(actor=_actor(request), code=code)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "places/console/grid_detail.html",
        {**_detail_context(request, grid), **_team_context(request, grid)},
    )


# --- the grid's team: add, edit, remove ------------------------------------------------------------
#
# Each form posts to its own URL and works without script: success redirects back to the grid page,
# a refusal renders the page again with the messages in place (400/409). With htmx the same forms swap
# only the team panel (#grid-team), and a refusal comes back as 200 so that htmx swaps it in.


def _team_context(
    request: HttpRequest,
    grid: Grid,
    *,
    add: dict[str, Any] | None = None,
    edit: dict[str, Any] | None = None,
    confirm_remove: int | None = None,
    notice: str = "",
    error: str = "",
) -> dict[str, Any]:
    """The team panel: groups, the "1+X+N" summary, and the state of its forms."""
    groups = selectors.grid_team_groups(grid=grid)
    can_edit = allowed(_actor(request), "places.change_gridteam", grid)
    if can_edit:
        for g in groups:
            for m in g["members"]:
                if edit and edit["id"] == m.pk:
                    m.edit_form = edit
                else:
                    values = {"role": m.role, "name": m.name, "note": m.note}
                    m.edit_form = {"id": m.pk, "values": values, "errors": {}, "message": ""}
    return {
        "grid": grid,
        "groups": groups,
        "team_summary": selectors.grid_team_summary(grid=grid, groups=groups),
        "can_edit_team": can_edit,
        "team_roles": TeamRole.choices,
        "add_form": add or {"values": {}, "errors": {}, "message": ""},
        "confirm_remove": confirm_remove,
        "notice": notice,
        "team_error": error,
    }


def _editable_grid(request: HttpRequest, code: str) -> Grid:
    try:
        return selectors.grid_get_for_team_editor(actor=_actor(request), code=code)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound:
        raise Http404 from None


def _member(grid: Grid, member_id: int) -> GridTeamMember:
    try:
        return selectors.grid_team_member_get(grid=grid, member_id=member_id)
    except NotFound:
        raise Http404 from None


def _form_state(exc: ApplicationError, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    # Field messages sit by their field; anything else (a 409) shows above the form.
    message = "" if exc.fields else exc.message
    return {"values": values, "errors": exc.fields, "message": message, **extra}


def _team_response(request: HttpRequest, grid: Grid, *, status: int = 200, **state: Any) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "places/partials/_team.html", _team_context(request, grid, **state))
    context = {**_detail_context(request, grid), **_team_context(request, grid, **state)}
    return render(request, "places/console/grid_detail.html", context, status=status)


def _team_done(request: HttpRequest, grid: Grid, notice: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "places/partials/_team.html", _team_context(request, grid, notice=notice))
    messages.success(request, notice)
    return redirect(reverse("places:grid_detail", args=[grid.code]) + "#grid-team")


def _refused(exc: ApplicationError) -> None:
    """Scope refusals become the page's 404/403; anything else is shown in the form."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message)


@login_required
@require_POST
def team_add(request: HttpRequest, code: str) -> HttpResponse:
    grid = _editable_grid(request, code)
    values = forms.GridTeamMemberAddForm(request.POST).values()
    try:
        member = services.grid_team_member_add(
            actor=_actor(request),
            grid=grid,
            role=values["role"],
            name=values["name"],
            phone=values["phone"],
            note=values["note"],
            username=values["username"],
        )
    except ApplicationError as exc:
        _refused(exc)
        return _team_response(request, grid, status=exc.status, add=_form_state(exc, values))
    role = member.get_role_display()
    return _team_done(
        request, grid, _("已将%(name)s加入网格队伍（%(role)s）") % {"name": member.name, "role": role}
    )


@login_required
@require_POST
def team_update(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    grid = _editable_grid(request, code)
    member = _member(grid, member_id)
    form = forms.GridTeamMemberEditForm(request.POST)
    values = form.values()
    # A blank phone box keeps the number (the form never shows it in full); a tick clears it.
    phone = form.phone_change()
    try:
        member = services.grid_team_member_update(
            actor=_actor(request),
            member_id=member.pk,
            role=values["role"],
            name=values["name"],
            phone=phone,
            note=values["note"],
        )
    except ApplicationError as exc:
        _refused(exc)
        values.pop("phone")  # never echo a number back into the page
        edit = _form_state(exc, values, id=member.pk)
        return _team_response(request, grid, status=exc.status, edit=edit)
    return _team_done(request, grid, _("已保存%(name)s的信息") % {"name": member.name})


@login_required
@require_POST
def team_remove(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    """The first post asks for confirmation (a small form in the member's row); the second removes."""
    grid = _editable_grid(request, code)
    member = _member(grid, member_id)
    if not forms.GridTeamMemberRemoveForm(request.POST).confirmed():
        return _team_response(request, grid, confirm_remove=member.pk)
    try:
        services.grid_team_member_remove(actor=_actor(request), member_id=member.pk)
    except ApplicationError as exc:
        _refused(exc)
        return _team_response(request, grid, status=exc.status, error=exc.message)
    return _team_done(request, grid, _("已将%(name)s移出网格队伍") % {"name": member.name})


@login_required
def band_report(request: HttpRequest) -> HttpResponse:
    low, high = RESIDENTIAL_BAND
    rows = selectors.households_outside_band(actor=_actor(request))
    return render(
        request,
        "places/console/band_report.html",
        {
            **_common(request, "band"),
            "rows": rows,
            "low": low,
            "high": high,
            "n_low": sum(1 for r in rows if r["low"]),
            "n_high": sum(1 for r in rows if not r["low"]),
        },
    )


@login_required
def grid_export(request: HttpRequest) -> HttpResponse:
    """The grids in scope as a .geojson download (what the import page takes back)."""
    community_code = request.GET.get("community", "")[:12]
    if not community_code.isdigit():
        community_code = ""
    fc = selectors.grids_feature_collection(actor=_actor(request), community_code=community_code)
    response = HttpResponse(
        json.dumps(fc, ensure_ascii=False, separators=(",", ":")), content_type="application/geo+json"
    )
    name = f"grids-{community_code or 'all'}.geojson"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _read_upload(request: HttpRequest) -> tuple[Any, str]:
    """The uploaded file as parsed JSON, or an error message in Chinese."""
    upload = request.FILES.get("file")
    if upload is None:
        return None, gettext("请选择要上传的GeoJSON文件")
    if not (upload.name or "").lower().endswith((".geojson", ".json")):
        return None, gettext("文件应为 .geojson 或 .json 格式")
    if upload.size and upload.size > IMPORT_MAX_BYTES:
        return None, gettext("文件过大（上限%(mb)sMB）") % {"mb": IMPORT_MAX_BYTES // 1024 // 1024}
    try:
        return json.loads(upload.read().decode("utf-8-sig")), ""
    except UnicodeDecodeError:
        return None, gettext("文件编码应为UTF-8")
    except json.JSONDecodeError as exc:
        return None, gettext("文件不是有效的JSON（第%(line)s行第%(col)s列）") % {
            "line": exc.lineno,
            "col": exc.colno,
        }
    except RecursionError:  # "[[[[…" nested past the parser's depth: a hostile file, not a 500
        return None, gettext("文件不是有效的GeoJSON：嵌套层级过深")


@login_required
@require_http_methods(["GET", "POST"])
def grid_import(request: HttpRequest) -> HttpResponse:
    """Upload → check (a dry run, showing errors, overlaps and gaps) → confirm → saved. Admins only."""
    actor = _actor(request)
    communities = list(selectors.import_communities_for_actor(actor=actor))
    if not communities:
        raise Http404
    ctx: dict[str, Any] = {
        **_common(request, "import"),
        "communities": communities,
        "community_code": "",
        "accept_gaps": False,
        "error": "",
        "report": None,
        "payload": "",
    }
    if request.method == "GET":
        ctx["community_code"] = request.GET.get("community", "")
        return render(request, "places/console/import.html", ctx)

    sent = forms.GridImportForm(request.POST).values()
    step = sent["step"] or "check"
    community_code = sent["community"]
    community = next((c for c in communities if c.code == community_code), None)
    ctx.update(community_code=community_code, accept_gaps=sent["accept_gaps"] == "on")
    if community is None:
        ctx["error"] = gettext("请选择社区")
        return render(request, "places/console/import.html", ctx, status=400)
    if step == "confirm":
        try:
            data = json.loads(sent["payload"])
        except json.JSONDecodeError:
            ctx["error"] = gettext("确认的数据已损坏，请重新上传文件")
            return render(request, "places/console/import.html", ctx, status=400)
    else:
        data, problem = _read_upload(request)
        if problem:
            ctx["error"] = problem
            return render(request, "places/console/import.html", ctx, status=400)
    try:
        report = services.grids_import_geojson(
            actor=actor,
            community_id=community.pk,
            feature_collection=data,
            accept_gaps=ctx["accept_gaps"],
            dry_run=step != "confirm",
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        ctx["error"] = exc.message
        return render(request, "places/console/import.html", ctx, status=400)
    ctx["report"] = report
    ctx["community"] = community
    if not report.saved and not report.errors and not report.overlaps:
        # Passed (or only gaps, which the confirm step asks to accept): carry the file to the confirm form.
        ctx["payload"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return render(request, "places/console/import.html", ctx)
