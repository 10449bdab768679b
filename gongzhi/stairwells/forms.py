"""Console and H5 input of stairwells: the posted fields turned into the services' arguments (the services
validate, with their Chinese messages)."""

from __future__ import annotations

import datetime as dt

from gongzhi.core.forms import ConsoleForm, PostedValues, text_field
from gongzhi.core.http import date_or_none
from gongzhi.stairwells.enums import CHECKLIST_KEYS


class InspectionForm(ConsoleForm):
    passed_items = PostedValues(required=False)
    inspected_on = text_field()
    note = text_field()

    def results(self) -> dict[str, bool]:
        ok = set(self.cleaned_data.get("passed_items") or [])
        out = {k: k in ok for k in CHECKLIST_KEYS}
        for stray in sorted(ok - set(CHECKLIST_KEYS)):
            out[stray] = True  # an unknown item reaches the service, which names it
        return out

    def day(self) -> dt.date | None:
        return date_or_none(self.text("inspected_on"))


class ElectionForm(ConsoleForm):
    candidate_ids = PostedValues(required=False)

    def candidates(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("candidate_ids") or [] if v.isdigit() and len(v) < 18]


class VoteForm(ConsoleForm):
    candidate_id = text_field()
    household_id = text_field()


class SettingsForm(ConsoleForm):
    title = text_field()
    pact_on_file = text_field()


class CommunityForm(ConsoleForm):
    community_id = text_field()
