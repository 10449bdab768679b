"""Console input of people's mediation: the posted fields read as text and handed to the services, which
validate with their Chinese messages."""

from __future__ import annotations

from typing import Any

from gongzhi.core.forms import ConsoleForm, PostedValues, text_field
from gongzhi.core.http import date_or_none
from gongzhi.mediation.enums import Side
from gongzhi.mediation.services.cases import CaseInput, DisputantInput


class CaseForm(ConsoleForm):
    """A dispute registered on the console, with one applicant and one respondent (more on its page)."""

    committee_id = text_field()
    room_id = text_field()
    grid_code = text_field()
    ticket_id = text_field()
    source = text_field()
    kind = text_field()
    title = text_field()
    facts = text_field()
    amount = text_field()
    registered_on = text_field()
    applicant_name = text_field()
    applicant_person_id = text_field()
    applicant_id_number = text_field()
    applicant_phone = text_field()
    applicant_address = text_field()
    respondent_name = text_field()
    respondent_id_number = text_field()
    respondent_phone = text_field()
    respondent_address = text_field()

    def _party(self, side: str) -> DisputantInput | None:
        prefix = "applicant" if side == Side.APPLICANT else "respondent"
        person_id = self.number(f"{prefix}_person_id") if prefix == "applicant" else None
        name = self.text(f"{prefix}_name")
        if not name.strip() and not person_id:
            return None
        return DisputantInput(
            side=side,
            name=name,
            person_id=person_id,
            id_number=self.text(f"{prefix}_id_number"),
            phone=self.text(f"{prefix}_phone"),
            address=self.text(f"{prefix}_address"),
        )

    def case_input(self) -> CaseInput:
        parties = [p for p in (self._party(Side.APPLICANT), self._party(Side.RESPONDENT)) if p is not None]
        return CaseInput(
            source=self.text("source"),
            kind=self.text("kind"),
            title=self.text("title"),
            facts=self.text("facts"),
            amount=self.text("amount") or None,
            room_id=self.number("room_id"),
            registered_on=date_or_none(self.text("registered_on")),
            disputants=parties,
        )


class DisputantForm(ConsoleForm):
    side = text_field()
    name = text_field()
    id_number = text_field()
    phone = text_field()
    address = text_field()

    def disputant_input(self) -> DisputantInput:
        return DisputantInput(
            side=self.text("side"),
            name=self.text("name"),
            id_number=self.text("id_number"),
            phone=self.text("phone"),
            address=self.text("address"),
        )


class CaseMoveForm(ConsoleForm):
    """Every move of a case page: each service reads the fields it needs."""

    mediator_ids = PostedValues(required=False)
    presiding_id = text_field()
    on = text_field()
    reason = text_field()
    held_on = text_field()
    place = text_field()
    venue_id = text_field()
    attendees = text_field()
    record = text_field()
    next_step = text_field()
    working_days = text_field()
    terms = text_field()
    performance = text_field()
    note = text_field()
    kind = text_field()
    body = text_field()
    reply = text_field()
    kept = text_field()
    satisfaction = text_field()

    def ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("mediator_ids") or [] if str(v).isdigit()]

    def day(self, name: str) -> Any:
        return date_or_none(self.text(name))


class RevealForm(ConsoleForm):
    field = text_field()
    reason = text_field()


class RegisterEntryForm(ConsoleForm):
    """A visitor or a legal consultation."""

    entry = text_field()
    committee_id = text_field()
    day = text_field()
    visitor = text_field()
    phone = text_field()
    matter = text_field()
    handling = text_field()
    handler = text_field()
    follow_up = text_field()


class ScreeningForm(ConsoleForm):
    grid_id = text_field()
    week_start = text_field()
    disputes_found = text_field()
    findings = text_field()
    risks = text_field()
    warnings_reviewed = text_field()


class AnalysisForm(ConsoleForm):
    level = text_field()
    place_code = text_field()
    held_on = text_field()
    place = text_field()
    attendees = text_field()
    cases_reviewed = text_field()
    decisions = text_field()
    assignments = text_field()


class WarningForm(ConsoleForm):
    handler_id = text_field()
    action = text_field()


class RuleForm(ConsoleForm):
    kind = text_field()
    window_days = text_field()
    threshold = text_field()
    active = text_field()


class CommitteeForm(ConsoleForm):
    """A committee set up (level and place) or edited (names, speciality, chair)."""

    level = text_field()
    community_id = text_field()
    subdistrict_id = text_field()
    name = text_field()
    short_name = text_field()
    speciality = text_field()
    chair = text_field()


class RoomForm(ConsoleForm):
    """A room with the standards (四有、四上墙) ticked."""

    name = text_field()
    place = text_field()
    hours = text_field()
    venue_id = text_field()
    standards = PostedValues(required=False)

    def chosen(self) -> list[str]:
        return [str(v) for v in self.cleaned_data.get("standards") or []]


class MediatorForm(ConsoleForm):
    """A mediator from an existing account (username) or by name, with speciality, pool and legal flags."""

    username = text_field()
    name = text_field()
    kind = text_field()
    speciality = text_field()
    in_pool = text_field()
    legal_service = text_field()

    def flag(self, field: str) -> bool:
        return self.text(field) in ("1", "on", "true")
