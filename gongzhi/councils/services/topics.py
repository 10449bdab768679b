"""The deliberation engine (one for councils and for the property app's joint meetings): a topic from any
source is accepted onto the agenda or declined with a reason, studied and consulted (field visits,
residents' opinions on H5 for a set period — one per resident, tallied — and a third-party review for a
major topic), then put to a meeting (``services.meetings``) and carried out (``services.resolutions``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.councils.enums import Stance, TopicSource, TopicStep
from gongzhi.councils.models import Council, CouncilMember, FieldVisit, Opinion, Topic
from gongzhi.councils.permissions import resident_communities
from gongzhi.councils.selectors import topic_get_for_actor
from gongzhi.councils.services._common import (
    _actor_label,
    _locked,
    _mask_person,
    _raise_errors,
    _step,
    _text,
    _user_id,
)
from gongzhi.councils.transitions import OPINION_STATES, TOPIC, VISIT_STATES

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# The longest consultation a topic may run (a month and a half, as the village councils of seed 003 do).
MAX_CONSULTATION_DAYS = 45


@dataclass
class TopicInput:
    title: str
    description: str = ""
    major: bool = False


def _check_source(actor: Actor | None, council: Council, source_kind: str, source_id: int | None) -> None:
    """Whether this actor may bring a topic of this source to this council, and the source is real."""
    if source_kind not in TopicSource.values:
        raise field_error("source_kind", "议题来源无法识别")
    if source_kind == TopicSource.RESIDENT:
        if actor is None or council.community_code not in resident_communities(actor):
            raise Forbidden("只有本社区登记住户的居民可以提出议题")
        return
    if source_kind == TopicSource.MEMBER:
        member = CouncilMember.objects.filter(pk=source_id or 0, council=council, active=True).first()
        if member is None:
            raise field_error("source_id", "请选择本议事会的在任成员")
        if actor is not None and member.user_id == actor.pk:
            return
    require(actor, "councils.manage_council", council)
    if source_kind == TopicSource.STAFF:
        return
    if not source_id:
        raise field_error("source_id", "请注明来源编号")
    if source_kind == TopicSource.TICKET:
        from gongzhi.tickets.selectors.tickets import ticket_get_for_actor

        try:
            ticket = ticket_get_for_actor(actor=cast("Actor", actor), ticket_id=source_id)  # None: the system
        except NotFound:
            raise field_error("source_id", "来源工单不存在或无权查看") from None
        if getattr(ticket, "community_code", council.community_code) != council.community_code:
            raise field_error("source_id", "来源工单不在本社区")
    elif source_kind == TopicSource.NEED:
        from gongzhi.cobuild.selectors import need_list_for_actor

        if (
            not need_list_for_actor(actor=cast("Actor", actor))
            .filter(pk=source_id, community_code=council.community_code)
            .exists()
        ):
            raise field_error("source_id", "来源需求不存在或不在本社区")


def create_topic(
    *,
    actor: Actor | None,
    council: Council,
    data: TopicInput,
    source_kind: str,
    source_id: int | None = None,
    proposer_label: str = "",
) -> Topic:
    """The row and its first _step, without the audit row: for a service of this app whose own audit row
    covers it (a 党群提案 accepted, a 书记有约 demand raised). Others call ``topic_propose``."""
    errors: dict[str, str] = {}
    title = _text(errors, "title", data.title, "议题", 100, True)
    description = _text(errors, "description", data.description, "内容", 4000, False)
    _raise_errors(errors)
    if not council.active:
        raise Conflict("该议事会已停用，不能提出议题", code="council_inactive")
    now = timezone.now()
    topic = Topic(
        council=council,
        title=title,
        description=description,
        major=bool(data.major),
        source_kind=source_kind,
        source_id=source_id,
        proposed_by_id=_user_id(actor),
        proposer_label=(proposer_label or _actor_label(actor))[:50],
        status_changed_at=now,
    )
    topic.district_code, topic.subdistrict_code = council.district_code, council.subdistrict_code
    topic.community_code, topic.grid_code = council.community_code, ""
    topic.save()
    _step(topic, TopicStep.PROPOSED, actor, f"来源：{TopicSource(source_kind).label}", now)
    return topic


@transaction.atomic
def topic_propose(
    *,
    actor: Actor | None,
    council_id: int,
    data: TopicInput,
    source_kind: str = TopicSource.STAFF,
    source_id: int | None = None,
) -> Topic:
    """A topic for a council from any source: a resident on H5 (``resident``), a council member
    (``member``, ``source_id`` the member), the community (``staff``), a ticket or a need (their id), or
    another app (``property``: ``source_id`` is that app's row). A resident's name is masked."""
    council = Council.objects.filter(pk=council_id).first()
    if council is None:
        raise NotFound("议事会不存在")
    if source_kind in (TopicSource.PROPOSAL, TopicSource.APPOINTMENT):
        raise field_error("source_kind", "党群提案和书记有约诉求请在各自页面转为议题")
    _check_source(actor, council, source_kind, source_id)
    label = _mask_person(_actor_label(actor)) if source_kind == TopicSource.RESIDENT else ""
    topic = create_topic(
        actor=actor,
        council=council,
        data=data,
        source_kind=source_kind,
        source_id=source_id,
        proposer_label=label,
    )
    audit_record(
        actor=actor,
        target=topic,
        event="councils.topic_proposed",
        data={"council": council.pk, "source": source_kind, "source_id": source_id},
    )
    return topic


def _move(actor: Actor | None, topic_id: int, move: str) -> tuple[Topic, str]:
    topic = _locked(Topic, topic_get_for_actor(actor=actor, topic_id=topic_id))
    require(actor, "councils.manage_council", topic)
    return topic, check_move(TOPIC, move, topic.status)


def _set_status(topic: Topic, status: str, *extra: str) -> None:
    topic.status = status
    topic.status_changed_at = timezone.now()
    topic.save(update_fields=["status", "status_changed_at", *extra, "updated_at"])


@transaction.atomic
def topic_accept(*, actor: Actor | None, topic_id: int, note: str = "") -> Topic:
    """The council's secretary puts a proposed topic onto the agenda (not their own proposal)."""
    topic, target = _move(actor, topic_id, "accept")
    refuse_own_work(actor, topic.proposed_by_id, what="受理本人提出的议题")
    _set_status(topic, target)
    _step(topic, TopicStep.ACCEPTED, actor, note)
    audit_record(actor=actor, target=topic, event="councils.topic_accepted")
    return topic


@transaction.atomic
def topic_decline(*, actor: Actor | None, topic_id: int, reason: str) -> Topic:
    """Not taken up, with the reason the proposer and the public see."""
    topic, target = _move(actor, topic_id, "decline")
    refuse_own_work(actor, topic.proposed_by_id, what="审议本人提出的议题")
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, "不予受理理由", 500, True)
    _raise_errors(errors)
    topic.decline_reason = reason
    _set_status(topic, target, "decline_reason")
    _step(topic, TopicStep.DECLINED, actor, reason)
    audit_record(actor=actor, target=topic, event="councils.topic_declined", data={"reason": reason})
    return topic


