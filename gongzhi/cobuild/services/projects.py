"""Writes of the project list: create from needs and resources, claim (认领), sign the co-building
agreement (共建协议书), milestones, deliveries, completion, activities and residents' evaluation.

The community signs with the claimant, checks its milestones and deliveries, confirms its completion, and
residents rate it: none of it by the claimant themself (its member, its unit's liaison, its team's
leader), who would be judging their own work (``core.duties``, 403 ``own_work``).

Committed and delivered are kept apart: a project commits a quantity of each need when it is made,
deliveries are recorded against it, and on completion a need is fulfilled only if what was delivered
reaches what was committed; the rest goes back to the needs list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.cobuild.enums import NeedStatus, ProjectStatus, ProviderKind
from gongzhi.cobuild.models import (
    Evaluation,
    Milestone,
    Need,
    Project,
    ProjectActivity,
    ProjectNeed,
    ProjectResource,
    Resource,
)
from gongzhi.cobuild.selectors import project_list_for_actor, used_capacity
from gongzhi.cobuild.services._validation import plan_year
from gongzhi.cobuild.transitions import NEED, PROJECT
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import allowed, require
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _locked_project(actor: Actor, project_id: int) -> Project:
    visible = list(project_list_for_actor(actor=actor).filter(pk=project_id).values_list("pk", flat=True))
    project = Project.objects.select_for_update(of=("self",)).filter(pk__in=visible).first()
    if project is None:
        raise NotFound()
    return project


def _claimant_users(project: Project) -> set[int]:
    """The accounts that are the project's claimant: the member (and their resident record), the unit's
    liaison, the team leader's accounts."""
    from gongzhi.party.models import PartyMember, Unit
    from gongzhi.volunteers.models import VolunteerTeam

    rows: list[tuple[int | None, ...]] = []
    if project.claimant_member_id:
        rows += PartyMember.objects.filter(pk=project.claimant_member_id).values_list(
            "user_id", "person__user_id"
        )
    if project.claimant_unit_id:
        rows += Unit.objects.filter(pk=project.claimant_unit_id).values_list("liaison_id")
    if project.claimant_team_id:
        rows += VolunteerTeam.objects.filter(pk=project.claimant_team_id).values_list(
            "leader__user_id",
            "leader__person__user_id",
            "leader__party_member__user_id",
            "leader__party_member__person__user_id",
        )
    return {pk for row in rows for pk in row if pk is not None}


def _refuse_claimant(actor: Actor, project: Project, what: str) -> None:
    if project.claimant_kind:
        refuse_own_work(actor, _claimant_users(project), what=what)


def _move_need(need: Need, new: str) -> None:
    check_move(replace(NEED, subject=f"需求“{need.title}”"), new, need.status)
    need.status = new


def check_capacity(resources: list[Resource], extra: int, held: dict[int, int] | None = None) -> None:
    """Each resource must have room for ``extra`` more needs (``held`` = already taken)."""
    held = used_capacity([r.pk for r in resources]) if held is None else held
    full = [
        f"“{r.title}”（可承接{r.capacity}项，已承接{held.get(r.pk, 0)}项）"
        for r in resources
        if held.get(r.pk, 0) + extra > r.capacity
    ]
    if full:
        raise Conflict(
            gettext("资源容量不足：%(value)s") % {"value": "、".join(full)}, code="capacity_exhausted"
        )


