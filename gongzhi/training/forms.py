"""Console and H5 input of the grid academy: posted fields turned into the services' arguments (the services
validate with their Chinese messages)."""

from __future__ import annotations

from typing import Any

from gongzhi.core.forms import ConsoleForm, local_datetime, text_field
from gongzhi.core.http import date_or_none
from gongzhi.training.services.plans import CourseInput


class PlanForm(ConsoleForm):
    place_code = text_field()
    year = text_field()
    title = text_field()
    target_sessions = text_field()
    target_hours = text_field()
    notes = text_field()

    def plan_kwargs(self) -> dict[str, Any]:
        return {
            "place_code": self.text("place_code"),
            "year": self.number("year") or 0,
            "title": self.text("title"),
            "target_sessions": self.number("target_sessions") or 0,
            "target_hours": self.number("target_hours") or 0,
            "notes": self.text("notes"),
        }


class CourseForm(ConsoleForm):
    title = text_field()
    topic = text_field()
    trainer_name = text_field()
    trainer_kind = text_field()
    format = text_field()
    steps = text_field()

    def course_input(self) -> CourseInput:
        return CourseInput(
            title=self.text("title"),
            topic=self.text("topic"),
            trainer_name=self.text("trainer_name"),
            trainer_kind=self.text("trainer_kind"),
            format=self.text("format"),
            steps=self.number("steps") or 1,
        )


class SessionForm(ConsoleForm):
    starts_at = text_field()
    ends_at = text_field()
    step = text_field()
    venue_id = text_field()
    place_text = text_field()
    attendees = text_field()

    def session_kwargs(self) -> dict[str, Any]:
        return {
            "starts_at": local_datetime(self.text("starts_at")),
            "ends_at": local_datetime(self.text("ends_at")),
            "step": self.number("step") or 1,
            "venue_id": self.number("venue_id"),
            "place_text": self.text("place_text"),
            "attendees": self.number("attendees") or 1,
        }


class TraineeForm(ConsoleForm):
    community_id = text_field()
    name = text_field()
    kind = text_field()


class QualificationForm(ConsoleForm):
    kind = text_field()
    cert_number = text_field()
    level = text_field()
    issued_on = text_field()
    expires_on = text_field()

    def qualification_kwargs(self) -> dict[str, Any]:
        return {
            "kind": self.text("kind"),
            "number": self.text("cert_number"),
            "level": self.text("level"),
            "issued_on": date_or_none(self.text("issued_on")),
            "expires_on": date_or_none(self.text("expires_on")),
        }


class TraineeChoiceForm(ConsoleForm):
    trainee_id = text_field()
