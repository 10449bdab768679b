"""Reads of co-governance, scope applied: staff by place (``PLACE_READERS``), residents what is public.
A missing and a forbidden object are the same 404."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import PLACE_READERS
from gongzhi.core.scope import scope_of
from gongzhi.councils.enums import TopicStatus
from gongzhi.councils.models import (
    AppointmentDemand,
    AppointmentPlace,
    AppointmentSession,
    Council,
    CouncilMember,
    Meeting,
    PartyProposal,
    Resolution,
    ResolutionMilestone,
    Topic,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place_q(actor: Actor | None, prefix: str = "") -> Q:
    if actor is None:
        return Q()
    return scope_of(actor).place_q(PLACE_READERS, prefix)


# --- councils -------------------------------------------------------------------------------------------
def council_list_for_actor(*, actor: Actor | None) -> QuerySet[Council]:
    return Council.objects.filter(_place_q(actor)).select_related("community", "estate")


def council_get_for_actor(*, actor: Actor | None, council_id: int) -> Council:
    council = council_list_for_actor(actor=actor).filter(pk=council_id).first()
    if council is None:
        raise NotFound("议事会不存在或无权查看")
    return council


def council_members(council: Council, *, active_only: bool = True) -> QuerySet[CouncilMember]:
    qs = CouncilMember.objects.filter(council=council)
    return qs.filter(active=True) if active_only else qs


def council_public_get(council_id: int) -> Council:
    """The public page's council: any active one (its page shows only published items)."""
    council = Council.objects.filter(pk=council_id, active=True).select_related("community", "estate").first()
    if council is None:
        raise NotFound("议事会不存在")
    return council


def councils_for_community(community_code: str) -> QuerySet[Council]:
    return Council.objects.filter(community_code=community_code, active=True).order_by("id")


# --- topics ---------------------------------------------------------------------------------------------
def topic_list_for_actor(*, actor: Actor | None) -> QuerySet[Topic]:
    return Topic.objects.filter(_place_q(actor)).select_related("council")


def topic_get_for_actor(*, actor: Actor | None, topic_id: int) -> Topic:
    topic = topic_list_for_actor(actor=actor).filter(pk=topic_id).first()
    if topic is None:
        raise NotFound("议题不存在或无权查看")
    return topic


def _public_topic_q() -> Q:
    return Q(status=TopicStatus.CONSULTING) | Q(resolution__notice_published_at__isnull=False)


def topic_public_list(
    *, community_code: str | None = None, council: Council | None = None
) -> QuerySet[Topic]:
    """What residents see: topics open for opinions and topics whose resolution is publicised."""
    qs = Topic.objects.filter(_public_topic_q())
    if council is not None:
        qs = qs.filter(council=council)
    if community_code is not None:
        qs = qs.filter(community_code=community_code)
    return qs.select_related("council", "resolution").order_by("-status_changed_at", "-id")


def topic_public_get(topic_id: int) -> Topic:
    topic = topic_public_list().filter(pk=topic_id).first()
    if topic is None:
        raise NotFound("议题不存在或尚未公开")
    return topic


def topics_proposed_by(user: Actor) -> QuerySet[Topic]:
    return Topic.objects.filter(proposed_by_id=user.pk).select_related("council").order_by("-id")


# --- meetings -------------------------------------------------------------------------------------------
def council_meeting_list_for_actor(*, actor: Actor | None) -> QuerySet[Meeting]:
    return Meeting.objects.filter(_place_q(actor)).select_related("council")


def council_meeting_get_for_actor(*, actor: Actor | None, meeting_id: int) -> Meeting:
    meeting = council_meeting_list_for_actor(actor=actor).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("会议不存在或无权查看")
    return meeting


def meeting_by_token(token: str) -> Meeting:
    """The meeting a QR code names: the token is the key, as for the volunteers' sessions."""
    meeting = Meeting.objects.filter(qr_token=(token or "")[:32]).select_related("council").first()
    if meeting is None:
        raise NotFound("签到码无效或会议不存在")
    return meeting