def build_project(
    *,
    community: Any,
    title: str,
    description: str,
    year: int,
    needs: list[Need],
    resources: list[Resource],
    plan_row_id: int | None = None,
) -> Project:
    """Writes a proposed project with its links and commits the needs; the caller holds the locks and
    writes the audit row."""
    project = Project(
        community=community, title=title, description=description, year=year, plan_row_id=plan_row_id
    )
    project.set_place_codes(community_code=community.code)
    project.save()
    ProjectResource.objects.bulk_create([ProjectResource(project=project, resource=r) for r in resources])
    links = []
    for need in needs:
        committed = max(1, need.quantity - need.committed)
        links.append(ProjectNeed(project=project, need=need, committed=committed))
        _move_need(need, NeedStatus.MATCHED)
        need.committed += committed
        need.save(update_fields=["status", "committed", "updated_at"])
    ProjectNeed.objects.bulk_create(links)
    return project


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    need_ids: list[int],
    resource_ids: list[int],
    title: str = "",
    description: str = "",
    year: int | None = None,
) -> Project:
    """A project from one or more open needs of one community and the resources that meet them."""
    year = plan_year(year, timezone.localdate().year)
    if not need_ids:
        raise field_error("need_ids", gettext("请至少选择一项需求"))
    if not resource_ids:
        raise field_error("resource_ids", gettext("请至少选择一项资源"))
    needs = list(Need.objects.select_for_update(of=("self",)).filter(pk__in=set(need_ids)).order_by("pk"))
    scope = scope_of(actor)
    needs = [n for n in needs if scope.superuser or scope.covers(n)]
    if len(needs) != len(set(need_ids)):
        raise NotFound(gettext("需求不存在或无权查看"))
    communities = {n.community_id for n in needs}
    if len(communities) > 1:
        raise field_error("need_ids", gettext("一个项目的需求应属于同一社区"))
    require(
        actor,
        "cobuild.manage_project",
        needs[0],
        error=Forbidden(gettext("只有社区工作人员可以制定共建项目")),
    )
    not_open = [n.title for n in needs if n.status != NeedStatus.OPEN]
    if not_open:
        raise Conflict(
            gettext("需求“%(value)s”不是待对接状态，不能纳入新项目") % {"value": "、".join(not_open)},
            code="need_not_open",
        )
    resources = list(
        Resource.objects.select_for_update(of=("self",))
        .filter(pk__in=set(resource_ids), active=True)
        .order_by("pk")
    )
    if len(resources) != len(set(resource_ids)):
        raise NotFound(gettext("资源不存在或已停用"))
    check_capacity(resources, len(needs))
    title = (title or "").strip() or needs[0].title
    if len(title) > 100:
        raise field_error("title", gettext("项目名称不能超过100个字"))
    project = build_project(
        community=needs[0].community,
        title=title,
        description=(description or "").strip(),
        year=year,
        needs=needs,
        resources=resources,
    )
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.project_created",
        data={"needs": [n.pk for n in needs], "resources": [r.pk for r in resources], "title": title},
    )
    return project


def _claimant(actor: Actor, project: Project, kind: str, claimant_id: int | None) -> dict[str, Any]:
    """The claimant and whether this actor may claim for it: community staff on anyone's behalf, a unit
    liaison for their unit, a member for themselves, a team's leader for the team. With no claimant
    given, the provider of the project's (single) resource claims it."""
    from gongzhi.party.models import PartyMember, Unit
    from gongzhi.volunteers.models import VolunteerTeam

    staff = allowed(actor, "cobuild.manage_project", project)
    if not kind:
        res = [link.resource for link in project.resource_links.select_related("resource")]
        if len(res) != 1:
            raise field_error("claimant_kind", gettext("请选择认领方"))
        r = res[0]
        kind = r.provider_kind
        ids: dict[str, int | None] = {
            ProviderKind.UNIT: r.unit_id,
            ProviderKind.MEMBER: r.member_id,
            ProviderKind.TEAM: r.team_id,
        }
        claimant_id = ids.get(kind)
        if claimant_id is None:
            raise field_error("claimant_kind", gettext("该资源的提供方不能直接认领，请选择认领方"))
    if claimant_id is None:
        raise field_error("claimant_id", gettext("请选择认领方"))
    if kind == ProviderKind.UNIT:
        unit = Unit.objects.filter(pk=claimant_id).first()
        if unit is None:
            raise field_error("claimant_id", gettext("驻区单位不存在"))
        if not (staff or unit.liaison_id == actor.pk):
            raise Forbidden(gettext("只有该单位联络人或社区工作人员可以认领"))
        return {"claimant_kind": kind, "claimant_unit": unit, "claimant_name": unit.name}
    if kind == ProviderKind.MEMBER:
        member = PartyMember.objects.filter(pk=claimant_id).first()
        if member is None:
            raise field_error("claimant_id", gettext("党员不存在"))
        if not (staff or member.user_id == actor.pk):
            raise Forbidden(gettext("只有党员本人或社区工作人员可以认领"))
        return {"claimant_kind": kind, "claimant_member": member, "claimant_name": member.name}
    if kind == ProviderKind.TEAM:
        team = VolunteerTeam.objects.select_related("leader").filter(pk=claimant_id).first()
        if team is None:
            raise field_error("claimant_id", gettext("志愿服务队不存在"))
        leader_user = team.leader.user_id if team.leader_id and team.leader else None
        if not (staff or (leader_user is not None and leader_user == actor.pk)):
            raise Forbidden(gettext("只有队长或社区工作人员可以代表志愿服务队认领"))
        return {"claimant_kind": kind, "claimant_team": team, "claimant_name": team.name}
    raise field_error("claimant_kind", gettext("认领方应为驻区单位、在职党员或志愿服务队"))


