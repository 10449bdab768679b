"""Writes of funded projects (公益创投): the application, reviews with scores, the decision (approved with
a grant in yuan, or rejected), deliveries with person-times served, and the closing report with its grade.

An approved project offers its service as a resource of the three lists (``cobuild.Resource``), so the
community's needs can be matched with it; closing it takes the resource off the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.socialorgs.enums import GRADE_A, GRADE_B, FundedProjectStatus
from gongzhi.socialorgs.models import FundedProject, ProjectDelivery, ProjectReview
from gongzhi.socialorgs.services._validation import _count, _day, _raise_errors, _text, _yuan
from gongzhi.socialorgs.services._validation import _year as check_year
from gongzhi.socialorgs.transitions import FUNDED_PROJECT

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# An application is decided on after this many reviews, and approved only at this average or above.
MIN_REVIEWS = 2
PASS_AVERAGE = Decimal("60")


@dataclass
class FundedProjectInput:
    year: int
    title: str
    summary: str
    category: str
    beneficiaries: str
    requested_yuan: Any


def _clean(data: FundedProjectInput) -> dict[str, Any]:
    from gongzhi.cobuild.enums import CATEGORY_VALUES

    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "year": check_year(errors, data.year),
        "title": _text(errors, "title", data.title, "项目名称", 100, True),
        "summary": _text(errors, "summary", data.summary, "项目内容", 4000, True),
        "beneficiaries": _text(errors, "beneficiaries", data.beneficiaries, "服务对象", 100, True),
        "requested_yuan": _yuan(errors, "requested_yuan", data.requested_yuan, "申请资金"),
    }
    if data.category not in CATEGORY_VALUES:
        errors["category"] = "请选择服务类别"
    _raise_errors(errors)
    out["category"] = data.category
    return out


def grade_of(score: int) -> str:
    """A ≥ 85, B 60–84, C < 60 (the closing evaluation's scale)."""
    return "A" if score >= GRADE_A else "B" if score >= GRADE_B else "C"


def _new_project(org: Any, clean: dict[str, Any], actor: Actor | None) -> FundedProject:
    project = FundedProject(organization=org, applied_by_id=getattr(actor, "pk", None), **clean)
    project.set_place_codes(community_code=org.community_code)
    return project


@transaction.atomic
def funded_project_apply(*, actor: Actor, organization_id: int, data: FundedProjectInput) -> FundedProject:
    from gongzhi.socialorgs.models import OrganizationProfile
    from gongzhi.socialorgs.selectors import socialorg_place_q
    from gongzhi.volunteers.models import SocialOrganization

    org = (
        SocialOrganization.objects.filter(socialorg_place_q(actor), pk=organization_id).first()
        if isinstance(organization_id, int) and bounds.int_in_range(organization_id)
        else None
    )
    if org is None:
        raise NotFound("社会组织不存在或无权查看")
    require(actor, "socialorgs.apply_project", org)
    if not OrganizationProfile.objects.filter(organization=org).exists():
        raise Conflict("该组织尚未登记入库（补全档案后再申报）", code="not_registered")
    clean = _clean(data)
    if FundedProject.objects.filter(organization=org, year=clean["year"], title=clean["title"]).exists():
        raise Conflict("该组织本年度已申报同名项目", code="duplicate")
    project = _new_project(org, clean, actor)
    project.save()
    audit_record(
        actor=actor,
        target=project,
        event="socialorgs.project_applied",
        data={"title": project.title, "requested_yuan": str(project.requested_yuan)},
    )
    return project


REFUSALS = {
    "socialorgs.review_project": "只有项目所在社区、街道的工作人员可以评审",
    "socialorgs.decide_project": "立项和结项由街道决定",
    "socialorgs.deliver_project": "只有项目所在社区、街道的工作人员可以登记服务",
}


def _locked(actor: Actor, project_id: int, perm: str) -> FundedProject:
    from gongzhi.socialorgs.selectors import socialorg_place_q

    project = (
        FundedProject.objects.select_for_update(of=("self",))
        .filter(socialorg_place_q(actor), pk=project_id)
        .first()
        if isinstance(project_id, int) and bounds.int_in_range(project_id)
        else None
    )
    if project is None:
        raise NotFound("公益创投项目不存在或无权查看")
    require(actor, perm, project, error=Forbidden(REFUSALS[perm]))
    return project


@transaction.atomic
def funded_project_review(*, actor: Actor, project_id: int, score: int, comment: str = "") -> ProjectReview:
    """A reviewer's score of an application (0–100), once per reviewer; never by who applied."""
    project = _locked(actor, project_id, "socialorgs.review_project")
    check_move(FUNDED_PROJECT, "review", project.status)
    refuse_own_work(actor, project.applied_by_id, what="评审本人申报的项目")
    errors: dict[str, str] = {}
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        errors["score"] = "评分应为0到100之间的整数"
    comment = _text(errors, "comment", comment, "评审意见", 500, False)
    _raise_errors(errors)
    if ProjectReview.objects.filter(project=project, reviewer_id=actor.pk).exists():
        raise Conflict("您已评审过该项目", code="duplicate")
    review = ProjectReview.objects.create(project=project, reviewer_id=actor.pk, score=score, comment=comment)
    audit_record(actor=actor, target=project, event="socialorgs.project_reviewed", data={"score": score})
    return review


@transaction.atomic
def funded_project_decide(
    *, actor: Actor, project_id: int, approve: bool, granted_yuan: Any = None, note: str = ""
) -> FundedProject:
    """立项 with the grant (at most what was asked; the reviews' average at least 60), or 不予立项."""
    from gongzhi.cobuild.enums import ProviderKind, ResourceKind
    from gongzhi.cobuild.services.resources import ResourceInput, resource_register

    project = _locked(actor, project_id, "socialorgs.decide_project")
    new = check_move(FUNDED_PROJECT, "approve" if approve else "reject", project.status)
    refuse_own_work(actor, project.applied_by_id, what="决定本人申报的项目是否立项")
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, "立项意见", 500, not approve)
    amount = _yuan(errors, "granted_yuan", granted_yuan, "资助资金") if approve else None
    if amount is not None and amount > project.requested_yuan:
        errors["granted_yuan"] = f"资助资金不能超过申请的{project.requested_yuan}元"
    _raise_errors(errors)
    scores = list(project.reviews.values_list("score", flat=True))
    if len(scores) < MIN_REVIEWS:
        raise Conflict(
            f"至少{MIN_REVIEWS}位评审打分后才能决定是否立项（现有{len(scores)}位）", code="reviews_missing"
        )
    average = Decimal(sum(scores)) / len(scores)
    if approve and average < PASS_AVERAGE:
        raise Conflict(
            f"评审平均分{average.quantize(Decimal('0.01'))}分，不足{PASS_AVERAGE}分，不能立项",
            code="below_pass",
        )
    project.status, project.granted_yuan, project.decision_note = new, amount, note
    project.decided_by_id, project.decided_at = getattr(actor, "pk", None), timezone.now()
    fields = ["status", "granted_yuan", "decision_note", "decided_by", "decided_at", "updated_at"]
    if approve:
        from gongzhi.places.models import Community

        community = Community.objects.get(code=project.community_code)
        project.resource = resource_register(
            actor=actor,
            community_id=community.pk,
            provider_kind=ProviderKind.SOCIAL_ORGANIZATION,
            provider_id=project.organization_id,
            data=ResourceInput(
                title=project.title[:100],
                kind=ResourceKind.SERVICE,
                categories=[project.category],
                description=f"公益创投项目（{project.year}年）：{project.summary}"[:2000],
                capacity=10,
            ),
        )
        fields.append("resource")
    project.save(update_fields=fields)
    audit_record(
        actor=actor,
        target=project,
        event=f"socialorgs.project_{new}",
        data={
            "granted_yuan": str(amount) if amount else "",
            "average": str(average.quantize(Decimal("0.01"))),
        },
    )
    return project


