"""Resident pages: my points (balance, the household's code for the counter, the statement, my claims and
their outcome), report a good deed with a photo, the shop and its receipts; and the public board of a
community (积分公示榜) that anyone may open."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.points import selectors
from gongzhi.points.enums import Channel
from gongzhi.points.forms import ClaimForm, RedeemForm
from gongzhi.points.services import claims, shop


@h5_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    household = selectors.own_household(actor)
    statement = selectors.household_statement(actor=actor, household_id=household.pk) if household else None
    return render(
        request,
        "points/h5/mine.html",
        {
            "household": household,
            "statement": statement,
            "claims": list(selectors.point_claim_list_for_actor(actor=actor, limit=30)) if household else [],
        },
    )


@h5_login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error: ApplicationError | None = None
    form = ClaimForm(request.POST)
    if request.method == "POST":
        try:
            claim = claims.claim_report(
                actor=actor, data=form.claim_input(), photos=request.FILES.getlist("photos")
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request, gettext("已提交“%(name)s”，将在评议会上评议") % {"name": claim.rule.name}
            )
            return redirect("points_h5:mine")
    return render(
        request,
        "points/h5/report.html",
        {
            "rules": selectors.rules_to_report(actor=actor),
            "data": form.values(),
            "error": error,
            "today": timezone.localdate(),
        },
        status=error.status if error else 200,
    )


@h5_login_required
@require_GET
def shop_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    household = selectors.own_household(actor)
    goods = (
        list(
            selectors.goods_list_for_actor(actor=actor, community_code=household.community_code, active=True)
        )
        if household
        else []
    )
    statement = selectors.household_statement(actor=actor, household_id=household.pk) if household else None
    return render(request, "points/h5/shop.html", {"goods": goods, "statement": statement})


@h5_login_required
@require_POST
def redeem(request: HttpRequest) -> HttpResponse:
    form = RedeemForm(request.POST)
    try:
        r = shop.redemption_make(
            actor=actor_of(request),
            goods_id=form.text("goods_id"),
            quantity=form.text("quantity") or "1",
            channel=Channel.H5,
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("points_h5:shop")
    messages.success(request, gettext("兑换成功，请凭单号%(number)s到积分超市领取") % {"number": r.number})
    return redirect("points_h5:receipt", redemption_id=r.pk)


@h5_login_required
@require_GET
def receipt(request: HttpRequest, redemption_id: int) -> HttpResponse:
    try:
        r = selectors.redemption_get_for_actor(actor=actor_of(request), redemption_id=redemption_id)
    except ApplicationError as exc:
        raise Http404 from exc
    return render(request, "points/h5/receipt.html", {"r": r})


@require_GET
def board(request: HttpRequest, community_code: str) -> HttpResponse:
    from gongzhi.places.models import Community

    community = Community.objects.filter(code=community_code).first()
    if community is None:
        raise Http404
    return render(
        request,
        "points/h5/board.html",
        {
            "community": community,
            "rows": selectors.public_board(community_code=community_code),
            "rankings": selectors.grid_rankings(community_codes=[community_code]),
        },
    )