@transaction.atomic
def project_claim(
    *, actor: Actor, project_id: int, claimant_kind: str = "", claimant_id: int | None = None
) -> Project:
    """认领. The row is locked first: of two claims at once, the second sees the first and is refused."""
    project = _locked_project(actor, project_id)
    if project.claimant_name or project.status != ProjectStatus.PROPOSED:
        if project.status == ProjectStatus.CANCELLED:
            raise Conflict(gettext("该项目已取消，不能认领"), code="project_cancelled")
        raise Conflict(
            gettext("该项目已由“%(claimant_name)s”认领，不能重复认领")
            % {"claimant_name": project.claimant_name},
            code="already_claimed",
        )
    who = _claimant(actor, project, claimant_kind, claimant_id)
    check_move(PROJECT, ProjectStatus.CLAIMED, project.status)
    for k, v in who.items():
        setattr(project, k, v)
    project.status = ProjectStatus.CLAIMED
    project.claimed_at = timezone.now()
    project.save(update_fields=[*who.keys(), "status", "claimed_at", "updated_at"])
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.project_claimed",
        data={"claimant_kind": who["claimant_kind"], "claimant": project.claimant_name},
    )
    return project


def _agreement_number(project: Project) -> str:
    """The next number of the community's year. The project's row lock does not serialise two projects
    signed at once (each would take the same number and meet ``agreement_number_unique``): the number is
    taken under a lock on the community's year, held until the signing commits."""
    prefix = f"GJXY-{project.community_code}-{project.year}-"
    lock_name(f"cobuild.agreement:{prefix}")
    last = (
        Project.objects.filter(agreement_number__startswith=prefix)
        .order_by("-agreement_number")
        .values_list("agreement_number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


@transaction.atomic
def project_sign(
    *,
    actor: Actor,
    project_id: int,
    terms: str,
    community_signatory: str,
    claimant_signatory: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Project:
    """签订共建协议书: both parties, the terms and the period; the needs move to in progress."""
    project = _locked_project(actor, project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以签订共建协议"))
    )
    _refuse_claimant(actor, project, gettext("代表社区与本人认领的项目签约"))
    if project.status == ProjectStatus.PROPOSED:
        raise Conflict(gettext("项目尚未认领，不能签约"), code="not_claimed")
    check_move(PROJECT, ProjectStatus.SIGNED, project.status)
    errors: dict[str, str] = {}
    terms = (terms or "").strip()
    if not terms:
        errors["terms"] = gettext("请填写协议条款")
    elif len(terms) > 5000:
        errors["terms"] = gettext("协议条款不能超过5000字")
    for name, value, label in (
        ("community_signatory", community_signatory, "社区签约人"),
        ("claimant_signatory", claimant_signatory, "认领方签约人"),
    ):
        if not (value or "").strip():
            errors[name] = gettext("请填写%(label)s") % {"label": label}
        elif len(value.strip()) > 50:
            errors[name] = gettext("%(label)s不能超过50个字") % {"label": label}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = gettext("结束日期不能早于开始日期")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    project.terms = terms
    project.community_signatory = community_signatory.strip()
    project.claimant_signatory = claimant_signatory.strip()
    project.starts_on, project.ends_on = starts_on, ends_on
    project.status = ProjectStatus.SIGNED
    project.signed_at = timezone.now()
    project.agreement_number = _agreement_number(project)
    project.save(
        update_fields=[
            "terms",
            "community_signatory",
            "claimant_signatory",
            "starts_on",
            "ends_on",
            "status",
            "signed_at",
            "agreement_number",
            "updated_at",
        ]
    )
    needs = list(Need.objects.select_for_update(of=("self",)).filter(project_links__project=project))
    for need in needs:
        if need.status == NeedStatus.MATCHED:
            _move_need(need, NeedStatus.IN_PROGRESS)
            need.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.project_signed",
        data={
            "agreement_number": project.agreement_number,
            "starts_on": str(starts_on),
            "ends_on": str(ends_on),
        },
    )
    return project


@transaction.atomic
def milestone_add(*, actor: Actor, project_id: int, title: str, due_on: dt.date | None = None) -> Milestone:
    project = _locked_project(actor, project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以设置项目节点"))
    )
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        raise Conflict(gettext("项目已结束，不能再添加节点"), code="project_closed")
    title = (title or "").strip()
    if not title:
        raise field_error("title", gettext("请填写节点名称"))
    if len(title) > 100:
        raise field_error("title", gettext("节点名称不能超过100个字"))
    ms = Milestone.objects.create(project=project, title=title, due_on=due_on)
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.milestone_added",
        data={"milestone": ms.pk, "title": title},
    )
    return ms


@transaction.atomic
def milestone_done(
    *, actor: Actor, milestone_id: int, done_on: dt.date | None = None, note: str = ""
) -> Milestone:
    ms = Milestone.objects.filter(pk=milestone_id).first()
    if ms is None:
        raise NotFound()
    project = _locked_project(actor, ms.project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以确认项目节点"))
    )
    _refuse_claimant(actor, project, gettext("确认本人认领项目的节点"))
    if ms.done_on:
        raise Conflict(gettext("该节点已完成"), code="milestone_done")
    ms.done_on = done_on or timezone.localdate()
    ms.note = (note or "").strip()[:200]
    ms.save(update_fields=["done_on", "note", "updated_at"])
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.milestone_done",
        data={"milestone": ms.pk, "done_on": str(ms.done_on)},
    )
    return ms


