"""Console input as Django forms: they read the posted fields and turn them into the services' arguments.
The services validate (with their Chinese messages), so every field is optional text here and a value
that is not a number or a date reaches the service as the service expects it (0, None)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.dateparse import parse_time

from gongzhi.core.forms import ConsoleForm, PostedValues, local_datetime, text_field
from gongzhi.core.http import date_or_none
from gongzhi.volunteers.enums import ActivityCategory, Recurrence


class TeamForm(ConsoleForm):
    community_id = text_field()
    name = text_field()
    owner_kind = text_field()
    unit_id = text_field()
    service_area = text_field()
    description = text_field()
    skills = PostedValues(required=False)

    def team_create_kwargs(self) -> dict[str, Any]:
        return {
            "community_id": self.number("community_id") or 0,
            "name": self.text("name"),
            "owner_kind": self.text("owner_kind"),
            "unit_id": self.number("unit_id"),
            "service_area": self.text("service_area"),
            "skills": self.cleaned_data.get("skills") or [],
            "description": self.text("description"),
        }


class TeamMemberForm(ConsoleForm):
    volunteer_id = text_field()
    role = text_field()

    def team_member_add_kwargs(self) -> dict[str, Any]:
        return {"volunteer_id": self.number("volunteer_id") or 0, "role": self.data.get("role", "member")}


class ActivityForm(ConsoleForm):
    team_id = text_field()
    title = text_field()
    venue = text_field()
    capacity = text_field()
    recurrence = text_field()
    weekday = text_field()
    start_date = text_field()
    end_date = text_field()
    start_time = text_field()
    end_time = text_field()
    description = text_field()
    category = text_field()

    def activity_create_kwargs(self) -> dict[str, Any]:
        """Raises ValueError for a date or time that looks right but does not exist (2024-02-30)."""
        return {
            "team_id": self.number("team_id") or 0,
            "title": self.text("title"),
            "venue": self.text("venue"),
            "capacity": self.number("capacity") or 0,
            "recurrence": self.text("recurrence") or Recurrence.ONE_OFF,
            "weekday": self.number("weekday"),
            "start_date": date_or_none(self.text("start_date")),
            "end_date": date_or_none(self.text("end_date")),
            "start_time": parse_time(self.text("start_time")),
            "end_time": parse_time(self.text("end_time")),
            "description": self.text("description"),
            "category": self.text("category") or ActivityCategory.VOLUNTEER_SERVICE,
        }


class AttendanceEntryForm(ConsoleForm):
    """The organiser enters a check-in (``volunteer_id``, times) or checks out an attendance."""

    attendance_id = text_field()
    volunteer_id = text_field()
    check_in_at = text_field()
    check_out_at = text_field()

    def check_in(self) -> dt.datetime | None:
        return local_datetime(self.text("check_in_at"))

    def check_out(self) -> dt.datetime | None:
        return local_datetime(self.text("check_out_at"))


class HoursDecisionForm(ConsoleForm):
    """Confirm or reject an hours record (``hours_id``), approve or deny an edit request (``request_id``)."""

    hours_id = text_field()
    request_id = text_field()
    action = text_field()
    reason = text_field()
    note = text_field()


class CertificateForm(ConsoleForm):
    volunteer_id = text_field()
    period_start = text_field()
    period_end = text_field()

    def certificate_issue_kwargs(self) -> dict[str, Any]:
        """Raises ValueError for a date that looks right but does not exist."""
        return {
            "volunteer_id": self.number("volunteer_id") or 0,
            "period_start": date_or_none(self.text("period_start")),
            "period_end": date_or_none(self.text("period_end")),
        }


class SignupCancelForm(ConsoleForm):
    """A volunteer cancels a signup; ``back`` = "mine" returns to their own list."""

    back = text_field()

    def back_to_mine(self) -> bool:
        return self.text("back") == "mine"
