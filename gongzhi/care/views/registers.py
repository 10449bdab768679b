"""The registers as files: 走访台账 (a grid, a month), 重点人群花名册 (a grid or a community, masked) and
慰问花名册 (a community, a year, an occasion), each as xlsx or PDF. Each download is audited
(``care.register_downloaded``); a place outside the account's scope is the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongzhi.care import registers, selectors, services
from gongzhi.care.enums import Occasion
from gongzhi.care.views.rosters import _reader
from gongzhi.care.views.visits import month_of
from gongzhi.core.access import console_login_required
from gongzhi.core.http import int_or_none, pdf_response, xlsx_response
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of


def _place(actor: Any, code: str) -> Any:
    """A grid (15 digits) or community (12) the actor's population roles cover, else 404."""
    from gongzhi.places.models import Community, Grid

    code = (code or "").strip()[:15]
    place: Any = None
    codes: tuple[str, ...] = ()
    if len(code) == 15:
        place = Grid.objects.filter(code=code).first()
        codes = (code, code[:12], code[:9] + "000", code[:6])
    elif len(code) == 12:
        place = Community.objects.filter(code=code).first()
        codes = (code, code[:9] + "000", code[:6])
    scope = scope_of(actor)
    held = {c for cs in scope.codes(POPULATION_ROLES).values() for c in cs}
    if place is None or not (scope.superuser or held & set(codes)):
        raise Http404
    return place


def _answer(actor: Any, place: Any, register: registers.Register, kind: str, fmt: str) -> HttpResponse:
    services.care_register_downloaded(
        actor=actor, target=place, document=register.title, kind=kind, rows=len(register.rows)
    )
    name = f"{register.title}-{place.name}"
    if fmt == "pdf":
        return pdf_response(registers.to_pdf(register), f"{name}.pdf")
    return xlsx_response(registers.to_xlsx(register), f"{name}.xlsx")


@console_login_required
@require_GET
def visit_ledger(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = _reader(request)
    place = _place(actor, request.GET.get("grid_code", ""))
    month = month_of(request.GET.get("month", ""))
    rows = selectors.visit_list_for_actor(actor=actor, grid_code=place.code, month=month, limit=None)
    register = registers.visit_ledger(place.name, month, rows.order_by("visited_on", "id"))
    return _answer(actor, place, register, "visit_ledger", fmt)


@console_login_required
@require_GET
def roster(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = _reader(request)
    code = request.GET.get("place", "")
    place = _place(actor, code)
    level = {"grid_code": place.code} if len(place.code) == 15 else {"community_code": place.code}
    rows = selectors.membership_list_for_actor(actor=actor, **level)
    return _answer(actor, place, registers.roster(place.name, rows), "roster", fmt)


@console_login_required
@require_GET
def care_visit_roster(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = _reader(request)
    place = _place(actor, request.GET.get("place", ""))
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    occasion = request.GET.get("occasion", "")
    occasion = occasion if occasion in Occasion.values else ""
    level = {"community_code": place.code[:12]}
    rows = selectors.care_visit_list_for_actor(actor=actor, occasion=occasion, year=year, limit=None, **level)
    if len(place.code) == 15:
        rows = rows.filter(grid_code=place.code)
    label = f"{year}年" + (Occasion(occasion).label if occasion else "全部慰问")
    register = registers.care_visit_roster(place.name, label, rows.order_by("visited_on", "id"))
    return _answer(actor, place, register, "care_visit_roster", fmt)
