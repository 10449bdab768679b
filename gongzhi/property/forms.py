"""Console and H5 input of the red-property pages: the posted fields turned into the services' arguments
(the services validate, with their Chinese messages)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from gongzhi.core.forms import ConsoleForm, PostedValues, local_datetime, text_field
from gongzhi.core.http import date_or_none
from gongzhi.property.enums import INDICATORS, BranchSide, CommitteePost, Subject
from gongzhi.property.services.estates import (
    BranchInput,
    CommitteeInput,
    CommitteeMemberInput,
    RepresentativeInput,
)
from gongzhi.property.services.matters import MatterInput
from gongzhi.property.services.ratings import RatingInput
from gongzhi.property.services.register import CompanyInput, OrganizationInput

_SPLIT = re.compile(r"[,，、;；\s]+")


def names(text: str) -> list[str]:
    return [n for n in _SPLIT.split(text or "") if n]


class CompanyForm(ConsoleForm):
    subdistrict_id = text_field()
    name = text_field()
    uscc = text_field()
    address = text_field()
    manager_name = text_field()
    phone = text_field()
    party_org_name = text_field()
    party_members = text_field()
    party_lead_name = text_field()
    red_brand = text_field()

    def company_input(self) -> CompanyInput:
        return CompanyInput(
            name=self.text("name"),
            uscc=self.text("uscc"),
            address=self.text("address"),
            manager_name=self.text("manager_name"),
            phone=self.text("phone"),
            party_org_name=self.text("party_org_name"),
            party_members=self.text("party_members"),
            party_lead_name=self.text("party_lead_name"),
            red_brand=bool(self.text("red_brand")),
        )


class OrganizationForm(ConsoleForm):
    kind = text_field()
    name = text_field()
    subdistrict_id = text_field()
    district_id = text_field()
    head_name = text_field()
    note = text_field()
    company_ids = PostedValues(required=False)

    def organization_input(self) -> OrganizationInput:
        return OrganizationInput(
            kind=self.text("kind"),
            name=self.text("name"),
            subdistrict_id=self.number("subdistrict_id"),
            head_name=self.text("head_name"),
            note=self.text("note"),
            company_ids=[int(c) for c in self.cleaned_data.get("company_ids") or [] if c.isdigit()],
        )


class ServiceForm(ConsoleForm):
    kind = text_field()
    company_id = text_field()
    starts_on = text_field()


class CommitteeForm(ConsoleForm):
    name = text_field()
    elected_on = text_field()
    term_starts_on = text_field()
    term_ends_on = text_field()
    members = text_field()

    def committee_input(self) -> CommitteeInput:
        """One member a line: 姓名 [主任|副主任|委员] [党员] [交叉任职]."""
        members = []
        for line in (self.text("members") or "").splitlines():
            words = names(line)
            if not words:
                continue
            rest = set(words[1:])
            post = (
                CommitteePost.VICE_CHAIR
                if "副主任" in rest
                else CommitteePost.CHAIR
                if "主任" in rest
                else CommitteePost.MEMBER
            )
            members.append(
                CommitteeMemberInput(
                    name=words[0],
                    post=post,
                    is_party_member="党员" in rest,
                    cross_appointed="交叉任职" in rest,
                )
            )
        return CommitteeInput(
            name=self.text("name"),
            elected_on=self.text("elected_on"),
            term_starts_on=self.text("term_starts_on") or None,
            term_ends_on=self.text("term_ends_on") or None,
            members=members,
        )


class BranchForm(ConsoleForm):
    name = text_field()
    founded_on = text_field()
    secretary_name = text_field()
    alliance_id = text_field()
    company_reps = text_field()
    committee_reps = text_field()
    grid_reps = text_field()

    def branch_input(self) -> BranchInput:
        reps = [
            RepresentativeInput(side=side, name=n)
            for side, key in (
                (BranchSide.COMPANY, "company_reps"),
                (BranchSide.OWNERS_COMMITTEE, "committee_reps"),
                (BranchSide.GRID, "grid_reps"),
            )
            for n in names(self.text(key))
        ]
        return BranchInput(
            name=self.text("name"),
            founded_on=self.text("founded_on") or None,
            secretary_name=self.text("secretary_name"),
            alliance_id=self.number("alliance_id"),
            representatives=reps,
        )


class RepresentativeForm(ConsoleForm):
    side = text_field()
    name = text_field()

    def representative_input(self) -> RepresentativeInput:
        return RepresentativeInput(side=self.text("side"), name=self.text("name"))


class CaptainForm(ConsoleForm):
    kind = text_field()
    holder_name = text_field()
    building_id = text_field()
    party_member_id = text_field()
    since = text_field()


class MatterForm(ConsoleForm):
    title = text_field()
    description = text_field()
    proposer_kind = text_field()
    major = text_field()

    def matter_input(self) -> MatterInput:
        return MatterInput(
            title=self.text("title"),
            description=self.text("description"),
            proposer_kind=self.text("proposer_kind"),
            major=bool(self.text("major")),
        )


class PartyDayForm(ConsoleForm):
    held_on = text_field()
    place = text_field()
    findings = text_field()
    participants = text_field()


class ConsultForm(ConsoleForm):
    closes_on = text_field()

    def closes(self) -> dt.date | None:
        return date_or_none(self.text("closes_on"))


class JointMeetingForm(ConsoleForm):
    title = text_field()
    starts_at = text_field()
    ends_at = text_field()
    location = text_field()
    host = text_field()
    recorder = text_field()

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        return local_datetime(self.text("starts_at")), local_datetime(self.text("ends_at"))


class DecideForm(ConsoleForm):
    """Who is present (checkboxes ``present``), each present member's vote (``vote_<member id>``), the
    resolution if adopted."""

    present = PostedValues(required=False)
    content = text_field()
    owner_name = text_field()
    due_on = text_field()

    def __init__(self, data: Any, member_ids: list[int]) -> None:
        self.member_ids = member_ids
        super().__init__(data)

    def full_clean(self) -> None:
        for member_id in self.member_ids:
            self.fields[f"vote_{member_id}"] = text_field()
        super().full_clean()

    def present_ids(self) -> list[int]:
        return [int(p) for p in self.cleaned_data.get("present") or [] if p.isdigit()]

    def votes(self) -> dict[int, str]:
        present = set(self.present_ids())
        return {m: self.text(f"vote_{m}") for m in self.member_ids if m in present and self.text(f"vote_{m}")}


class MinutesForm(ConsoleForm):
    minutes = text_field()


class ResultForm(ConsoleForm):
    result = text_field()
    owner_name = text_field()


class RatingForm(ConsoleForm):
    company_score = text_field()
    committee_score = text_field()
    branch_score = text_field()
    comment = text_field()

    def rating_input(self) -> RatingInput:
        return RatingInput(
            company_score=self.text("company_score") or None,
            committee_score=self.text("committee_score") or None,
            branch_score=self.text("branch_score") or None,
            comment=self.text("comment"),
        )


class OpinionForm(ConsoleForm):
    stance = text_field()
    opinion = text_field()


class ResolutionRatingForm(ConsoleForm):
    score = text_field()
    comment = text_field()


class AssessForm(ConsoleForm):
    subdistrict_id = text_field()
    quarter = text_field()


class WeightsForm(ConsoleForm):
    """The weights table, one field ``w_<subject>_<indicator>`` per cell, of the district ``district_id``."""

    district_id = text_field()

    def full_clean(self) -> None:
        for s in Subject.values:
            for k in INDICATORS:
                self.fields[f"w_{s}_{k}"] = text_field()
        super().full_clean()

    def weights(self) -> dict[str, dict[str, str]]:
        return {s: {k: self.text(f"w_{s}_{k}").strip() or "0" for k in INDICATORS} for s in Subject.values}


class DayForm(ConsoleForm):
    """A move that asks only for a day (备案日期 …)."""

    day = text_field()
