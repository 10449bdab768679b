"""Console and H5 input of points: the posted fields turned into the services' arguments. The services
validate (with their Chinese messages), so every field is optional text here."""

from __future__ import annotations

from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.core.http import date_or_none
from gongzhi.points.services.claims import ClaimInput
from gongzhi.points.services.rules import RuleInput


class RuleForm(ConsoleForm):
    community_id = text_field()
    code = text_field()
    name = text_field()
    direction = text_field()
    category = text_field()
    points_min = text_field()
    points_max = text_field()
    unit = text_field()
    evidence = text_field()
    yearly_cap = text_field()
    valid_from = text_field()
    valid_to = text_field()
    source = text_field()

    def rule_input(self) -> RuleInput:
        return RuleInput(
            code=self.text("code"),
            name=self.text("name"),
            direction=self.text("direction"),
            category=self.text("category"),
            points_min=self.text("points_min"),
            points_max=self.text("points_max"),
            unit=self.text("unit") or "per_time",
            evidence=self.text("evidence") or "none",
            yearly_cap=self.text("yearly_cap") or "0",
            valid_from=date_or_none(self.text("valid_from")),
            valid_to=date_or_none(self.text("valid_to")),
            source=self.text("source") or "manual",
        )


class ClaimForm(ConsoleForm):
    household_id = text_field()
    rule_id = text_field()
    points = text_field()
    quantity = text_field()
    description = text_field()
    occurred_on = text_field()
    witness = text_field()

    def claim_input(self) -> ClaimInput:
        return ClaimInput(
            rule_id=self.text("rule_id"),
            points=self.text("points"),
            quantity=self.text("quantity") or "1",
            description=self.text("description"),
            occurred_on=date_or_none(self.text("occurred_on")),
            witness=self.text("witness"),
        )


class MeetingForm(ConsoleForm):
    community_id = text_field()
    held_on = text_field()
    members_present = text_field()
    note = text_field()


class DecideForm(ConsoleForm):
    meeting_id = text_field()
    outcome = text_field()
    points = text_field()
    reason = text_field()


class GoodsForm(ConsoleForm):
    community_id = text_field()
    name = text_field()
    unit_label = text_field()
    price = text_field()
    stock = text_field()
    household_limit = text_field()


class StockForm(ConsoleForm):
    action = text_field()
    quantity = text_field()
    counted = text_field()
    unit_id = text_field()
    note = text_field()


class RedeemForm(ConsoleForm):
    goods_id = text_field()
    quantity = text_field()
    household_code = text_field()
