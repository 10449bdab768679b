"""Console input of the social-organisation pages: the posted fields turned into the services' arguments
(the services validate, with their Chinese messages)."""

from __future__ import annotations

import datetime as dt

from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.core.http import date_or_none, year_or_none
from gongzhi.socialorgs.services.organizations import ProfileInput, WorkerInput
from gongzhi.socialorgs.services.projects import FundedProjectInput


class ProfileForm(ConsoleForm):
    community_id = text_field()
    name = text_field()
    uscc = text_field()
    description = text_field()
    kind = text_field()
    legal_status = text_field()
    filing_number = text_field()
    founded_on = text_field()
    field = text_field()
    members_count = text_field()
    leader_name = text_field()
    party_organization_id = text_field()
    party_instructor = text_field()
    contact_name = text_field()
    contact_phone = text_field()

    def profile_input(self) -> ProfileInput:
        return ProfileInput(
            kind=self.text("kind"),
            legal_status=self.text("legal_status"),
            field=self.text("field"),
            filing_number=self.text("filing_number"),
            founded_on=date_or_none(self.text("founded_on")),
            members_count=self.number("members_count") or 0,
            leader_name=self.text("leader_name"),
            party_organization_id=self.number("party_organization_id"),
            party_instructor=self.text("party_instructor"),
            contact_name=self.text("contact_name"),
            contact_phone=self.text("contact_phone"),
        )


class IncubationForm(ConsoleForm):
    cohort = text_field()
    mentor_name = text_field()
    entered_on = text_field()
    title = text_field()
    due_on = text_field()
    done_on = text_field()
    note = text_field()
    move = text_field()
    ended_on = text_field()

    def date(self, name: str) -> dt.date | None:
        return date_or_none(self.text(name))


class PlanForm(ConsoleForm):
    year = text_field()
    goals = text_field()
    planned_projects = text_field()
    planned_person_times = text_field()


class WorkerForm(ConsoleForm):
    community_id = text_field()
    organization_id = text_field()
    name = text_field()
    kind = text_field()
    level = text_field()
    certificate_number = text_field()
    issued_on = text_field()
    expires_on = text_field()
    phone = text_field()

    def worker_input(self) -> WorkerInput:
        return WorkerInput(
            name=self.text("name"),
            kind=self.text("kind"),
            level=self.text("level"),
            certificate_number=self.text("certificate_number"),
            issued_on=date_or_none(self.text("issued_on")),
            expires_on=date_or_none(self.text("expires_on")),
            organization_id=self.number("organization_id"),
            phone=self.text("phone"),
        )


class ProjectForm(ConsoleForm):
    organization_id = text_field()
    year = text_field()
    title = text_field()
    summary = text_field()
    category = text_field()
    beneficiaries = text_field()
    requested_yuan = text_field()

    def project_input(self) -> FundedProjectInput:
        return FundedProjectInput(
            year=year_or_none(self.text("year")) or 0,
            title=self.text("title"),
            summary=self.text("summary"),
            category=self.text("category"),
            beneficiaries=self.text("beneficiaries"),
            requested_yuan=self.text("requested_yuan"),
        )


class DecisionForm(ConsoleForm):
    score = text_field()
    comment = text_field()
    decision = text_field()
    granted_yuan = text_field()
    note = text_field()
    title = text_field()
    person_times = text_field()
    delivered_on = text_field()
    report = text_field()


class ContestForm(ConsoleForm):
    subdistrict_code = text_field()
    year = text_field()
    title = text_field()
    winners = text_field()
    username = text_field()
    name = text_field()
    organization_id = text_field()
    funded_project_id = text_field()
    brand = text_field()


class ScoreForm(ConsoleForm):
    """The scoring sheet: one posted field per criterion, ``score_<key>``."""

    def scores(self, criteria: list[dict]) -> dict[str, str]:
        return {c["key"]: str(self.data.get(f"score_{c['key']}", "")).strip()[:10] for c in criteria}
