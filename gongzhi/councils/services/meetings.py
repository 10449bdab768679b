"""Meetings (议事会议, 联席会议): an agenda of topics, invitations, attendance by QR check-in (the volunteers'
token, clock and window) or by hand, a decision per topic from the members' votes, the minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.councils.enums import CheckInMethod, Decision, MeetingStatus, TopicStep, VoteChoice
from gongzhi.councils.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilMember,
    Meeting,
    Resolution,
    Topic,
    Vote,
)
from gongzhi.councils.selectors import council_get_for_actor, council_meeting_get_for_actor, meeting_by_token
from gongzhi.councils.services._common import _locked, _raise_errors, _step, _text, _user_id
from gongzhi.councils.services.topics import topic_ready_for_meeting
from gongzhi.councils.transitions import MEETING, TOPIC
from gongzhi.volunteers import clock
from gongzhi.volunteers.services.activities import new_token
from gongzhi.volunteers.services.attendance import EARLY_CHECK_IN

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@dataclass
class MeetingInput:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    host: str = ""
    recorder: str = ""
    venue_id: int | None = None  # a venue of the council's community: booked for the meeting's hours


@dataclass
class ResolutionInput:
    content: str
    owner_name: str = ""
    owner_id: int | None = None
    due_on: dt.date | None = None


def _agenda_topic(actor: Actor | None, meeting: Meeting, topic_id: int, position: int) -> AgendaItem:
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .filter(pk=topic_id, council_id=meeting.council_id)
        .first()
    )
    if topic is None:
        raise field_error("topic_ids", "议题不存在或不属于本议事会")
    target = check_move(TOPIC, "schedule", topic.status)
    topic_ready_for_meeting(topic)
    topic.status, topic.meeting = target, meeting
    topic.status_changed_at = timezone.now()
    topic.save(update_fields=["status", "meeting", "status_changed_at", "updated_at"])
    _step(topic, TopicStep.SCHEDULED, actor, meeting.title)
    return AgendaItem.objects.create(meeting=meeting, topic=topic, position=position)


def _venue(actor: Actor | None, council: Council, venue_id: int | None, errors: dict[str, str]) -> Any:
    """The venue a meeting is held at: an active one of the council's community the actor may use."""
    if not venue_id:
        return None
    from gongzhi.venues.models import Venue
    from gongzhi.venues.selectors import venue_list_for_actor

    visible = venue_list_for_actor(actor=actor) if actor is not None else Venue.objects.filter(active=True)
    venue = visible.filter(pk=venue_id, community_code=council.community_code).first()
    if venue is None:
        errors["venue_id"] = "服务阵地不存在、已停用或不在本社区"
    return venue


def _book(actor: Actor | None, venue: Any, meeting: Meeting) -> None:
    """The venue booked for the meeting's hours, linked to it; a clash is the venues' Chinese 409 and the
    meeting is not scheduled either (one transaction)."""
    from gongzhi.venues.enums import BookerKind, LinkKind
    from gongzhi.venues.services.bookings import (
        BookingInput,
        BookingRow,
        booking_create,
        bookings_bulk_record,
    )

    data = BookingInput(
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        purpose=meeting.title,
        attendees=max(1, CouncilMember.objects.filter(council_id=meeting.council_id, active=True).count()),
        booker_kind=BookerKind.STAFF,
        linked_kind=LinkKind.MEETING,
        linked_id=meeting.pk,
    )
    if actor is None:
        bookings_bulk_record(actor=None, rows=[BookingRow(venue=venue, data=data)])
    else:
        booking_create(actor=actor, venue_id=venue.pk, data=data)


@transaction.atomic
def meeting_schedule(
    *, actor: Actor | None, council_id: int, data: MeetingInput, topic_ids: list[int]
) -> Meeting:
    """A meeting of the council with its agenda: accepted or consulted topics (a major one reviewed)."""
    council = _locked(Council, council_get_for_actor(actor=actor, council_id=council_id))
    require(actor, "councils.manage_council", council)
    errors: dict[str, str] = {}
    title = _text(errors, "title", data.title, "会议名称", 100, True)
    venue = _venue(actor, council, data.venue_id, errors)
    location = _text(errors, "location", data.location or (venue.name if venue else ""), "地点", 100, True)
    host = _text(errors, "host", data.host, "主持人", 50, False)
    recorder = _text(errors, "recorder", data.recorder, "记录人", 50, False)
    if data.starts_at is None or data.ends_at is None or data.ends_at <= data.starts_at:
        errors["ends_at"] = "结束时间应晚于开始时间"
    elif data.ends_at - data.starts_at > dt.timedelta(hours=12):
        errors["ends_at"] = "一次会议不超过12小时"
    if not topic_ids:
        errors["topic_ids"] = "请至少选择一个议题"
    elif len(topic_ids) > 30:
        errors["topic_ids"] = "一次会议的议题不超过30个"
    _raise_errors(errors)
    meeting = Meeting(
        council=council,
        title=title,
        location=location,
        host=host,
        recorder=recorder,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        qr_token=new_token(),
        venue=venue,
    )
    meeting.district_code, meeting.subdistrict_code = council.district_code, council.subdistrict_code
    meeting.community_code = council.community_code
    meeting.save()
    if venue is not None:
        _book(actor, venue, meeting)
    for position, topic_id in enumerate(dict.fromkeys(topic_ids), start=1):
        _agenda_topic(actor, meeting, topic_id, position)
    audit_record(
        actor=actor,
        target=meeting,
        event="councils.meeting_scheduled",
        data={"topics": list(dict.fromkeys(topic_ids))},
    )
    return meeting