# --- resolutions ----------------------------------------------------------------------------------------
def resolution_list_for_actor(*, actor: Actor | None) -> QuerySet[Resolution]:
    return Resolution.objects.filter(_place_q(actor)).select_related("topic", "topic__council", "meeting")


def resolution_get_for_actor(*, actor: Actor | None, resolution_id: int) -> Resolution:
    row = resolution_list_for_actor(actor=actor).filter(pk=resolution_id).first()
    if row is None:
        raise NotFound("决议不存在或无权查看")
    return row


def overdue_milestones(
    *, actor: Actor | None = None, today: dt.date | None = None
) -> QuerySet[ResolutionMilestone]:
    """Milestones past their date and not done, of resolutions still being carried out."""
    today = today or timezone.localdate()
    return (
        ResolutionMilestone.objects.filter(
            _place_q(actor, "resolution__"),
            done_on__isnull=True,
            due_on__lt=today,
            resolution__topic__status__in=(TopicStatus.RESOLVED, TopicStatus.IMPLEMENTING),
        )
        .select_related("resolution", "resolution__topic")
        .order_by("due_on", "id")
    )


def overdue_for_council(council: Council, today: dt.date | None = None) -> QuerySet[ResolutionMilestone]:
    return overdue_milestones(today=today).filter(resolution__topic__council=council)


# --- 党群提案 -------------------------------------------------------------------------------------------
def proposal_list_for_actor(*, actor: Actor | None) -> QuerySet[PartyProposal]:
    q = _place_q(actor)
    if actor is not None:
        q |= Q(submitted_by=actor) | Q(branch__secretary=actor)
    return PartyProposal.objects.filter(q).select_related("branch", "topic").distinct()


def proposal_get_for_actor(*, actor: Actor | None, proposal_id: int) -> PartyProposal:
    row = proposal_list_for_actor(actor=actor).filter(pk=proposal_id).first()
    if row is None:
        raise NotFound("提案不存在或无权查看")
    return row


def proposal_figures_by_branch(*, actor: Actor | None) -> list[dict[str, Any]]:
    """Per grid branch: proposals submitted, made topics, answered, and topics carried to the end."""
    rows = (
        proposal_list_for_actor(actor=actor)
        .values("branch_id", "branch__name")
        .annotate(
            total=Count("id"),
            accepted=Count("id", filter=Q(status="accepted")),
            answered=Count("id", filter=Q(status="answered")),
            finished=Count("id", filter=Q(topic__status__in=(TopicStatus.COMPLETED, TopicStatus.PUBLISHED))),
        )
        .order_by("branch__name")
    )
    return list(rows)


# --- 书记有约 -------------------------------------------------------------------------------------------
def appointment_place_list_for_actor(*, actor: Actor | None) -> QuerySet[AppointmentPlace]:
    return AppointmentPlace.objects.filter(_place_q(actor))


def appointment_session_list_for_actor(*, actor: Actor | None) -> QuerySet[AppointmentSession]:
    return AppointmentSession.objects.filter(_place_q(actor)).select_related("place")


def appointment_session_get_for_actor(*, actor: Actor | None, session_id: int) -> AppointmentSession:
    row = appointment_session_list_for_actor(actor=actor).filter(pk=session_id).first()
    if row is None:
        raise NotFound("书记有约场次不存在或无权查看")
    return row


def appointment_demand_list_for_actor(*, actor: Actor | None) -> QuerySet[AppointmentDemand]:
    return AppointmentDemand.objects.filter(_place_q(actor)).select_related("session", "session__place")


def appointment_demand_get_for_actor(*, actor: Actor | None, demand_id: int) -> AppointmentDemand:
    row = appointment_demand_list_for_actor(actor=actor).filter(pk=demand_id).first()
    if row is None:
        raise NotFound("诉求不存在或无权查看")
    return row