@transaction.atomic
def funded_project_deliver(
    *, actor: Actor, project_id: int, title: str, person_times: int, delivered_on: dt.date | None = None
) -> ProjectDelivery:
    """One service delivered: what, when, and how many person-times it served."""
    project = _locked(actor, project_id, "socialorgs.deliver_project")
    check_move(FUNDED_PROJECT, "deliver", project.status)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "服务内容", 100, True)
    persons = _count(errors, "person_times", person_times, "服务人次", 100000)
    when = _day(errors, "delivered_on", delivered_on, "服务日期")
    if persons == 0 and "person_times" not in errors:
        errors["person_times"] = "服务人次应至少为1"
    _raise_errors(errors)
    row = ProjectDelivery.objects.create(
        project=project,
        delivered_on=when,
        title=title,
        person_times=persons,
        recorded_by_id=getattr(actor, "pk", None),
    )
    FundedProject.objects.filter(pk=project.pk).update(person_times=F("person_times") + persons)
    audit_record(
        actor=actor, target=project, event="socialorgs.project_delivered", data={"person_times": persons}
    )
    return row


@transaction.atomic
def funded_project_close(*, actor: Actor, project_id: int, report: str, score: int) -> FundedProject:
    """结项: the closing report and the evaluation's score, which gives the grade (A/B/C); the service
    leaves the resources list. Nobody closes a project they applied for."""
    from gongzhi.cobuild.services.resources import resource_deactivate

    project = _locked(actor, project_id, "socialorgs.decide_project")
    new = check_move(FUNDED_PROJECT, "close", project.status)
    refuse_own_work(actor, project.applied_by_id, what="为本人申报的项目结项")
    errors: dict[str, str] = {}
    report = _text(errors, "closing_report", report, "结项报告", 8000, True)
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        errors["closing_score"] = "结项评分应为0到100之间的整数"
    _raise_errors(errors)
    if not project.deliveries.exists():
        raise Conflict("尚未登记任何服务，不能结项", code="no_delivery")
    project.status, project.closing_report, project.closing_score = new, report, score
    project.grade, project.closed_at = grade_of(score), timezone.now()
    project.save(
        update_fields=["status", "closing_report", "closing_score", "grade", "closed_at", "updated_at"]
    )
    if project.resource_id:
        from gongzhi.cobuild.models import Resource

        if Resource.objects.filter(pk=project.resource_id, active=True).exists():
            resource_deactivate(actor=actor, resource_id=project.resource_id)
    audit_record(
        actor=actor,
        target=project,
        event="socialorgs.project_closed",
        data={"score": score, "grade": project.grade, "person_times": project.person_times},
    )
    return project


