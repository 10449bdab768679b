"""Reads of the social-organisation registry, incubation, funded projects, the contest and the social
workers, with the actor's scope applied. Missing and forbidden rows are the same 404.

Who sees what: the readers of a place (``PLACE_READERS``: its staff, the subdistrict office, the district
admin and auditor) see the organisations, projects and workers of their places; a contest (a
subdistrict's) is seen by the readers over the subdistrict, by the community staff of its communities and
by its judges. Grid staff, residents, members and liaisons see none of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.core import codes
from gongzhi.core.errors import NotFound
from gongzhi.core.roles import PLACE_READERS
from gongzhi.core.scope import scope_of
from gongzhi.socialorgs.enums import FundedProjectStatus, WorkerKind
from gongzhi.socialorgs.models import (
    Contest,
    ContestEntry,
    ContestJudge,
    FundedProject,
    Incubation,
    OrganizationProfile,
    SocialWorker,
    YearlyPlan,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def socialorg_place_q(actor: Actor) -> Q:
    return scope_of(actor).place_q(PLACE_READERS)


def organization_profile_list_for_actor(
    *, actor: Actor, community_code: str = "", kind: str = "", q: str = "", limit: int | None = None
) -> QuerySet[OrganizationProfile]:
    qs = OrganizationProfile.objects.filter(socialorg_place_q(actor))
    if community_code:
        qs = qs.filter(community_code=community_code)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(organization__name__contains=q)
    qs = qs.select_related("organization", "organization__community", "party_organization").order_by(
        "community_code", "organization__name"
    )
    return qs[:limit] if limit else qs


def organization_profile_get_for_actor(*, actor: Actor, organization_id: int) -> OrganizationProfile:
    row = organization_profile_list_for_actor(actor=actor).filter(organization_id=organization_id).first()
    if row is None:
        raise NotFound("社会组织不存在或无权查看")
    return row


def unprofiled_organizations_for_actor(*, actor: Actor) -> list[Any]:
    """The volunteers app's organisations of the actor's places not yet in the registry (to complete)."""
    from gongzhi.volunteers.models import SocialOrganization

    return list(
        SocialOrganization.objects.filter(socialorg_place_q(actor), profile__isnull=True, active=True)
        .select_related("community")
        .order_by("name")[:200]
    )


def incubation_list_for_actor(
    *, actor: Actor, organization_id: int | None = None, status: str = ""
) -> QuerySet[Incubation]:
    qs = Incubation.objects.filter(socialorg_place_q(actor))
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("organization").prefetch_related("milestones").order_by("-entered_on", "-id")


def incubation_get_for_actor(*, actor: Actor, incubation_id: int) -> Incubation:
    row = incubation_list_for_actor(actor=actor).filter(pk=incubation_id).first()
    if row is None:
        raise NotFound("孵化记录不存在或无权查看")
    return row


def yearly_plan_list_for_actor(*, actor: Actor, organization_id: int) -> QuerySet[YearlyPlan]:
    return YearlyPlan.objects.filter(socialorg_place_q(actor), organization_id=organization_id).order_by(
        "-year"
    )


def funded_project_list_for_actor(
    *,
    actor: Actor,
    year: int | None = None,
    status: str = "",
    organization_id: int | None = None,
    community_code: str = "",
    limit: int | None = None,
) -> QuerySet[FundedProject]:
    qs = FundedProject.objects.filter(socialorg_place_q(actor))
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if community_code:
        qs = qs.filter(community_code=community_code)
    qs = qs.select_related("organization").order_by("-year", "community_code", "title")
    return qs[:limit] if limit else qs


def funded_project_get_for_actor(*, actor: Actor, project_id: int) -> FundedProject:
    row = funded_project_list_for_actor(actor=actor).filter(pk=project_id).first()
    if row is None:
        raise NotFound("公益创投项目不存在或无权查看")
    return row


def funded_project_average(project: FundedProject) -> Decimal | None:
    scores = [r.score for r in project.reviews.all()]
    if not scores:
        return None
    return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))


def contest_visible_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    q = scope.place_q(PLACE_READERS)
    subs = sorted({codes.subdistrict_of(c) for c in scope.codes(PLACE_READERS)["community"]})
    if subs:
        q |= Q(subdistrict_code__in=subs)
    pk = getattr(actor, "pk", None)
    if pk:
        q |= Q(pk__in=ContestJudge.objects.filter(user_id=pk).values("contest_id"))
    return q


def contest_list_for_actor(*, actor: Actor, year: int | None = None) -> QuerySet[Contest]:
    qs = Contest.objects.filter(contest_visible_q(actor))
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(entry_count=Count("entries")).order_by("-year", "subdistrict_code")


def contest_get_for_actor(*, actor: Actor, contest_id: int) -> Contest:
    row = Contest.objects.filter(contest_visible_q(actor), pk=contest_id).first()
    if row is None:
        raise NotFound("项目大赛不存在或无权查看")
    return row


def contest_entries(contest: Contest) -> list[ContestEntry]:
    return list(
        contest.entries.select_related("organization")
        .prefetch_related("sheets", "sheets__judge")
        .order_by("rank", "title")
    )


def contest_judge_of(*, actor: Actor, contest: Contest) -> ContestJudge | None:
    return ContestJudge.objects.filter(contest=contest, user_id=getattr(actor, "pk", None) or 0).first()


def social_worker_list_for_actor(
    *, actor: Actor, kind: str = "", community_code: str = "", organization_id: int | None = None
) -> QuerySet[SocialWorker]:
    qs = SocialWorker.objects.filter(socialorg_place_q(actor), active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    return qs.select_related("organization", "community").order_by("community_code", "kind", "name")


def _valid_certificate_q(today: dt.date) -> Q:
    return Q(expires_on__isnull=True) | Q(expires_on__gte=today)


def socialorg_figures(place_q: Q) -> list[dict[str, Any]]:
    """Per community: organisations (by kind), incubating, funded projects and funds, person-times,
    licensed social workers and envoys."""
    today = timezone.localdate()
    rows: dict[str, dict[str, Any]] = {}

    def row(code: str) -> dict[str, Any]:
        return rows.setdefault(
            code,
            {
                "community_code": code,
                "organizations": 0,
                "incubating": 0,
                "funded_projects": 0,
                "funds_yuan": Decimal("0.00"),
                "person_times": 0,
                "licensed_social_workers": 0,
                "harmony_envoys": 0,
            },
        )

    for code, n in (
        OrganizationProfile.objects.filter(place_q).values_list("community_code").annotate(n=Count("id"))
    ):
        row(code)["organizations"] = n
    for code, n in (
        Incubation.objects.filter(place_q, status="incubating")
        .values_list("community_code")
        .annotate(n=Count("id"))
    ):
        row(code)["incubating"] = n
    funded = FundedProject.objects.filter(
        place_q, status__in=(FundedProjectStatus.APPROVED, FundedProjectStatus.CLOSED)
    )
    for code, n, funds, served in funded.values_list("community_code").annotate(
        n=Count("id"), f=Sum("granted_yuan"), s=Sum("person_times")
    ):
        r = row(code)
        r.update(funded_projects=n, funds_yuan=funds or Decimal("0.00"), person_times=served or 0)
    workers = SocialWorker.objects.filter(place_q, _valid_certificate_q(today), active=True)
    for code, kind, n in workers.values_list("community_code", "kind").annotate(n=Count("id")):
        key = "licensed_social_workers" if kind == WorkerKind.LICENSED_SOCIAL_WORKER else "harmony_envoys"
        row(code)[key] = n
    return [rows[c] for c in sorted(rows)]


def socialorg_counts() -> dict[str, Any]:
    """The overview's ``social_organizations`` figures, from records."""
    funded = FundedProject.objects.filter(
        status__in=(FundedProjectStatus.APPROVED, FundedProjectStatus.CLOSED)
    )
    funds = funded.aggregate(s=Sum("granted_yuan"))["s"] or Decimal("0.00")
    return {
        "organizations": OrganizationProfile.objects.count(),
        "incubated": Incubation.objects.values("organization_id").distinct().count(),
        "funded_projects": funded.count(),
        "funds_yuan": float(funds),
        "licensed_social_workers": SocialWorker.objects.filter(
            _valid_certificate_q(timezone.localdate()),
            active=True,
            kind=WorkerKind.LICENSED_SOCIAL_WORKER,
        ).count(),
    }


def contest_entry_get_for_actor(*, actor: Actor, entry_id: int) -> ContestEntry:
    row = (
        ContestEntry.objects.filter(pk=entry_id, contest__in=Contest.objects.filter(contest_visible_q(actor)))
        .select_related("contest", "organization")
        .first()
    )
    if row is None:
        raise NotFound("参赛项目不存在或无权查看")
    return row
