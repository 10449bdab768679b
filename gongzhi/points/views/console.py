"""Console pages of points, mounted at console/points/ (namespace ``points``): the rule catalogue, the
claims and the daily review, the ledger (accounts, chain check), the shop (goods, stock, counter) and the
redemption register. Thin: reads through the scoped selectors, writes through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import date_or_none, int_or_none
from gongzhi.core.permissions import allowed
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.points import ledger, selectors
from gongzhi.points.enums import (
    Channel,
    ClaimStatus,
    Direction,
    Evidence,
    Outcome,
    RuleCategory,
    RuleSource,
    RuleUnit,
)
from gongzhi.points.forms import (
    ClaimForm,
    DecideForm,
    GoodsForm,
    MeetingForm,
    RedeemForm,
    RuleForm,
    StockForm,
)
from gongzhi.points.models import LedgerHead
from gongzhi.points.services import claims, harvest, rules, shop
from gongzhi.points.services import ledger as ledger_services


def _communities(request: HttpRequest) -> list:
    return list(community_list_for_actor(actor=actor_of(request)).order_by("code")[:200])


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, exc.message)


@console_login_required
@require_http_methods(["GET", "POST"])
def rule_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _communities(request)
    errors: dict[str, str] = {}
    form = RuleForm(request.POST) if request.method == "POST" else None
    if form is not None:
        try:
            rule = rules.rule_create(
                actor=actor, community_id=form.number("community_id"), data=form.rule_input()
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            _fail(request, exc)
        else:
            messages.success(request, gettext("已发布规则“%(name)s”") % {"name": rule.name})
            return redirect("points:rules")
    return render(
        request,
        "points/console/rules.html",
        {
            "rules": list(selectors.rule_list_for_actor(actor=actor)[:300]),
            "communities": communities,
            "directions": Direction.choices,
            "categories": RuleCategory.choices,
            "units": RuleUnit.choices,
            "evidences": Evidence.choices,
            "sources": RuleSource.choices,
            "form": form.values() if form else {"valid_from": timezone.localdate().isoformat()},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _rule_choices() -> dict[str, object]:
    return {
        "directions": Direction.choices,
        "categories": RuleCategory.choices,
        "units": RuleUnit.choices,
        "evidences": Evidence.choices,
        "sources": RuleSource.choices,
    }


@console_login_required
@require_http_methods(["GET", "POST"])
def rule_detail(request: HttpRequest, rule_id: int) -> HttpResponse:
    """One rule with its versions; the form publishes a new version (修订) from a later date."""
    actor = actor_of(request)
    try:
        rule = selectors.rule_get_for_actor(actor=actor, rule_id=rule_id)
    except ApplicationError as exc:
        raise Http404 from exc
    errors: dict[str, str] = {}
    form = RuleForm(request.POST) if request.method == "POST" else None
    if form is not None:
        try:
            new = rules.rule_revise(actor=actor, rule_id=rule.pk, data=form.rule_input())
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            _fail(request, exc)
        else:
            messages.success(
                request,
                gettext("已发布“%(name)s”第%(version)s版，自%(valid_from)s起执行")
                % {"name": new.name, "version": new.version, "valid_from": new.valid_from},
            )
            return redirect("points:rule_detail", rule_id=new.pk)
    versions = selectors.rule_versions(rule)
    initial = {
        "name": rule.name,
        "direction": rule.direction,
        "category": rule.category,
        "points_min": rule.points_min,
        "points_max": rule.points_max,
        "unit": rule.unit,
        "evidence": rule.evidence,
        "yearly_cap": rule.yearly_cap,
        "valid_from": (max(timezone.localdate(), rule.valid_from) + dt.timedelta(days=1)).isoformat(),
        "source": rule.source,
    }
    return render(
        request,
        "points/console/rule_detail.html",
        {
            "rule": rule,
            "versions": versions,
            "latest": versions[0].pk == rule.pk if versions else False,
            "can_revise": allowed(actor, "points.manage_rule", rule),
            **_rule_choices(),
            "form": form.values() if form else initial,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def claim_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    form = ClaimForm(request.POST) if request.method == "POST" else None
    if form is not None:
        try:
            claim = claims.claim_propose(
                actor=actor,
                household_id=form.text("household_id"),
                data=form.claim_input(),
                photos=request.FILES.getlist("photos"),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            _fail(request, exc)
        else:
            messages.success(
                request, gettext("已登记积分申报（%(name)s），待评议") % {"name": claim.rule.name}
            )
            return redirect("points:claims")
    status = request.GET.get("status", ClaimStatus.PENDING)
    if status not in ClaimStatus.values and status != "all":
        status = ClaimStatus.PENDING
    rows = list(selectors.point_claim_list_for_actor(actor=actor, status="" if status == "all" else status))
    return render(
        request,
        "points/console/claims.html",
        {
            "claims": rows,
            "status": status,
            "statuses": ClaimStatus.choices,
            "outcomes": Outcome.choices,
            "meetings": selectors.meeting_list_for_actor(actor=actor, limit=10),
            "rules": list(
                selectors.rule_list_for_actor(actor=actor, in_force_on=timezone.localdate()).filter(
                    source=RuleSource.MANUAL
                )[:200]
            ),
            "communities": _communities(request),
            "today": timezone.localdate(),
            "form": form.values() if form else {},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST)
    try:
        m = claims.meeting_record(
            actor=actor_of(request),
            community_id=form.number("community_id") or 0,
            held_on=date_or_none(form.text("held_on")),
            members_present=form.text("members_present"),
            note=form.text("note"),
        )
        messages.success(
            request,
            gettext("已登记%(held_on)s评议会") % {"held_on": dateformat.format(m.held_on, gettext("m月d日"))},
        )
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("points:claims")


@console_login_required
@require_POST
def claim_decide(request: HttpRequest, claim_id: int) -> HttpResponse:
    form = DecideForm(request.POST)
    try:
        c = claims.claim_decide(
            actor=actor_of(request),
            claim_id=claim_id,
            meeting_id=form.number("meeting_id") or 0,
            outcome=form.text("outcome"),
            points=form.text("points"),
            reason=form.text("reason"),
        )
        messages.success(
            request,
            gettext("评议结果：%(value)s（%(final_points)s分）")
            % {"value": c.get_status_display(), "final_points": c.final_points},
        )
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("points:claims")


@console_login_required
@require_POST
def claims_harvest(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST)
    try:
        n = harvest.claims_harvest(actor=actor_of(request), community_id=form.number("community_id") or 0)
        messages.success(request, gettext("已从志愿服务、在职党员服务记录生成%(n)s条待评议申报") % {"n": n})
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("points:claims")


@console_login_required
@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _communities(request)
    code = request.GET.get("community_code", "") or (communities[0].code if communities else "")
    if code and code not in {c.code for c in communities}:
        raise Http404
    chain = None
    if code and request.GET.get("verify"):
        head = LedgerHead.objects.filter(community_code=code).first()
        chain = ledger.verify_chain(code, head.seq, head.hash) if head else ledger.ChainReport(code)
    return render(
        request,
        "points/console/accounts.html",
        {
            "accounts": selectors.account_list_for_actor(actor=actor, community_code=code) if code else [],
            "communities": communities,
            "community_code": code,
            "chain": chain,
            "rankings": selectors.grid_rankings(community_codes=[code]) if code else [],
        },
    )


@console_login_required
@require_GET
def postings(request: HttpRequest) -> HttpResponse:
    """The journal (分录流水): each posting with its legs; a wrong one is corrected by a reversing posting."""
    actor = actor_of(request)
    communities = _communities(request)
    code = request.GET.get("community_code", "") or (communities[0].code if communities else "")
    if code and code not in {c.code for c in communities}:
        raise Http404
    before = int_or_none(request.GET.get("before"))
    rows = (
        selectors.posting_list_for_actor(actor=actor, community_code=code, before_seq=before) if code else []
    )
    return render(
        request,
        "points/console/postings.html",
        {
            "postings": rows,
            "communities": communities,
            "community_code": code,
            "next_before": rows[-1].seq if len(rows) == 100 else None,
            "can_reverse": bool(code)
            and allowed(actor, "points.manage_ledger", _community(communities, code)),
        },
    )


def _community(communities: list, code: str) -> object:
    return next((c for c in communities if c.code == code), None)


@console_login_required
@require_POST
def posting_reverse(request: HttpRequest, posting_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        original = selectors.posting_get_for_actor(actor=actor, posting_id=posting_id)
    except ApplicationError as exc:
        raise Http404 from exc
    form = ReasonForm(request.POST)
    try:
        reversal = ledger_services.posting_reverse(
            actor=actor, posting_id=original.pk, reason=form.text("reason")
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            gettext("已冲正第%(seq)s号分录（冲正分录第%(seq2)s号）")
            % {"seq": original.seq, "seq2": reversal.seq},
        )
    return redirect(f"{reverse('points:postings')}?community_code={original.community_code}")


@console_login_required
@require_http_methods(["GET", "POST"])
def goods_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    form = GoodsForm(request.POST) if request.method == "POST" else None
    if form is not None:
        try:
            g = shop.goods_create(
                actor=actor,
                community_id=form.number("community_id") or 0,
                name=form.text("name"),
                price=form.text("price"),
                stock=form.text("stock") or "0",
                household_limit=form.text("household_limit") or "0",
                unit_label=form.text("unit_label") or "件",
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            _fail(request, exc)
        else:
            messages.success(request, gettext("已上架“%(name)s”") % {"name": g.name})
            return redirect("points:goods")
    return render(
        request,
        "points/console/goods.html",
        {
            "goods": list(selectors.goods_list_for_actor(actor=actor)[:300]),
            "communities": _communities(request),
            "form": form.values() if form else {},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def goods_detail(request: HttpRequest, goods_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        goods = selectors.goods_get_for_actor(actor=actor, goods_id=goods_id)
    except ApplicationError as exc:
        raise Http404 from exc
    if request.method == "POST":
        form = StockForm(request.POST)
        action = form.text("action")
        try:
            if action == "restock":
                shop.goods_restock(
                    actor=actor, goods_id=goods.pk, quantity=form.text("quantity"), note=form.text("note")
                )
            elif action == "stocktake":
                shop.goods_stocktake(
                    actor=actor, goods_id=goods.pk, counted=form.text("counted"), note=form.text("note")
                )
            elif action == "donate":
                shop.goods_donate(
                    actor=actor,
                    goods_id=goods.pk,
                    quantity=form.text("quantity"),
                    unit_id=form.text("unit_id"),
                    note=form.text("note"),
                )
            else:
                messages.error(request, gettext("操作无法识别"))
                return redirect("points:goods_detail", goods_id=goods.pk)
            messages.success(request, gettext("库存已更新"))
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("points:goods_detail", goods_id=goods.pk)
    from gongzhi.party.models import Unit

    return render(
        request,
        "points/console/goods_detail.html",
        {
            "goods": goods,
            "moves": selectors.stock_move_list_for_actor(actor=actor, goods_id=goods.pk),
            "units": list(Unit.objects.filter(community_code=goods.community_code).order_by("name")[:100]),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """柜台兑换: the staff member scans (or types) the household's code and picks the goods."""
    actor = actor_of(request)
    if request.method == "POST":
        form = RedeemForm(request.POST)
        try:
            r = shop.redemption_make(
                actor=actor,
                goods_id=form.text("goods_id"),
                quantity=form.text("quantity") or "1",
                household_code=form.text("household_code"),
                channel=Channel.COUNTER,
            )
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, gettext("兑换成功，单号%(number)s") % {"number": r.number})
            return redirect("points:receipt", redemption_id=r.pk)
    return render(
        request,
        "points/console/counter.html",
        {"goods": list(selectors.goods_list_for_actor(actor=actor, active=True)[:300])},
    )


@console_login_required
@require_GET
def redemptions(request: HttpRequest) -> HttpResponse:
    """兑换登记簿: printable."""
    actor = actor_of(request)
    rows = list(selectors.redemption_list_for_actor(actor=actor))
    return render(
        request,
        "points/console/redemptions.html",
        {"redemptions": rows, "total": sum(r.points for r in rows)},
    )


@console_login_required
@require_GET
def receipt(request: HttpRequest, redemption_id: int) -> HttpResponse:
    try:
        r = selectors.redemption_get_for_actor(actor=actor_of(request), redemption_id=redemption_id)
    except ApplicationError as exc:
        raise Http404 from exc
    return render(request, "points/console/receipt.html", {"r": r})
