"""Reads of co-governance, scope applied: staff by place (``PLACE_READERS``), residents what is public.
A missing and a forbidden object are the same 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

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


# Tickets that count as solved for a 书记有约 demand: checked, called back or closed.
TICKET_DONE = ("verified", "called_back", "closed")
TOPIC_DONE = (TopicStatus.COMPLETED, TopicStatus.PUBLISHED)


def _done_ticket_ids(ticket_ids: list[int]) -> set[int]:
    from gongzhi.tickets.models import Ticket

    return set(Ticket.objects.filter(pk__in=ticket_ids, status__in=TICKET_DONE).values_list("pk", flat=True))


def demand_done(demand: AppointmentDemand) -> bool:
    """Whether what the demand became is done: its ticket solved, its topic carried out."""
    if demand.ticket_id:
        return bool(_done_ticket_ids([demand.ticket_id]))
    if demand.topic_id:
        return Topic.objects.filter(pk=demand.topic_id, status__in=TOPIC_DONE).exists()
    return demand.status in ("answered", "solved")


def demand_progress(demands: list[AppointmentDemand]) -> dict[int, str]:
    """What each demand has come to, in words: the ticket's status, the topic's, or the answer."""
    from gongzhi.tickets.models import Ticket

    tickets = {
        pk: Ticket(status=s).get_status_display()
        for pk, s in Ticket.objects.filter(pk__in=[d.ticket_id for d in demands if d.ticket_id]).values_list(
            "pk", "status"
        )
    }
    topics = {
        pk: Topic(status=s).get_status_display()
        for pk, s in Topic.objects.filter(pk__in=[d.topic_id for d in demands if d.topic_id]).values_list(
            "pk", "status"
        )
    }
    out = {}
    for d in demands:
        if d.ticket_id:
            out[d.pk] = gettext("工单%(status)s") % {"status": tickets.get(d.ticket_id, "")}
        elif d.topic_id:
            out[d.pk] = gettext("议题%(status)s") % {"status": topics.get(d.topic_id, "")}
        else:
            out[d.pk] = d.get_status_display()
    return out


@dataclass
class CallbackRow:
    demand: AppointmentDemand
    progress: str
    done: bool


def callback_list(session: AppointmentSession) -> list[CallbackRow]:
    """The callback list of a session day: earlier demands of the community that nobody has reached on a
    callback yet (answered on the spot needs none), oldest first, with their progress (``progress``)."""
    from django.db.models import Exists, OuterRef

    from gongzhi.councils.models import DemandCallback

    reached = DemandCallback.objects.filter(demand=OuterRef("pk"), result="reached")
    rows = list(
        AppointmentDemand.objects.filter(
            community_code=session.community_code, session__date__lt=session.date
        )
        .exclude(status="answered")
        .exclude(Exists(reached))
        .select_related("session", "session__place")
        .order_by("session__date", "id")[:200]
    )
    progress = demand_progress(rows)
    done = _done_ticket_ids([d.ticket_id for d in rows if d.ticket_id])
    return [CallbackRow(d, progress[d.pk], d.status == "solved" or d.ticket_id in done) for d in rows]


def demand_figures_by_type(*, actor: Actor | None, year: int | None = None) -> list[dict[str, Any]]:
    """Demands received and solved, by type (供暖, 物业纠纷, 漏水 …): solved when answered on the spot,
    marked solved, or its ticket checked, called back or closed."""
    from gongzhi.councils.enums import DemandType
    from gongzhi.tickets.models import Ticket

    qs = appointment_demand_list_for_actor(actor=actor)
    if year:
        qs = qs.filter(session__date__year=year)
    done_tickets = Ticket.objects.filter(status__in=TICKET_DONE, channel="appointment").values("pk")
    solved_q = Q(status__in=("answered", "solved")) | Q(ticket_id__in=done_tickets)
    rows = {
        r["demand_type"]: r
        for r in qs.values("demand_type").annotate(received=Count("id"), solved=Count("id", filter=solved_q))
    }
    return [
        {
            "type": value,
            "label": str(label),
            "received": rows.get(value, {}).get("received", 0),
            "solved": rows.get(value, {}).get("solved", 0),
        }
        for value, label in DemandType.choices
    ]


# --- the public page of a council: named fields only, free text masked -----------------------------------
def _public_names(council: Council) -> list[str]:
    """Names the public page must not show in free text: the council's members and the people on the
    community's population register (a resident named in the minutes, a proposal or a resolution)."""
    from gongzhi.people.models import Person

    names = list(CouncilMember.objects.filter(council=council).values_list("name", flat=True))
    names += list(
        Person.objects.filter(community_code=council.community_code).values_list("name", flat=True)[:20000]
    )
    return names


