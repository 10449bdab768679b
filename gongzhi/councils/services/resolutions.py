"""Implementation and accountability of a resolution (as Decidim's accountability): the notice (决议公示),
the owner's milestones with dates, progress in %, linked tickets and projects, completion, the published
result and the residents' ratings (one per resident)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.councils.enums import TopicStep
from gongzhi.councils.models import Rating, Resolution, ResolutionMilestone, ResolutionVolunteer, Topic
from gongzhi.councils.selectors import resolution_get_for_actor
from gongzhi.councils.services._common import _locked, _raise_errors, _step, _text
from gongzhi.councils.transitions import MILESTONE_STATES, NOTICE_STATES, TOPIC

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _resolution(actor: Actor | None, resolution_id: int) -> tuple[Resolution, Topic]:
    row = _locked(Resolution, resolution_get_for_actor(actor=actor, resolution_id=resolution_id))
    require(actor, "councils.manage_council", row)
    topic = Topic.objects.select_for_update(of=("self",)).get(pk=row.topic_id)
    return row, topic


def _topic_to(actor: Actor | None, topic: Topic, move: str, what: str, note: str = "") -> None:
    topic.status = check_move(TOPIC, move, topic.status)
    topic.status_changed_at = timezone.now()
    topic.save(update_fields=["status", "status_changed_at", "updated_at"])
    _step(topic, what, actor, note)


def _in(topic: Topic, states: tuple[str, ...], what: str) -> None:
    if topic.status not in states:
        raise Conflict(f"议题当前状态为“{topic.get_status_display()}”，不能{what}", code="illegal_transition")


@transaction.atomic
def resolution_notice_publish(*, actor: Actor | None, resolution_id: int) -> Resolution:
    """决议公示: residents see the resolution and its progress on the public page from now on."""
    row, topic = _resolution(actor, resolution_id)
    _in(topic, NOTICE_STATES, "公示决议")
    if row.notice_published_at is not None:
        raise Conflict("决议已公示", code="already_published")
    row.notice_published_at = timezone.now()
    row.save(update_fields=["notice_published_at", "updated_at"])
    _step(topic, TopicStep.NOTICE, actor, row.number)
    audit_record(actor=actor, target=row, event="councils.notice_published")
    return row


@transaction.atomic
def resolution_implementation_start(
    *, actor: Actor | None, resolution_id: int, owner_name: str = "", owner_id: int | None = None
) -> Resolution:
    row, topic = _resolution(actor, resolution_id)
    errors: dict[str, str] = {}
    owner_name = _text(errors, "owner_name", owner_name, "责任人/责任单位", 100, False) or row.owner_name
    if not owner_name:
        errors["owner_name"] = "请填写责任人或责任单位"
    _raise_errors(errors)
    row.owner_name = owner_name
    if owner_id:
        row.owner_id = owner_id
    row.save(update_fields=["owner_name", "owner", "updated_at"])
    _topic_to(actor, topic, "implement", TopicStep.IMPLEMENTING, f"责任人：{owner_name}")
    audit_record(actor=actor, target=row, event="councils.implementation_started", data={"owner": owner_name})
    return row


@transaction.atomic
def resolution_milestone_add(
    *, actor: Actor | None, resolution_id: int, title: str, due_on: dt.date, note: str = ""
) -> ResolutionMilestone:
    row, topic = _resolution(actor, resolution_id)
    _in(topic, MILESTONE_STATES, "添加实施节点")
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "节点", 100, True)
    note = _text(errors, "note", note, "说明", 200, False)
    if due_on is None:
        errors["due_on"] = "请填写计划完成日期"
    _raise_errors(errors)
    milestone = ResolutionMilestone.objects.create(resolution=row, title=title, due_on=due_on, note=note)
    audit_record(actor=actor, target=row, event="councils.milestone_added", data={"milestone": milestone.pk})
    return milestone


@transaction.atomic
def resolution_milestone_done(
    *, actor: Actor | None, milestone_id: int, done_on: dt.date | None = None, note: str = ""
) -> ResolutionMilestone:
    milestone = ResolutionMilestone.objects.select_for_update().filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound("实施节点不存在")
    row, topic = _resolution(actor, milestone.resolution_id)
    _in(topic, MILESTONE_STATES, "完成实施节点")
    if milestone.done_on is not None:
        raise Conflict("该节点已完成", code="already_done")
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise field_error("done_on", "完成日期不能晚于今天")
    milestone.done_on = done_on
    milestone.note = _text({}, "note", note, "说明", 200, False) or milestone.note
    milestone.save(update_fields=["done_on", "note", "updated_at"])
    _step(topic, TopicStep.PROGRESS, actor, f"完成节点：{milestone.title}")
    audit_record(actor=actor, target=row, event="councils.milestone_done", data={"milestone": milestone.pk})
    return milestone


@transaction.atomic
def resolution_progress_update(
    *, actor: Actor | None, resolution_id: int, progress: int, note: str = ""
) -> Resolution:
    row, topic = _resolution(actor, resolution_id)
    _in(topic, MILESTONE_STATES[1:], "更新进度")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise field_error("progress", "进度应为0到100之间的整数")
    if progress < row.progress:
        raise field_error("progress", f"进度不能低于已报的{row.progress}%")
    row.progress = progress
    row.save(update_fields=["progress", "updated_at"])
    _step(topic, TopicStep.PROGRESS, actor, f"进度{progress}%" + (f"：{note[:200]}" if note else ""))
    audit_record(actor=actor, target=row, event="councils.progress_updated", data={"progress": progress})
    return row


@transaction.atomic
def resolution_ticket_link(*, actor: Actor | None, resolution_id: int, ticket_id: int) -> Resolution:
    """A ticket that carries out part of the resolution (one the actor may read)."""
    from gongzhi.tickets.selectors.tickets import ticket_get_for_actor

    row, topic = _resolution(actor, resolution_id)
    _in(topic, MILESTONE_STATES, "关联工单")
    try:
        ticket_get_for_actor(actor=cast("Actor", actor), ticket_id=ticket_id)  # None: the system
    except NotFound:
        raise field_error("ticket_id", "工单不存在或无权查看") from None
    if ticket_id in row.ticket_ids:
        raise Conflict("该工单已关联", code="already_linked")
    row.ticket_ids = [*row.ticket_ids, ticket_id]
    row.save(update_fields=["ticket_ids", "updated_at"])
    audit_record(actor=actor, target=row, event="councils.ticket_linked", data={"ticket": ticket_id})
    return row


@transaction.atomic
def resolution_complete(*, actor: Actor | None, resolution_id: int, result: str) -> Resolution:
    """办结: the community accepts the implementation as done (not the resolution's own owner)."""
    row, topic = _resolution(actor, resolution_id)
    refuse_own_work(actor, row.owner_id, what="验收本人负责实施的决议")
    errors: dict[str, str] = {}
    row.result = _text(errors, "result", result, "实施结果", 4000, True)
    _raise_errors(errors)
    open_milestones = row.milestones.filter(done_on__isnull=True).count()
    if open_milestones:
        raise Conflict(f"还有{open_milestones}个实施节点未完成", code="milestones_open")
    _topic_to(actor, topic, "complete", TopicStep.COMPLETED)
    row.progress, row.completed_at = 100, timezone.now()
    row.save(update_fields=["result", "progress", "completed_at", "updated_at"])
    audit_record(actor=actor, target=row, event="councils.resolution_completed")
    return row


@transaction.atomic
def resolution_result_publish(*, actor: Actor | None, resolution_id: int) -> Resolution:
    """结果公开: the result goes on the public page and residents may rate it."""
    row, topic = _resolution(actor, resolution_id)
    _topic_to(actor, topic, "publish", TopicStep.PUBLISHED)
    now = timezone.now()
    row.result_published_at = now
    row.notice_published_at = row.notice_published_at or now
    row.save(update_fields=["result_published_at", "notice_published_at", "updated_at"])
    audit_record(actor=actor, target=row, event="councils.result_published")
    return row


@transaction.atomic
def resolution_rate(*, actor: Actor, resolution_id: int, score: int, comment: str = "") -> Rating:
    """A resident of the community rates a published result, once (1–5)."""
    row = (
        Resolution.objects.select_for_update(of=("self",))
        .filter(pk=resolution_id)
        .select_related("topic")
        .first()
    )
    if row is None or row.notice_published_at is None:
        raise NotFound("决议不存在或尚未公开")
    require(actor, "councils.rate_resolution", row, error=Forbidden("只有本社区登记住户的居民可以评价"))
    if row.result_published_at is None:
        raise Conflict("决议实施结果公开后方可评价", code="not_published")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise field_error("score", "评分应为1到5分")
    comment = _text({}, "comment", comment, "评价", 300, False)[:300]
    try:
        with transaction.atomic():
            rating = Rating.objects.create(resolution=row, user_id=actor.pk, score=score, comment=comment)
    except IntegrityError as exc:
        raise Conflict("您已评价过该决议，每位居民限一次", code="already_rated") from exc
    Resolution.objects.filter(pk=row.pk).update(
        rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + score
    )
    audit_record(actor=actor, target=row, event="councils.resolution_rated", data={"score": score})
    return rating


@transaction.atomic
def resolution_volunteer_record(
    *, actor: Actor | None, resolution_id: int, person_id: int, served_on: dt.date | None, note: str = ""
) -> ResolutionVolunteer:
    """决议落实志愿者: a resident of the council's community who helped carry the resolution out (once per
    resolution); a rule of source ``resolution`` turns it into a points claim at the next harvest."""
    from gongzhi.people.models import Person

    row, topic = _resolution(actor, resolution_id)
    _in(topic, MILESTONE_STATES, "登记落实志愿者")
    errors: dict[str, str] = {}
    person = (
        Person.objects.filter(pk=person_id, household__community_code=row.community_code)
        .select_related("household")
        .first()
    )
    if person is None or person.household_id is None:
        errors["person_id"] = "该居民不在本社区的人口登记中"
    today = timezone.localdate()
    if served_on is None:
        errors["served_on"] = "请填写服务日期"
    elif served_on > today:
        errors["served_on"] = "服务日期不能晚于今天"
    elif served_on < timezone.localtime(row.created_at).date():
        errors["served_on"] = "服务日期不能早于决议作出的日期"
    note = _text(errors, "note", note, "做了什么", 200, False)
    _raise_errors(errors)
    assert person is not None and person.household_id is not None and served_on is not None
    try:
        with transaction.atomic():
            volunteer = ResolutionVolunteer.objects.create(
                resolution=row,
                person=person,
                household_id=person.household_id,
                community_code=row.community_code,
                served_on=served_on,
                note=note,
                recorded_by_id=getattr(actor, "pk", None),
            )
    except IntegrityError:
        raise Conflict("该居民已登记为本决议的落实志愿者", code="already_recorded") from None
    _step(topic, TopicStep.PROGRESS, actor, f"落实志愿者：{person.name}")
    audit_record(actor=actor, target=row, event="councils.volunteer_recorded", data={"person": person.pk})
    return volunteer