@transaction.atomic
def topic_consultation_open(
    *, actor: Actor | None, topic_id: int, closes_on: dt.date, opens_on: dt.date | None = None
) -> Topic:
    """Residents' opinions are collected on H5 from ``opens_on`` (today) until ``closes_on``."""
    topic, target = _move(actor, topic_id, "consult")
    today = timezone.localdate()
    opens_on = opens_on or today
    if closes_on is None or closes_on < opens_on:
        raise field_error("closes_on", "征求意见截止日期应不早于开始日期")
    if (closes_on - opens_on).days > MAX_CONSULTATION_DAYS:
        raise field_error("closes_on", f"征求意见期不能超过{MAX_CONSULTATION_DAYS}天")
    topic.consultation_opens_on, topic.consultation_closes_on = opens_on, closes_on
    _set_status(topic, target, "consultation_opens_on", "consultation_closes_on")
    _step(
        topic, TopicStep.CONSULTATION_OPENED, actor, f"{opens_on:%Y-%m-%d}至{closes_on:%Y-%m-%d}征求居民意见"
    )
    audit_record(
        actor=actor,
        target=topic,
        event="councils.consultation_opened",
        data={"opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    return topic


@transaction.atomic
def topic_field_visit_record(
    *,
    actor: Actor | None,
    topic_id: int,
    visited_on: dt.date,
    location: str,
    findings: str,
    participants: str = "",
) -> FieldVisit:
    """实地调研 of an accepted, consulted or scheduled topic."""
    topic = _locked(Topic, topic_get_for_actor(actor=actor, topic_id=topic_id))
    require(actor, "councils.manage_council", topic)
    if topic.status not in VISIT_STATES:
        raise Conflict(
            f"议题当前状态为“{topic.get_status_display()}”，不能记录实地调研", code="illegal_transition"
        )
    errors: dict[str, str] = {}
    location = _text(errors, "location", location, "调研地点", 100, True)
    findings = _text(errors, "findings", findings, "调研情况", 4000, True)
    participants = _text(errors, "participants", participants, "参加人员", 200, False)
    if visited_on is None or visited_on > timezone.localdate():
        errors["visited_on"] = "调研日期不能晚于今天"
    _raise_errors(errors)
    visit = FieldVisit.objects.create(
        topic=topic,
        visited_on=visited_on,
        location=location,
        findings=findings,
        participants=participants,
        recorded_by_id=_user_id(actor),
    )
    _step(topic, TopicStep.FIELD_VISIT, actor, f"{visited_on:%Y-%m-%d} {location}")
    audit_record(actor=actor, target=topic, event="councils.field_visit_recorded", data={"visit": visit.pk})
    return visit


@transaction.atomic
def topic_review_record(*, actor: Actor | None, topic_id: int, reviewer: str, opinion: str) -> Topic:
    """A third party's review of a major topic (the meeting cannot take a major topic without one)."""
    topic = _locked(Topic, topic_get_for_actor(actor=actor, topic_id=topic_id))
    require(actor, "councils.manage_council", topic)
    if topic.status not in VISIT_STATES:
        raise Conflict(
            f"议题当前状态为“{topic.get_status_display()}”，不能记录第三方评估", code="illegal_transition"
        )
    errors: dict[str, str] = {}
    topic.review_by = _text(errors, "reviewer", reviewer, "第三方评估机构", 100, True)
    topic.review_opinion = _text(errors, "opinion", opinion, "评估意见", 4000, True)
    _raise_errors(errors)
    topic.reviewed_at = timezone.now()
    topic.save(update_fields=["review_by", "review_opinion", "reviewed_at", "updated_at"])
    _step(topic, TopicStep.REVIEW, actor, topic.review_by)
    audit_record(
        actor=actor, target=topic, event="councils.topic_reviewed", data={"reviewer": topic.review_by}
    )
    return topic


@transaction.atomic
def topic_opinion_give(*, actor: Actor, topic_id: int, stance: str, text_: str = "") -> Opinion:
    """A resident's opinion during the consultation period: one per resident, tallied on the topic."""
    topic = Topic.objects.select_for_update(of=("self",)).filter(pk=topic_id).first()
    if topic is None:
        raise NotFound("议题不存在")
    require(actor, "councils.give_opinion", topic, error=Forbidden("只有本社区登记住户的居民可以发表意见"))
    if topic.status not in OPINION_STATES:
        raise Conflict("该议题不在征求意见期", code="consultation_closed")
    today = timezone.localdate()
    if topic.consultation_opens_on and today < topic.consultation_opens_on:
        raise Conflict(f"征求意见自{topic.consultation_opens_on:%m月%d日}开始", code="consultation_not_open")
    if topic.consultation_closes_on and today > topic.consultation_closes_on:
        raise Conflict("征求意见已截止", code="consultation_closed")
    if stance not in Stance.values:
        raise field_error("stance", "请选择赞成、反对或其他意见")
    errors: dict[str, str] = {}
    body = _text(errors, "text", text_, "意见", 500, stance == Stance.NEUTRAL)
    _raise_errors(errors)
    if Opinion.objects.filter(topic=topic, user_id=actor.pk).exists():
        raise Conflict("您已对该议题发表过意见，每位居民限一次", code="already_given")
    try:
        with transaction.atomic():
            row = Opinion.objects.create(topic=topic, user_id=actor.pk, stance=stance, text=body)
    except IntegrityError as exc:
        raise Conflict("您已对该议题发表过意见，每位居民限一次", code="already_given") from exc
    field = {"support": "opinions_support", "oppose": "opinions_oppose", "neutral": "opinions_neutral"}[
        stance
    ]
    Topic.objects.filter(pk=topic.pk).update(**{field: F(field) + 1})
    audit_record(actor=actor, target=topic, event="councils.opinion_given", data={"stance": stance})
    return row


@transaction.atomic
def topic_paper_opinions_record(
    *, actor: Actor | None, topic_id: int, support: int, oppose: int, neutral: int = 0, note: str = ""
) -> Topic:
    """Opinions collected on paper (意见征集表, a village's household survey) added to the tally by the staff
    during the consultation or before the meeting: counts only, nobody's name."""
    topic = _locked(Topic, topic_get_for_actor(actor=actor, topic_id=topic_id))
    require(actor, "councils.manage_council", topic)
    if topic.status not in (*OPINION_STATES, "scheduled"):
        raise Conflict(
            f"议题当前状态为“{topic.get_status_display()}”，不能登记纸质意见", code="illegal_transition"
        )
    counts = (support, oppose, neutral)
    if not all(isinstance(n, int) and 0 <= n <= 100000 for n in counts) or sum(counts) == 0:
        raise field_error("support", "请填写纸质意见的份数（0到100000）")
    Topic.objects.filter(pk=topic.pk).update(
        opinions_support=F("opinions_support") + support,
        opinions_oppose=F("opinions_oppose") + oppose,
        opinions_neutral=F("opinions_neutral") + neutral,
    )
    _step(
        topic,
        TopicStep.CONSULTATION_OPENED,
        actor,
        f"纸质意见：赞成{support}，反对{oppose}，其他{neutral}。{note}"[:500],
    )
    audit_record(
        actor=actor, target=topic, event="councils.paper_opinions_recorded", data={"counts": list(counts)}
    )
    topic.refresh_from_db()
    return topic


def topic_ready_for_meeting(topic: Topic) -> None:
    """A major topic goes to the meeting only after its third-party review (409 otherwise). Putting a
    topic in consultation to the meeting ends its consultation (its status is no longer ``consulting``)."""
    if topic.major and topic.reviewed_at is None:
        raise Conflict(f"“{topic.title}”是重大事项，须先完成第三方评估", code="review_required")


__all__ = [
    "MAX_CONSULTATION_DAYS",
    "TopicInput",
    "create_topic",
    "topic_accept",
    "topic_consultation_open",
    "topic_decline",
    "topic_field_visit_record",
    "topic_opinion_give",
    "topic_paper_opinions_record",
    "topic_propose",
    "topic_ready_for_meeting",
    "topic_review_record",
]