def council_public_page(council: Council, today: dt.date | None = None) -> dict[str, Any]:
    """What anyone may read of a council: its members by category (names masked), the topics open for
    opinions, the resolutions publicised with their progress, milestones (overdue flagged) and rating,
    and the minutes of its meetings with names, numbers and doors masked."""
    from gongzhi.core.masking import mask_public_text

    today = today or timezone.localdate()
    names = _public_names(council)

    def mask(text: str) -> str:
        return mask_public_text(text, names)

    def person(name: str) -> str:
        return name[:1] + "*" * max(len(name) - 1, 1) if name else ""

    members = [
        {"category": m.get_category_display(), "name": person(m.name), "organization": mask(m.organization)}
        for m in council_members(council)
    ]
    topics = []
    rows = topic_public_list(council=council)[:100]
    milestones: dict[int, list[ResolutionMilestone]] = {}
    for ms in ResolutionMilestone.objects.filter(resolution__topic__in=[t.pk for t in rows]).order_by(
        "due_on"
    ):
        milestones.setdefault(ms.resolution_id, []).append(ms)
    for t in rows:
        r = getattr(t, "resolution", None)
        row: dict[str, Any] = {
            "id": t.pk,
            "title": mask(t.title),
            "description": mask(t.description),
            "status": t.get_status_display(),
            "consulting": t.status == TopicStatus.CONSULTING,
            "closes_on": t.consultation_closes_on,
            "support": t.opinions_support,
            "oppose": t.opinions_oppose,
            "neutral": t.opinions_neutral,
            "resolution": None,
        }
        if r is not None and r.notice_published_at is not None:
            row["resolution"] = {
                "id": r.pk,
                "number": r.number,
                "content": mask(r.content),
                "owner": mask(r.owner_name),
                "due_on": r.due_on,
                "progress": r.progress,
                "result": mask(r.result) if r.result_published_at else "",
                "rating": r.rating_average,
                "ratings": r.rating_count,
                "rateable": r.result_published_at is not None,
                "milestones": [
                    {
                        "title": mask(m.title),
                        "due_on": m.due_on,
                        "done_on": m.done_on,
                        "overdue": m.done_on is None and m.due_on < today,
                    }
                    for m in milestones.get(r.pk, [])
                ],
            }
        topics.append(row)
    meetings = [
        {
            "title": mask(m.title),
            "starts_at": m.starts_at,
            "location": mask(m.location),
            "minutes": mask(m.minutes),
            "attended": m.attended_count,
        }
        for m in Meeting.objects.filter(council=council, status="held").order_by("-starts_at")[:20]
    ]
    return {
        "name": council.name,
        "community": council.community.name,
        "estate": council.estate.name if council.estate else "",
        "kind": council.get_kind_display(),
        "pattern": council.get_pattern_display(),
        "term_start": council.term_start,
        "term_end": council.term_end,
        "description": mask(council.description),
        "members": members,
        "topics": topics,
        "meetings": meetings,
        "overdue": sum(
            1 for t in topics if t["resolution"] for m in t["resolution"]["milestones"] if m["overdue"]
        ),
    }


def councils_counts() -> dict[str, int]:
    """The overview's ``councils`` figures, from records: active councils, topics that came to a resolution,
    resolutions carried out (completed or published), 党群提案, 书记有约 session days held, and demands
    solved (answered on the spot, marked solved, or their ticket checked, called back or closed)."""
    from gongzhi.tickets.models import Ticket

    done_tickets = Ticket.objects.filter(status__in=TICKET_DONE, channel="appointment").values("pk")
    return {
        "councils": Council.objects.filter(active=True).count(),
        "topics_resolved": Topic.objects.filter(
            status__in=(TopicStatus.RESOLVED, TopicStatus.IMPLEMENTING, *TOPIC_DONE)
        ).count(),
        "resolutions_done": Resolution.objects.filter(topic__status__in=TOPIC_DONE).count(),
        "proposals": PartyProposal.objects.count(),
        "appointment_sessions": AppointmentSession.objects.filter(status="held").count(),
        "appointment_demands_solved": AppointmentDemand.objects.filter(
            Q(status__in=("answered", "solved")) | Q(ticket_id__in=done_tickets)
        ).count(),
    }


def resolution_volunteer_points_earned(community_code: str) -> list[Any]:
    """The points the community's resolution volunteers earn (a rule of source ``resolution``, read by
    ``points.services.harvest`` through ``points/sources.py``): one record per volunteer per resolution."""
    from gongzhi.councils.models import ResolutionVolunteer
    from gongzhi.points.sources import Earned

    rows = ResolutionVolunteer.objects.filter(community_code=community_code).select_related("resolution")
    return [
        Earned(
            key=f"resolution:{v.pk}",
            day=v.served_on,
            household_id=v.household_id,
            person_id=v.person_id,
            quantity=1,
            description=f"参与落实决议{v.resolution.number}" + (f"：{v.note}" if v.note else "")[:150],
        )
        for v in rows
    ]