@transaction.atomic
def delivery_record(*, actor: Actor, project_id: int, need_id: int, quantity: int) -> ProjectNeed:
    """What was delivered against a need's commitment (数量 in the need's unit)."""
    project = _locked_project(actor, project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以登记交付情况"))
    )
    _refuse_claimant(actor, project, gettext("登记本人认领项目的交付"))
    if project.status != ProjectStatus.SIGNED:
        raise Conflict(gettext("项目签约后、完成前才能登记交付"), code="not_signed")
    link = (
        ProjectNeed.objects.select_for_update(of=("self",)).filter(project=project, need_id=need_id).first()
    )
    if link is None:
        raise NotFound(gettext("该需求不在此项目中"))
    if not isinstance(quantity, int) or quantity < 1 or quantity > 100000:
        raise field_error("quantity", gettext("交付数量应为1到100000之间的整数"))
    ProjectNeed.objects.filter(pk=link.pk).update(delivered=F("delivered") + quantity)
    Need.objects.filter(pk=need_id).update(delivered=F("delivered") + quantity, updated_at=timezone.now())
    link.refresh_from_db()
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.delivery_recorded",
        data={"need": need_id, "quantity": quantity},
    )
    return link


@transaction.atomic
def project_complete(*, actor: Actor, project_id: int, outcome: str) -> Project:
    """Ends a signed project: needs delivered in full are fulfilled, the rest go back to the list."""
    project = _locked_project(actor, project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以确认项目完成"))
    )
    _refuse_claimant(actor, project, gettext("确认本人认领的项目完成"))
    check_move(PROJECT, ProjectStatus.COMPLETED, project.status)
    outcome = (outcome or "").strip()
    if not outcome:
        raise field_error("outcome", gettext("请填写项目成效"))
    if len(outcome) > 2000:
        raise field_error("outcome", gettext("项目成效不能超过2000字"))
    now = timezone.now()
    fulfilled, reopened = _close_needs(project, now, cancelled=False)
    project.status = ProjectStatus.COMPLETED
    project.outcome = outcome
    project.completed_at = now
    project.save(update_fields=["status", "outcome", "completed_at", "updated_at"])
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.project_completed",
        data={"fulfilled": fulfilled, "reopened": reopened},
    )
    return project