def _open_meeting(actor: Actor | None, meeting_id: int) -> Meeting:
    meeting = _locked(Meeting, council_meeting_get_for_actor(actor=actor, meeting_id=meeting_id))
    require(actor, "councils.manage_council", meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(
            f"会议当前状态为“{meeting.get_status_display()}”，不能再修改", code="illegal_transition"
        )
    return meeting


@transaction.atomic
def meeting_agenda_add(*, actor: Actor | None, meeting_id: int, topic_id: int) -> AgendaItem:
    meeting = _open_meeting(actor, meeting_id)
    if AgendaItem.objects.filter(meeting=meeting, topic_id=topic_id).exists():
        raise Conflict("该议题已在议程中", code="already_on_agenda")
    position = AgendaItem.objects.filter(meeting=meeting).count() + 1
    item = _agenda_topic(actor, meeting, topic_id, position)
    audit_record(actor=actor, target=meeting, event="councils.agenda_added", data={"topic": topic_id})
    return item


@transaction.atomic
def meeting_invite(*, actor: Actor | None, meeting_id: int, member_ids: list[int] | None = None) -> int:
    """Invitations to the council's active members (all of them, or those named); returns how many new."""
    meeting = _open_meeting(actor, meeting_id)
    members = CouncilMember.objects.filter(council_id=meeting.council_id, active=True)
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    have = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    now = timezone.now()
    rows = [Attendance(meeting=meeting, member=m, invited_at=now) for m in members if m.pk not in have]
    Attendance.objects.bulk_create(rows)
    audit_record(actor=actor, target=meeting, event="councils.members_invited", data={"count": len(rows)})
    return len(rows)


def _attend(
    actor: Actor | None, meeting: Meeting, member: CouncilMember, at: dt.datetime, method: str
) -> Attendance:
    row = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    if row is not None and row.checked_in_at is not None:
        raise Conflict(f"{member.name}已签到", code="already_checked_in")
    recorder = _user_id(actor)
    if row is None:
        try:
            with transaction.atomic():
                row = Attendance.objects.create(
                    meeting=meeting, member=member, checked_in_at=at, method=method, recorded_by_id=recorder
                )
        except IntegrityError as exc:
            raise Conflict(f"{member.name}已签到", code="already_checked_in") from exc
    else:
        row.checked_in_at, row.method, row.recorded_by_id = at, method, recorder
        row.save(update_fields=["checked_in_at", "method", "recorded_by", "updated_at"])
    Meeting.objects.filter(pk=meeting.pk).update(attended_count=F("attended_count") + 1)
    return row


@transaction.atomic
def meeting_check_in_by_qr(*, actor: Actor, token: str) -> Attendance:
    """A member scans the meeting's QR code on their phone: from half an hour before the start to the end."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting_by_token(token).pk)
    member = CouncilMember.objects.filter(
        council_id=meeting.council_id, user_id=actor.pk, active=True
    ).first()
    if member is None:
        raise Conflict("您不是该议事会的成员，请联系会议组织者登记", code="not_a_member")
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict("会议已结束或已取消，不能扫码签到", code="meeting_over")
    now = clock.now()
    if now < meeting.starts_at - EARLY_CHECK_IN:
        raise Conflict(
            f"会议尚未开始，请于{timezone.localtime(meeting.starts_at - EARLY_CHECK_IN):%m月%d日 %H:%M}后签到",
            code="too_early",
        )
    if now >= meeting.ends_at:
        raise Conflict("会议已结束，不能扫码签到，请联系组织者补登", code="meeting_over")
    row = _attend(actor, meeting, member, now, CheckInMethod.QR)
    audit_record(
        actor=actor, target=meeting, event="councils.checked_in", data={"member": member.pk, "method": "qr"}
    )
    return row


@transaction.atomic
def meeting_attendance_record(*, actor: Actor | None, meeting_id: int, member_id: int) -> Attendance:
    """The organiser records a member who came without a phone (现场登记)."""
    meeting = _open_meeting(actor, meeting_id)
    member = CouncilMember.objects.filter(pk=member_id, council_id=meeting.council_id).first()
    if member is None:
        raise NotFound("成员不存在")
    row = _attend(
        actor,
        meeting,
        member,
        max(meeting.starts_at, min(timezone.now(), meeting.ends_at)),
        CheckInMethod.HAND,
    )
    audit_record(
        actor=actor, target=meeting, event="councils.checked_in", data={"member": member.pk, "method": "hand"}
    )
    return row


@transaction.atomic
def meeting_attendance_bulk_record(*, actor: Actor | None, meeting_id: int, member_ids: list[int]) -> int:
    """The paper sign-in sheet entered at once (签到表): members not yet checked in, one audit row."""
    meeting = _open_meeting(actor, meeting_id)
    members = list(CouncilMember.objects.filter(pk__in=member_ids, council_id=meeting.council_id))
    done = set(
        Attendance.objects.filter(meeting=meeting, checked_in_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    at = max(meeting.starts_at, min(timezone.now(), meeting.ends_at))
    invited = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting, checked_in_at__isnull=True)}
    new, changed = [], []
    for m in members:
        if m.pk in done:
            continue
        if m.pk in invited:
            row = invited[m.pk]
            row.checked_in_at, row.method, row.recorded_by_id = at, CheckInMethod.HAND, _user_id(actor)
            changed.append(row)
        else:
            new.append(
                Attendance(
                    meeting=meeting,
                    member=m,
                    checked_in_at=at,
                    method=CheckInMethod.HAND,
                    recorded_by_id=_user_id(actor),
                )
            )
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["checked_in_at", "method", "recorded_by_id"])
    count = len(new) + len(changed)
    Meeting.objects.filter(pk=meeting.pk).update(attended_count=F("attended_count") + count)
    audit_record(actor=actor, target=meeting, event="councils.attendance_recorded", data={"count": count})
    return count


def _resolution_number(council: Council, year: int) -> str:
    prefix = f"{council.community_code}-{year}-"
    taken = Resolution.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def meeting_topic_decide(
    *,
    actor: Actor | None,
    item_id: int,
    votes: dict[int, str],
    resolution: ResolutionInput | None = None,
    defer: bool = False,
) -> AgendaItem:
    """The vote on one agenda item, member by member (赞成/反对/弃权): only members present vote, and more
    than half of the council's active members must be present. Adopted when more than half of the votes
    cast are for it: a resolution (``resolution``: its content, owner and time limit) is made and the topic
    is resolved; otherwise the topic is voted down. ``defer`` sends the topic back to consultation."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(pk=item_id)
        .select_related("meeting")
        .first()
    )
    if item is None:
        raise NotFound("议程不存在")
    meeting = _open_meeting(actor, item.meeting_id)
    council = Council.objects.select_for_update().get(pk=meeting.council_id)
    if item.decision != Decision.PENDING:
        raise Conflict("该议题已表决", code="already_decided")
    topic = Topic.objects.select_for_update(of=("self",)).get(pk=item.topic_id)
    now = timezone.now()
    if defer:
        topic.status = check_move(TOPIC, "defer", topic.status)
        topic.meeting, topic.status_changed_at = None, now
        topic.save(update_fields=["status", "meeting", "status_changed_at", "updated_at"])
        item.decision, item.decided_at = Decision.DEFERRED, now
        item.save(update_fields=["decision", "decided_at", "updated_at"])
        _step(topic, TopicStep.DEFERRED, actor, meeting.title)
        audit_record(actor=actor, target=topic, event="councils.topic_deferred", data={"meeting": meeting.pk})
        return item
    present = set(
        Attendance.objects.filter(meeting=meeting, checked_in_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    active = CouncilMember.objects.filter(council=council, active=True).count()
    if len(present) * 2 <= active:
        raise Conflict(f"到会成员{len(present)}人，未过在任成员{active}人的半数，不能表决", code="no_quorum")
    if not votes:
        raise field_error("votes", "请录入成员表决")
    errors: dict[str, str] = {}
    for member_id, choice in votes.items():
        if member_id not in present:
            errors["votes"] = "只有到会成员可以表决"
        elif choice not in VoteChoice.values:
            errors["votes"] = "表决应为赞成、反对或弃权"
    _raise_errors(errors)
    Vote.objects.bulk_create([Vote(item=item, member_id=m, choice=c) for m, c in sorted(votes.items())])
    tally = {c: sum(1 for v in votes.values() if v == c) for c in VoteChoice.values}
    item.votes_for, item.votes_against, item.votes_abstain = tally["for"], tally["against"], tally["abstain"]
    adopted = item.votes_for * 2 > len(votes)
    if adopted:
        if resolution is None:
            raise field_error("content", "表决通过，请填写决议内容")
        errors = {}
        content = _text(errors, "content", resolution.content, "决议内容", 4000, True)
        owner_name = _text(errors, "owner_name", resolution.owner_name, "责任人/责任单位", 100, False)
        if resolution.due_on is not None and resolution.due_on < timezone.localdate() - dt.timedelta(
            days=366
        ):
            errors["due_on"] = "完成时限不能早于一年前"
        _raise_errors(errors)
        topic.status = check_move(TOPIC, "adopt", topic.status)
        row = Resolution(
            topic=topic,
            meeting=meeting,
            number=_resolution_number(council, timezone.localtime(meeting.starts_at).year),
            content=content,
            owner_name=owner_name,
            owner_id=resolution.owner_id,
            due_on=resolution.due_on,
        )
        row.district_code, row.subdistrict_code = topic.district_code, topic.subdistrict_code
        row.community_code = topic.community_code
        row.save()
    else:
        topic.status = check_move(TOPIC, "reject", topic.status)
    topic.status_changed_at = now
    topic.save(update_fields=["status", "status_changed_at", "updated_at"])
    item.decision = Decision.ADOPTED if adopted else Decision.REJECTED
    item.decided_at = now
    item.save(
        update_fields=["decision", "votes_for", "votes_against", "votes_abstain", "decided_at", "updated_at"]
    )
    note = f"赞成{item.votes_for}票，反对{item.votes_against}票，弃权{item.votes_abstain}票"
    _step(topic, TopicStep.RESOLVED if adopted else TopicStep.VOTED_DOWN, actor, note)
    audit_record(
        actor=actor,
        target=topic,
        event="councils.topic_decided",
        data={"meeting": meeting.pk, "decision": item.decision, **tally},
    )
    return item


@transaction.atomic
def meeting_minutes_record(
    *, actor: Actor | None, meeting_id: int, minutes: str, host: str = "", recorder: str = ""
) -> Meeting:
    """会议纪要: the meeting is over once every agenda item is decided (adopted, voted down or deferred)."""
    meeting = _open_meeting(actor, meeting_id)
    target = check_move(MEETING, "hold", meeting.status)
    errors: dict[str, str] = {}
    meeting.minutes = _text(errors, "minutes", minutes, "会议纪要", 20000, True)
    meeting.host = _text(errors, "host", host, "主持人", 50, False) or meeting.host
    meeting.recorder = _text(errors, "recorder", recorder, "记录人", 50, False) or meeting.recorder
    _raise_errors(errors)
    pending = AgendaItem.objects.filter(meeting=meeting, decision=Decision.PENDING).count()
    if pending:
        raise Conflict(f"还有{pending}个议题未表决，请先表决或暂缓", code="agenda_pending")
    meeting.status, meeting.held_at = target, timezone.now()
    meeting.save(update_fields=["minutes", "host", "recorder", "status", "held_at", "updated_at"])
    audit_record(actor=actor, target=meeting, event="councils.minutes_recorded")
    return meeting


def _release(actor: Actor, meeting: Meeting) -> None:
    """A cancelled meeting gives its venue booking back."""
    from gongzhi.venues.enums import BookingStatus, LinkKind
    from gongzhi.venues.models import Booking
    from gongzhi.venues.services.bookings import booking_cancel

    for pk in Booking.objects.filter(
        linked_kind=LinkKind.MEETING, linked_id=meeting.pk, status=BookingStatus.CONFIRMED
    ).values_list("pk", flat=True):
        booking_cancel(actor=actor, booking_id=pk, reason=f"会议取消：{meeting.cancel_reason}"[:200])


@transaction.atomic
def meeting_cancel(*, actor: Actor | None, meeting_id: int, reason: str) -> Meeting:
    """A cancelled meeting sends its undecided topics back to consultation."""
    meeting = _open_meeting(actor, meeting_id)
    target = check_move(MEETING, "cancel", meeting.status)
    errors: dict[str, str] = {}
    meeting.cancel_reason = _text(errors, "reason", reason, "取消原因", 200, True)
    _raise_errors(errors)
    for item in AgendaItem.objects.filter(meeting=meeting, decision=Decision.PENDING).select_related("topic"):
        topic = item.topic
        topic.status = check_move(TOPIC, "defer", topic.status)
        topic.meeting = None
        topic.save(update_fields=["status", "meeting", "updated_at"])
        item.decision = Decision.DEFERRED
        item.save(update_fields=["decision", "updated_at"])
        _step(topic, TopicStep.DEFERRED, actor, f"会议取消：{meeting.cancel_reason}")
    meeting.status = target
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    if meeting.venue_id is not None and actor is not None:
        _release(actor, meeting)
    audit_record(
        actor=actor,
        target=meeting,
        event="councils.meeting_cancelled",
        data={"reason": meeting.cancel_reason},
    )
    return meeting