# --- the demo's batch path ------------------------------------------------------------------------


@dataclass
class FundedHistoryRow:
    """A past project as it ended: applied, reviewed (scores), granted, delivered and maybe closed."""

    organization: Any
    data: FundedProjectInput
    scores: list[int]
    granted_yuan: Decimal
    deliveries: list[tuple[dt.date, str, int]]
    closing_score: int | None
    reviewers: list[Any]


@transaction.atomic
def funded_projects_bulk_record(*, actor: Actor | None, rows: list[FundedHistoryRow]) -> list[FundedProject]:
    """Past funded projects entered at once (the demo district, a migration from paper): one audit row.
    The same checks as one by one: the grant within the request, enough reviews, the pass average."""
    if not rows:
        return []
    projects: list[FundedProject] = []
    now = timezone.now()
    for r in rows:
        p = _new_project(r.organization, _clean(r.data), None)
        average = Decimal(sum(r.scores)) / max(len(r.scores), 1)
        if (
            len(r.scores) < MIN_REVIEWS
            or average < PASS_AVERAGE
            or not (0 < r.granted_yuan <= p.requested_yuan)
        ):
            raise Conflict(f"“{p.title}”的评审或资助金额不符合立项条件")
        p.status = FundedProjectStatus.APPROVED
        p.granted_yuan, p.decided_at = r.granted_yuan, now
        p.person_times = sum(n for _d, _t, n in r.deliveries)
        if r.closing_score is not None:
            p.status, p.closing_score, p.grade = (
                FundedProjectStatus.CLOSED,
                r.closing_score,
                grade_of(r.closing_score),
            )
            p.closing_report, p.closed_at = "按期完成服务，结项材料齐全。", now
        projects.append(p)
    FundedProject.objects.bulk_create(projects, batch_size=500)
    ProjectReview.objects.bulk_create(
        [
            ProjectReview(project=p, reviewer=reviewer, score=s)
            for p, r in zip(projects, rows, strict=True)
            for reviewer, s in zip(r.reviewers, r.scores, strict=True)
        ],
        batch_size=1000,
    )
    ProjectDelivery.objects.bulk_create(
        [
            ProjectDelivery(project=p, delivered_on=d, title=t, person_times=n)
            for p, r in zip(projects, rows, strict=True)
            for d, t, n in r.deliveries
        ],
        batch_size=1000,
    )
    audit_record(
        actor=actor, target=projects[0], event="socialorgs.projects_imported", data={"count": len(projects)}
    )
    return projects