def _close_needs(project: Project, now: dt.datetime, *, cancelled: bool) -> tuple[list[int], list[int]]:
    fulfilled, reopened = [], []
    links = list(ProjectNeed.objects.filter(project=project).select_related("need"))
    needs = {
        n.pk: n
        for n in Need.objects.select_for_update(of=("self",)).filter(pk__in=[lk.need_id for lk in links])
    }
    for link in links:
        need = needs[link.need_id]
        if need.status in (NeedStatus.FULFILLED, NeedStatus.WITHDRAWN):
            continue
        if not cancelled and link.delivered >= link.committed:
            _move_need(need, NeedStatus.FULFILLED)
            need.fulfilled_at = now
            fulfilled.append(need.pk)
        else:
            _move_need(need, NeedStatus.OPEN)
            need.committed = max(0, need.committed - max(0, link.committed - link.delivered))
            reopened.append(need.pk)
        need.save(update_fields=["status", "committed", "fulfilled_at", "updated_at"])
    return fulfilled, reopened


@transaction.atomic
def project_cancel(*, actor: Actor, project_id: int, reason: str) -> Project:
    project = _locked_project(actor, project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以取消项目"))
    )
    check_move(PROJECT, ProjectStatus.CANCELLED, project.status)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", gettext("请填写取消原因"))
    old = project.status
    _fulfilled, reopened = _close_needs(project, timezone.now(), cancelled=True)
    project.status = ProjectStatus.CANCELLED
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.project_cancelled",
        data={"from": old, "reason": reason[:200], "reopened": reopened},
    )
    return project


@transaction.atomic
def project_activity_link(*, actor: Actor, project_id: int, activity_id: int) -> ProjectActivity:
    from gongzhi.volunteers.models import Activity

    project = _locked_project(actor, project_id)
    require(
        actor, "cobuild.manage_project", project, error=Forbidden(gettext("只有社区工作人员可以关联活动"))
    )
    activity = Activity.objects.filter(pk=activity_id, community_id=project.community_id).first()
    if activity is None:
        raise field_error("activity_id", gettext("活动不存在或不在本社区"))
    if ProjectActivity.objects.filter(project=project, activity=activity).exists():
        raise Conflict(gettext("该活动已关联到此项目"), code="already_linked")
    link = ProjectActivity.objects.create(project=project, activity=activity)
    audit_record(actor=actor, target=project, event="cobuild.activity_linked", data={"activity": activity.pk})
    return link


@transaction.atomic
def project_evaluate(*, actor: Actor, project_id: int, rating: int, comment: str = "") -> Evaluation:
    """居民评价 of a delivered (completed) project of the resident's own community, once per account; a
    signed project still being carried out is refused with 409 ``not_delivered``."""

    project = Project.objects.select_for_update(of=("self",)).filter(pk=project_id).first()
    if project is None or project.status not in (ProjectStatus.SIGNED, ProjectStatus.COMPLETED):
        raise NotFound()
    require(
        actor, "cobuild.evaluate_project", project, error=Forbidden(gettext("只有本社区居民可以评价该项目"))
    )
    _refuse_claimant(actor, project, gettext("评价本人认领的项目"))
    if project.status != ProjectStatus.COMPLETED:  # a rating is of what was delivered, not promised
        raise Conflict(gettext("项目尚未完成交付，交付后才能评价"), code="not_delivered")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise field_error("rating", gettext("请选择1到5星的评分"))
    comment = (comment or "").strip()
    if len(comment) > 300:
        raise field_error("comment", gettext("评价不能超过300个字"))
    if Evaluation.objects.filter(project=project, user_id=actor.pk).exists():
        raise Conflict(gettext("您已评价过该项目"), code="already_evaluated")
    ev = Evaluation.objects.create(project=project, user_id=actor.pk, rating=rating, comment=comment)
    audit_record(actor=actor, target=project, event="cobuild.project_evaluated", data={"rating": rating})
    return ev
