"""Console and H5 input of campaigns: posted fields turned into the services' arguments (the services
validate with their Chinese messages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongzhi.campaigns.services.campaigns import CampaignInput
from gongzhi.campaigns.services.findings import FindingInput
from gongzhi.core.forms import ConsoleForm, PostedValues, text_field
from gongzhi.core.http import date_or_none, int_or_none


def _float(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return float("nan")  # the service answers "位置坐标无效"


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


class CampaignForm(ConsoleForm):
    place_code = text_field()
    kind = text_field()
    title = text_field()
    starts_on = text_field()
    ends_on = text_field()
    round_kind = text_field()
    every_days = text_field()
    department_ids = PostedValues(required=False)
    grid_codes = PostedValues(required=False)
    streets = text_field()
    notes = text_field()

    def campaign_input(self) -> CampaignInput:
        return CampaignInput(
            place_code=self.text("place_code"),
            kind=self.text("kind"),
            title=self.text("title"),
            starts_on=date_or_none(self.text("starts_on")),
            ends_on=date_or_none(self.text("ends_on")),
            round_kind=self.text("round_kind"),
            every_days=self.number("every_days") or 1,
            department_ids=[
                i for i in (int_or_none(v) for v in self.cleaned_data.get("department_ids") or []) if i
            ],
            grid_codes=[str(v)[:15] for v in self.cleaned_data.get("grid_codes") or []],
            streets=self.text("streets"),
            notes=self.text("notes"),
        )


class FindingForm(ConsoleForm):
    type_code = text_field()
    outcome = text_field()
    quantity = text_field()
    description = text_field()
    address = text_field()
    lng = text_field()
    lat = text_field()
    grid_code = text_field()
    duty_id = text_field()

    def finding_input(self) -> FindingInput:
        return FindingInput(
            type_code=self.text("type_code"),
            outcome=self.text("outcome"),
            quantity=self.number("quantity") or 0,
            description=self.text("description"),
            address=self.text("address"),
            lng=_float(self.text("lng")),
            lat=_float(self.text("lat")),
            grid_code=self.text("grid_code"),
            duty_id=self.number("duty_id"),
        )


class DutyForm(ConsoleForm):
    inspector_id = text_field()
    responsibility = text_field()
    section = text_field()
    starts_at = text_field()
    ends_at = text_field()
    first_due_on = text_field()

    def duty_kwargs(self) -> dict[str, Any]:
        return {
            "inspector_id": self.number("inspector_id"),
            "responsibility": self.text("responsibility"),
            "section": self.text("section"),
            "starts_at": _time(self.text("starts_at")),
            "ends_at": _time(self.text("ends_at")),
            "first_due_on": date_or_none(self.text("first_due_on")),
        }


class CheckForm(ConsoleForm):
    note = text_field()


class FindingTypeForm(ConsoleForm):
    code = text_field()
    name = text_field()
