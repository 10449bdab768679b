"""Console and H5 input of co-governance: posted fields turned into the services' arguments (the services
validate with their Chinese messages)."""

from __future__ import annotations

from typing import Any

from gongzhi.core.forms import ConsoleForm, PostedValues, local_datetime, text_field
from gongzhi.core.http import date_or_none, int_or_none
from gongzhi.councils.services.appointments import DemandInput, SessionInput
from gongzhi.councils.services.councils import CouncilInput, MemberInput
from gongzhi.councils.services.meetings import MeetingInput, ResolutionInput
from gongzhi.councils.services.topics import TopicInput


class CouncilForm(ConsoleForm):
    community_id = text_field()
    estate_id = text_field()
    name = text_field()
    kind = text_field()
    pattern = text_field()
    description = text_field()
    term_start = text_field()
    term_end = text_field()

    def council_input(self) -> CouncilInput:
        return CouncilInput(
            name=self.text("name"),
            kind=self.text("kind") or "community",
            pattern=self.text("pattern") or "6+x",
            description=self.text("description"),
            term_start=date_or_none(self.text("term_start")),
            term_end=date_or_none(self.text("term_end")),
        )


class MemberForm(ConsoleForm):
    name = text_field()
    category = text_field()
    organization = text_field()
    title = text_field()
    phone = text_field()

    def member_input(self) -> MemberInput:
        return MemberInput(
            name=self.text("name"),
            category=self.text("category"),
            organization=self.text("organization"),
            title=self.text("title"),
            phone=self.text("phone"),
        )


class TopicForm(ConsoleForm):
    title = text_field()
    description = text_field()
    major = text_field()
    source_kind = text_field()
    source_id = text_field()

    def topic_input(self) -> TopicInput:
        return TopicInput(
            title=self.text("title"), description=self.text("description"), major=self.text("major") == "on"
        )


class MeetingForm(ConsoleForm):
    title = text_field()
    starts_at = text_field()
    ends_at = text_field()
    location = text_field()
    venue_id = text_field()
    host = text_field()
    recorder = text_field()
    topic_ids = PostedValues(required=False)

    def meeting_input(self) -> MeetingInput:
        return MeetingInput(
            title=self.text("title"),
            starts_at=local_datetime(self.text("starts_at")),  # type: ignore[arg-type]
            ends_at=local_datetime(self.text("ends_at")),  # type: ignore[arg-type]
            location=self.text("location"),
            host=self.text("host"),
            recorder=self.text("recorder"),
            venue_id=self.number("venue_id"),
        )

    def topic_id_list(self) -> list[int]:
        return [n for n in (int_or_none(v) for v in self.cleaned_data.get("topic_ids") or []) if n]


class ActionForm(ConsoleForm):
    """A move on a topic, a meeting, a resolution, a session or a proposal: ``action`` and its fields."""

    action = text_field()
    reason = text_field()
    note = text_field()
    opens_on = text_field()
    closes_on = text_field()
    visited_on = text_field()
    location = text_field()
    findings = text_field()
    participants = text_field()
    reviewer = text_field()
    opinion = text_field()
    title = text_field()
    due_on = text_field()
    done_on = text_field()
    progress = text_field()
    ticket_id = text_field()
    person = text_field()
    served_on = text_field()
    result = text_field()
    milestone_id = text_field()
    member_id = text_field()
    item_id = text_field()
    content = text_field()
    owner_name = text_field()
    minutes = text_field()
    host = text_field()
    recorder = text_field()
    council_id = text_field()
    answer = text_field()
    visitors = text_field()
    activities = text_field()
    notes = text_field()
    demand_id = text_field()
    defer = text_field()
    member = PostedValues(required=False)
    choice = PostedValues(required=False)

    def date(self, name: str) -> Any:
        return date_or_none(self.text(name))

    def votes(self) -> dict[int, str]:
        """The vote table: a row per present member (``member``) with their choice (``choice``); a row left
        blank is no vote."""
        members = self.cleaned_data.get("member") or []
        choices = self.cleaned_data.get("choice") or []
        out: dict[int, str] = {}
        for m, c in zip(members, choices, strict=False):
            pk = int_or_none(m)
            if pk and c:
                out[pk] = c
        return out

    def resolution_input(self) -> ResolutionInput:
        return ResolutionInput(
            content=self.text("content"), owner_name=self.text("owner_name"), due_on=self.date("due_on")
        )


class OpinionForm(ConsoleForm):
    stance = text_field()
    body = text_field()


class RatingForm(ConsoleForm):
    score = text_field()
    comment = text_field()


class ProposalForm(ConsoleForm):
    branch_id = text_field()
    title = text_field()
    content = text_field()
    proposers = text_field()


class PlaceForm(ConsoleForm):
    community_id = text_field()
    name = text_field()
    address = text_field()


class ScheduleForm(ConsoleForm):
    """A month's session days at a place: one line per day, ``date secretary kind`` (kind optional)."""

    place_id = text_field()
    lines = text_field()
    secretary_id = text_field()

    def sessions(self) -> list[SessionInput]:
        out = []
        kinds = {"民情书记": "people", "社区党委书记": "community", "小区支部书记": "estate"}
        for raw in self.text("lines").splitlines()[:62]:
            parts = raw.split()
            if not parts:
                continue
            out.append(
                SessionInput(
                    date=date_or_none(parts[0]),  # type: ignore[arg-type]
                    secretary_name=parts[1] if len(parts) > 1 else "",
                    secretary_kind=kinds.get(parts[2], parts[2]) if len(parts) > 2 else "community",
                    secretary_id=int_or_none(self.text("secretary_id")),
                )
            )
        return out


class DemandForm(ConsoleForm):
    demand_type = text_field()
    description = text_field()
    resident_name = text_field()
    resident_phone = text_field()
    route = text_field()
    grid_id = text_field()
    category_code = text_field()
    address = text_field()
    council_id = text_field()
    answer = text_field()

    def demand_input(self) -> DemandInput:
        return DemandInput(
            demand_type=self.text("demand_type"),
            description=self.text("description"),
            resident_name=self.text("resident_name"),
            resident_phone=self.text("resident_phone"),
            route=self.text("route") or "ticket",
            grid_id=int_or_none(self.text("grid_id")),
            category_code=self.text("category_code"),
            address=self.text("address"),
            council_id=int_or_none(self.text("council_id")),
            answer=self.text("answer"),
        )


class CallbackForm(ConsoleForm):
    demand_id = text_field()
    result = text_field()
    opinion = text_field()
    note = text_field()
