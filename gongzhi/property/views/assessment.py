"""Console pages of the quarterly assessment: a quarter's ranking per subdistrict and subject kind, the run
(the subdistrict property office), the weights (the district admin), the residents' ratings of the quarter,
and the xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, ValidationFailed
from gongzhi.core.http import refused, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.places.models import District
from gongzhi.places.selectors import subdistrict_list_for_actor
from gongzhi.property.enums import INDICATORS, Subject
from gongzhi.property.exports import assessment_xlsx
from gongzhi.property.forms import AssessForm, WeightsForm
from gongzhi.property.selectors import assessment as sel
from gongzhi.property.services import assessment as svc
from gongzhi.property.services._validation import Quarter, parse_quarter, quarter_containing


def _quarter(request: HttpRequest) -> Quarter:
    try:
        return parse_quarter(request.GET.get("quarter", "")[:7])
    except ValidationFailed:
        return quarter_containing(timezone.localdate())


@console_login_required
@require_GET
def assessment_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = _quarter(request)
    rows = list(sel.assessment_list_for_actor(actor=actor, quarter=q.key))
    subdistricts = list(subdistrict_list_for_actor(actor=actor))
    districts = [d for d in District.objects.order_by("code") if allowed(actor, "property.set_scheme", d)]
    weights = svc.weights_for(districts[0].code) if districts else None
    quarters = [q.previous().previous().previous(), q.previous().previous(), q.previous(), q]
    return render(
        request,
        "property/console/assessment.html",
        {
            "q": q,
            "groups": sel.ranking_by_subdistrict(rows),
            "indicators": {k: gettext(v) for k, v in INDICATORS.items()},
            "runnable": [s for s in subdistricts if allowed(actor, "property.assess_subdistrict", s)],
            "district": districts[0] if districts else None,
            "weights": [
                (
                    value,
                    str(label),
                    [
                        (k, gettext(name), (weights or {}).get(value, {}).get(k, 0))
                        for k, name in INDICATORS.items()
                    ],
                )
                for value, label in Subject.choices
            ],
            "quarters": sorted(
                {*quarters, *[parse_quarter(k) for k in sel.assessed_quarters(actor=actor)[:8]]},
                key=lambda x: x.key,
                reverse=True,
            ),
            "ratings": sel.rating_summary_for_actor(actor=actor, quarter=q.key),
            "export_url": reverse("property:assessment_export") + f"?quarter={q.key}",
        },
    )


@console_login_required
@require_POST
def assessment_run(request: HttpRequest) -> HttpResponse:
    f = AssessForm(request.POST)
    quarter = f.text("quarter")
    try:
        rows = svc.property_assessment_run(
            actor=actor_of(request), subdistrict_id=f.number("subdistrict_id") or 0, quarter=quarter
        )
        messages.success(request, gettext("已完成考核：%(rows)s个对象") % {"rows": len(rows)})
    except ApplicationError as exc:
        refused(request, exc)
    return redirect(reverse("property:assessment") + f"?quarter={quarter[:7]}")


@console_login_required
@require_POST
def weights_set(request: HttpRequest) -> HttpResponse:
    f = WeightsForm(request.POST)
    try:
        svc.property_assessment_weights_set(
            actor=actor_of(request), district_id=f.number("district_id") or 0, weights=f.weights()
        )
        messages.success(request, gettext("已保存考核权重，重新运行考核后生效"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("property:assessment")


@console_login_required
@require_GET
def assessment_export(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = _quarter(request)
    rows = list(sel.assessment_list_for_actor(actor=actor, quarter=q.key))
    names = {s.code: s.name for s in subdistrict_list_for_actor(actor=actor)}
    content = assessment_xlsx(rows, quarter_label=q.label, subdistrict_names=names)
    return xlsx_response(content, f"红色物业考核-{q.key}.xlsx")
