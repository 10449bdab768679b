"""The public face of the councils' services: the one deliberation engine, used by the councils' own
pages and by other apps (the property app's joint meetings). Every write runs in one transaction, checks
``councils.manage_council`` (a community's staff or the district admin; the system ``actor=None`` may do
anything) unless noted, moves the topic through ``transitions.TOPIC`` (an illegal step is a Chinese 409)
and writes one audit row. Keep these names and arguments stable.

Councils (``services.councils``)
    council_create(*, actor, community_id, data: CouncilInput, estate_id=None) -> Council
        CouncilInput(name, kind="community"|"estate"|"village"|"joint_meeting", pattern="6+x"|"1+x+1"|"custom",
        description="", term_start=None, term_end=None). ``estate`` and ``joint_meeting`` need ``estate_id``
        (an estate of that community).
    council_update(*, actor, council_id, data: CouncilInput, active=True) -> Council
    council_member_add(*, actor, council_id, data: MemberInput) -> CouncilMember
        MemberInput(name, category (enums.MemberCategory), organization="", title="", phone="", user_id=None)
    council_member_retire(*, actor, member_id) -> CouncilMember

Topics: the steps before the meeting (``services.topics``)
    topic_propose(*, actor, council_id, data: TopicInput, source_kind="staff", source_id=None) -> Topic
        TopicInput(title, description="", major=False). source_kind (enums.TopicSource): "resident" (the
        actor's household is in the council's community), "member" (source_id: a CouncilMember; the member
        themself or staff), "staff", "ticket" / "need" (source_id: a ticket / cobuild need the actor may
        read, in the community), "property" (source_id: the property app's row, not looked up here).
    topic_accept(*, actor, topic_id, note="") -> Topic                 proposed → accepted (not own proposal)
    topic_decline(*, actor, topic_id, reason) -> Topic                 proposed/accepted → declined
    topic_consultation_open(*, actor, topic_id, closes_on, opens_on=None) -> Topic   accepted → consulting
    topic_field_visit_record(*, actor, topic_id, visited_on, location, findings, participants="") -> FieldVisit
    topic_review_record(*, actor, topic_id, reviewer, opinion) -> Topic   third-party review (major topics)
    topic_opinion_give(*, actor, topic_id, stance, text_="") -> Opinion   a resident, once, during consultation
    topic_paper_opinions_record(*, actor, topic_id, support, oppose, neutral=0, note="") -> Topic   paper forms

Meetings (``services.meetings``)
    meeting_schedule(*, actor, council_id, data: MeetingInput, topic_ids) -> Meeting   topics → scheduled
        MeetingInput(title, starts_at, ends_at, location, host="", recorder="")
    meeting_agenda_add(*, actor, meeting_id, topic_id) -> AgendaItem
    meeting_invite(*, actor, meeting_id, member_ids=None) -> int
    meeting_check_in_by_qr(*, actor, token) -> Attendance              a member with an account, on the phone
    meeting_attendance_record(*, actor, meeting_id, member_id) -> Attendance   by hand
    meeting_topic_decide(*, actor, item_id, votes: {member_id: "for"|"against"|"abstain"},
                         resolution: ResolutionInput | None = None, defer=False) -> AgendaItem
        ResolutionInput(content, owner_name="", owner_id=None, due_on=None). Quorum: more than half of the
        active members present; adopted when more than half of the votes cast are "for" → Resolution made,
        topic resolved; else topic voted_down; defer → back to consulting.
    meeting_minutes_record(*, actor, meeting_id, minutes, host="", recorder="") -> Meeting   planned → held
    meeting_cancel(*, actor, meeting_id, reason) -> Meeting

Resolutions (``services.resolutions``)
    resolution_notice_publish(*, actor, resolution_id) -> Resolution   决议公示 (public from now on)
    resolution_implementation_start(*, actor, resolution_id, owner_name="", owner_id=None) -> Resolution
    resolution_milestone_add(*, actor, resolution_id, title, due_on, note="") -> ResolutionMilestone
    resolution_milestone_done(*, actor, milestone_id, done_on=None, note="") -> ResolutionMilestone
    resolution_progress_update(*, actor, resolution_id, progress, note="") -> Resolution
    resolution_ticket_link(*, actor, resolution_id, ticket_id) -> Resolution
    resolution_complete(*, actor, resolution_id, result) -> Resolution  (not by its owner) → completed
    resolution_result_publish(*, actor, resolution_id) -> Resolution     → published; residents may rate
    resolution_rate(*, actor, resolution_id, score, comment="") -> Rating   a resident, once, 1–5

党群提案 (``services.proposals``)
    proposal_submit(*, actor, branch_id, title, content, proposers="") -> PartyProposal
        a grid (or joint) branch's secretary, a party member of the community, or the community's staff
    proposal_accept(*, actor, proposal_id, council_id, major=False) -> PartyProposal   → a topic, accepted
    proposal_answer(*, actor, proposal_id, answer) -> PartyProposal      (councils.handle_proposal)

书记有约 (``services.appointments``; councils.manage_appointment)
    appointment_place_create(*, actor, community_id, name, address="") -> AppointmentPlace
    appointment_schedule(*, actor, place_id, sessions: list[SessionInput]) -> list[AppointmentSession]
        SessionInput(date, secretary_name, secretary_kind="community", secretary_id=None)
    appointment_session_record(*, actor, session_id, visitors, activities="", notes="") -> AppointmentSession
    appointment_sessions_bulk_record(*, actor, rows: list[(session_id, visitors, activities)]) -> int
    appointment_demand_record(*, actor, session_id, data: DemandInput) -> AppointmentDemand
        DemandInput(demand_type, description, resident_name, resident_phone, route="ticket"|"topic"|"answer",
        grid_id=None, category_code="", address="", council_id=None, answer=""): a ticket accepted by the
        duty secretary as first responder, a council topic, or an answer on the spot.
    appointment_callback_record(*, actor, demand_id, session_id, result, opinion="", note="") -> DemandCallback

Reads: ``gongzhi.councils.selectors`` (council_list_for_actor, topic_get_for_actor, topic_public_list,
overdue_milestones, …).
"""

