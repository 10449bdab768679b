"""The yearly matching meeting (碰头配对): a draft plan for all open needs of a place against all active
resources, adjusted by people and applied only on their confirmation. (The suggestions for one need are
a read: ``selectors.need_suggestions``.)"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import CATEGORY_LABELS, NeedStatus, PlanStatus
from gongzhi.cobuild.models import MatchingPlan, MatchingPlanRow, Need, Resource
from gongzhi.cobuild.selectors import (
    PlaceStub,
    district_resources_with_use,
    need_point,
    plan_get_for_actor,
    resource_point,
    used_capacity,
)
from gongzhi.cobuild.services._validation import plan_year
from gongzhi.cobuild.services.projects import build_project
from gongzhi.cobuild.transitions import PLAN
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place(place_code: str) -> tuple[str, str]:
    """(level, the Need/Resource filter field) of a district, subdistrict or community code."""
    from gongzhi.places.models import Community, District, Subdistrict

    if District.objects.filter(code=place_code).exists():
        return "district", "district_code"
    if Subdistrict.objects.filter(code=place_code).exists():
        return "subdistrict", "subdistrict_code"
    if Community.objects.filter(code=place_code).exists():
        return "community", "community_code"
    raise field_error("place_code", gettext("区划代码不存在"))


@transaction.atomic
def matching_plan_generate(*, actor: Actor, place_code: str, year: int | None = None) -> MatchingPlan:
    """Computes the plan and saves it as a draft with one row per proposed pair; writes nothing else."""
    level, field = _place(place_code)
    stub = PlaceStub(level, place_code)
    require(
        actor,
        "cobuild.manage_plan",
        stub,
        error=Forbidden(gettext("只有社区、街道或区级工作人员可以组织碰头配对")),
    )
    year = plan_year(year, timezone.localdate().year)
    needs = list(Need.objects.filter(**{field: place_code}, status=NeedStatus.OPEN).order_by("pk"))
    resources, held = district_resources_with_use(place_code[:6])
    remaining = {r.pk: max(0, r.capacity - held.get(r.pk, 0)) for r in resources}
    points_n = [need_point(n) for n in needs]
    points_r = [resource_point(r, remaining[r.pk]) for r in resources]
    import scipy.optimize  # noqa: F401  (imported before the clock starts: the time shown is the solve's)

    started = time.perf_counter()
    plan = matching.plan_matching(points_n, points_r)
    seconds = time.perf_counter() - started
    greedy = matching.greedy_matching(points_n, points_r)
    row = MatchingPlan(
        title=f"{year}年度碰头配对方案",
        year=year,
        level=level,
        place_code=place_code,
        needs_considered=len(needs),
        resources_considered=sum(1 for r in resources if remaining[r.pk] > 0),
        total_fit=plan.total_fit,
        greedy_total_fit=greedy.total_fit,
        seconds=round(seconds, 3),
        created_by_id=actor.pk,
        district_code=stub.district_code,
        subdistrict_code=stub.subdistrict_code,
        community_code=stub.community_code,
    )
    row.save()
    needs_by_id = {n.pk: n for n in needs}
    res_by_id = {r.pk: r for r in resources}
    rows = []
    for need_id, res_id, score in plan.pairs:
        need, res = needs_by_id[need_id], res_by_id[res_id]
        f = matching.fit(
            need_point(need), resource_point(res, remaining[res_id]), str(CATEGORY_LABELS[need.category])
        )
        rows.append(
            MatchingPlanRow(plan=row, need=need, resource=res, fit=score, reasons=f.reasons if f else [])
        )
    MatchingPlanRow.objects.bulk_create(rows, batch_size=1000)
    audit_record(
        actor=actor,
        target=row,
        event="cobuild.plan_generated",
        data={
            "needs": len(needs),
            "rows": len(rows),
            "total_fit": plan.total_fit,
            "greedy_total_fit": greedy.total_fit,
        },
    )
    return row


def _locked_plan(actor: Actor, plan_id: int) -> MatchingPlan:
    plan_get_for_actor(actor=actor, plan_id=plan_id)
    plan = MatchingPlan.objects.select_for_update(of=("self",)).get(pk=plan_id)
    require(
        actor,
        "cobuild.manage_plan",
        plan,
        error=Forbidden(gettext("只有社区、街道或区级工作人员可以调整配对方案")),
    )
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            gettext("方案已%(value)s，不能再调整") % {"value": plan.get_status_display()}, code="plan_closed"
        )
    return plan


@transaction.atomic
def matching_plan_row_update(
    *, actor: Actor, row_id: int, included: bool | None = None, resource_id: int | None = None
) -> MatchingPlanRow:
    """A person's adjustment: leave a pair out, or give the need another resource that can serve it and
    still has room in this plan."""
    row = MatchingPlanRow.objects.filter(pk=row_id).select_related("need").first()
    if row is None:
        raise NotFound()
    plan = _locked_plan(actor, row.plan_id)
    row = (
        MatchingPlanRow.objects.select_for_update(of=("self",))
        .select_related("need", "resource")
        .get(pk=row_id)
    )
    changes: dict[str, object] = {}
    if resource_id is not None and resource_id != row.resource_id:
        res = Resource.objects.filter(pk=resource_id, active=True, district_code=plan.district_code).first()
        if res is None:
            raise field_error("resource_id", gettext("资源不存在或已停用"))
        label = str(CATEGORY_LABELS[row.need.category])
        in_plan = (
            MatchingPlanRow.objects.filter(plan=plan, resource=res, included=True).exclude(pk=row.pk).count()
        )
        left = res.capacity - used_capacity([res.pk]).get(res.pk, 0) - in_plan
        f = matching.fit(need_point(row.need), resource_point(res, max(left, 0)), label)
        if f is None:
            raise field_error(
                "resource_id",
                gettext("“%(title)s”不能满足“%(title2)s”（类别、距离或时间不符）")
                % {"title": res.title, "title2": row.need.title},
            )
        if left <= 0:
            raise Conflict(
                gettext("“%(title)s”在本方案中已无剩余容量") % {"title": res.title}, code="capacity_exhausted"
            )
        changes["resource"] = res.pk
        row.resource, row.fit, row.reasons = res, f.score, f.reasons
    if included is not None and included != row.included:
        if included:
            in_plan = MatchingPlanRow.objects.filter(plan=plan, resource=row.resource, included=True).count()
            left = row.resource.capacity - used_capacity([row.resource_id]).get(row.resource_id, 0) - in_plan
            if left <= 0:
                raise Conflict(
                    gettext("“%(title)s”在本方案中已无剩余容量") % {"title": row.resource.title},
                    code="capacity_exhausted",
                )
        row.included = included
        changes["included"] = included
    if not changes:
        return row
    row.adjusted = True
    row.save(update_fields=["resource", "fit", "reasons", "included", "adjusted", "updated_at"])
    total = sum(MatchingPlanRow.objects.filter(plan=plan, included=True).values_list("fit", flat=True))
    plan.total_fit = round(total, 2)
    plan.save(update_fields=["total_fit", "updated_at"])
    audit_record(actor=actor, target=plan, event="cobuild.plan_adjusted", data={"row": row.pk, **changes})
    return row


@transaction.atomic
def matching_plan_apply(*, actor: Actor, plan_id: int) -> list[int]:
    """A person confirms the plan: one proposed project per included row, the needs committed. If any row
    no longer holds (need no longer open, resource stopped or full), nothing is written."""
    plan = _locked_plan(actor, plan_id)
    rows = list(
        MatchingPlanRow.objects.filter(plan=plan, included=True).select_related("need__community", "resource")
    )
    if not rows:
        raise ValidationFailed(gettext("方案中没有纳入的配对，无需确认"), code="empty_plan")
    need_ids = [r.need_id for r in rows]
    needs = {
        n.pk: n
        for n in Need.objects.select_for_update(of=("self",))
        .filter(pk__in=need_ids)
        .select_related("community")
    }
    res_ids = sorted({r.resource_id for r in rows})
    resources = {r.pk: r for r in Resource.objects.select_for_update(of=("self",)).filter(pk__in=res_ids)}
    held = used_capacity(res_ids)
    wanted: dict[int, int] = {}
    for r in rows:
        wanted[r.resource_id] = wanted.get(r.resource_id, 0) + 1
    stale = [
        f"需求“{needs[i].title}”已不是待对接状态" for i in need_ids if needs[i].status != NeedStatus.OPEN
    ]
    for rid, n in wanted.items():
        res = resources[rid]
        if not res.active:
            stale.append(f"资源“{res.title}”已停用")
        elif held.get(rid, 0) + n > res.capacity:
            stale.append(
                f"资源“{res.title}”容量不足（可承接{res.capacity}项，已承接{held.get(rid, 0)}项，方案需{n}项）"
            )
    if stale:
        raise Conflict("方案已过时，请调整后再确认：" + "；".join(stale[:5]), code="plan_stale")
    project_ids = []
    for r in rows:
        need = needs[r.need_id]
        project = build_project(
            community=need.community,
            title=need.title,
            description=need.description,
            year=plan.year,
            needs=[need],
            resources=[resources[r.resource_id]],
            plan_row_id=r.pk,
        )
        project_ids.append(project.pk)
    check_move(PLAN, PlanStatus.APPLIED, plan.status)
    plan.status = PlanStatus.APPLIED
    plan.applied_by_id = actor.pk
    plan.applied_at = timezone.now()
    plan.save(update_fields=["status", "applied_by", "applied_at", "updated_at"])
    audit_record(
        actor=actor,
        target=plan,
        event="cobuild.plan_applied",
        data={"projects": len(project_ids), "first": project_ids[0], "last": project_ids[-1]},
    )
    return project_ids


@transaction.atomic
def matching_plan_discard(*, actor: Actor, plan_id: int) -> MatchingPlan:
    plan = _locked_plan(actor, plan_id)
    check_move(PLAN, PlanStatus.DISCARDED, plan.status)
    plan.status = PlanStatus.DISCARDED
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, target=plan, event="cobuild.plan_discarded", data={})
    return plan
