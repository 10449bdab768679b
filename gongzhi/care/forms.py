"""Console input of the care pages: posted values turned into the services' arguments (the services
validate, with their Chinese field messages)."""

from __future__ import annotations

from gongzhi.care.enums import FollowUp, VisitMode
from gongzhi.care.services import CareVisitInput, EntryInput, VisitInput
from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.core.http import date_or_none


def _float(value: str) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out and abs(out) < 1000 else None  # NaN and absurd values read as none


class EntryForm(ConsoleForm):
    person_id = text_field()
    group = text_field()
    entered_on = text_field()
    reason = text_field()
    frequency = text_field()
    carer_id = text_field()
    risk_level = text_field()

    def entry_input(self) -> EntryInput:
        return EntryInput(
            person_id=self.number("person_id") or 0,
            group=self.text("group"),
            entered_on=date_or_none(self.text("entered_on")),
            reason=self.text("reason"),
            frequency=self.text("frequency"),
            carer_id=self.number("carer_id"),
            risk_level=self.number("risk_level") or 1,
        )


class ExitForm(ConsoleForm):
    exited_on = text_field()
    reason = text_field()


class VisitForm(ConsoleForm):
    visited_on = text_field()
    mode = text_field()
    visitors = text_field()
    living_conditions = text_field()
    income = text_field()
    difficulties = text_field()
    health = text_field()
    lng = text_field()
    lat = text_field()
    follow_up = text_field()
    need_title = text_field()
    need_category = text_field()
    referral = text_field()

    def visit_input(self, person_id: int) -> VisitInput:
        return VisitInput(
            person_id=person_id,
            visited_on=date_or_none(self.text("visited_on")),
            visitors=self.text("visitors"),
            mode=self.text("mode") or VisitMode.HOME,
            living_conditions=self.text("living_conditions"),
            income=self.text("income"),
            difficulties=self.text("difficulties"),
            health=self.text("health"),
            lng=_float(self.text("lng")),
            lat=_float(self.text("lat")),
            follow_up=self.text("follow_up") or FollowUp.NONE,
            need_title=self.text("need_title"),
            need_category=self.text("need_category"),
            referral=self.text("referral"),
        )


class OutcomeForm(ConsoleForm):
    outcome = text_field()


class CareVisitForm(ConsoleForm):
    person_id = text_field()
    occasion = text_field()
    visited_on = text_field()
    visitors = text_field()
    given = text_field()
    note = text_field()

    def care_visit_input(self) -> CareVisitInput:
        return CareVisitInput(
            person_id=self.number("person_id") or 0,
            occasion=self.text("occasion"),
            visited_on=date_or_none(self.text("visited_on")),
            visitors=self.text("visitors"),
            given=self.text("given"),
            note=self.text("note"),
        )


class GrantForm(ConsoleForm):
    username = text_field()
    district_code = text_field()
    reason = text_field()