from gongzhi.councils.services.appointments import (
    DemandInput,
    SessionInput,
    appointment_callback_record,
    appointment_demand_record,
    appointment_place_create,
    appointment_schedule,
    appointment_session_record,
    appointment_sessions_bulk_record,
)
from gongzhi.councils.services.councils import (
    CouncilInput,
    MemberInput,
    council_create,
    council_member_add,
    council_member_retire,
    council_update,
)
from gongzhi.councils.services.meetings import (
    MeetingInput,
    ResolutionInput,
    meeting_agenda_add,
    meeting_attendance_record,
    meeting_cancel,
    meeting_check_in_by_qr,
    meeting_invite,
    meeting_minutes_record,
    meeting_schedule,
    meeting_topic_decide,
)
from gongzhi.councils.services.proposals import proposal_accept, proposal_answer, proposal_submit
from gongzhi.councils.services.resolutions import (
    resolution_complete,
    resolution_implementation_start,
    resolution_milestone_add,
    resolution_milestone_done,
    resolution_notice_publish,
    resolution_progress_update,
    resolution_rate,
    resolution_result_publish,
    resolution_ticket_link,
)
from gongzhi.councils.services.topics import (
    TopicInput,
    topic_accept,
    topic_consultation_open,
    topic_decline,
    topic_field_visit_record,
    topic_opinion_give,
    topic_paper_opinions_record,
    topic_propose,
    topic_review_record,
)

__all__ = [
    "CouncilInput",
    "DemandInput",
    "MeetingInput",
    "MemberInput",
    "ResolutionInput",
    "SessionInput",
    "TopicInput",
    "appointment_callback_record",
    "appointment_demand_record",
    "appointment_place_create",
    "appointment_schedule",
    "appointment_session_record",
    "appointment_sessions_bulk_record",
    "council_create",
    "council_member_add",
    "council_member_retire",
    "council_update",
    "meeting_agenda_add",
    "meeting_attendance_record",
    "meeting_cancel",
    "meeting_check_in_by_qr",
    "meeting_invite",
    "meeting_minutes_record",
    "meeting_schedule",
    "meeting_topic_decide",
    "proposal_accept",
    "proposal_answer",
    "proposal_submit",
    "resolution_complete",
    "resolution_implementation_start",
    "resolution_milestone_add",
    "resolution_milestone_done",
    "resolution_notice_publish",
    "resolution_progress_update",
    "resolution_rate",
    "resolution_result_publish",
    "resolution_ticket_link",
    "topic_accept",
    "topic_consultation_open",
    "topic_decline",
    "topic_field_visit_record",
    "topic_opinion_give",
    "topic_paper_opinions_record",
    "topic_propose",
    "topic_review_record",
]
