"""Console input of the assessment pages: the set editor's posted fields turned into the services'
arguments (the services validate, with their Chinese messages), and the period of a run."""

from __future__ import annotations

import datetime as dt

from gongzhi.assessment import indicators
from gongzhi.assessment.services._validation import LineInput, SetInput
from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.core.http import date_or_none


class IndicatorSetForm(ConsoleForm):
    """The set editor: one row per indicator of the catalogue, ``use_<key>`` ticked to include it, with
    ``w_<key>`` (weight), ``r_<key>`` (rule), ``f_<key>`` (floor) and ``t_<key>`` (target)."""

    place_code = text_field()
    name = text_field()
    year = text_field()
    subject_kind = text_field()
    note = text_field()

    def full_clean(self) -> None:
        for key in indicators.CATALOGUE:
            for p in ("use", "w", "r", "f", "t"):
                self.fields[f"{p}_{key}"] = text_field()
        super().full_clean()

    def set_input(self) -> SetInput:
        lines = [
            LineInput(
                indicator=key,
                weight=self.text(f"w_{key}").strip(),
                target=self.text(f"t_{key}").strip(),
                floor=self.text(f"f_{key}").strip() or "0",
                rule=self.text(f"r_{key}").strip() or "linear",
            )
            for key in indicators.CATALOGUE
            if self.text(f"use_{key}")
        ]
        return SetInput(
            name=self.text("name"),
            year=self.text("year"),
            subject_kind=self.text("subject_kind"),
            note=self.text("note"),
            lines=lines,
        )


class RunForm(ConsoleForm):
    period_start = text_field()
    period_end = text_field()

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        return date_or_none(self.text("period_start")), date_or_none(self.text("period_end"))
