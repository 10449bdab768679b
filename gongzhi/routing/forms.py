"""Console input of routing: the posted fields turned into the services' arguments (the services check)."""

from __future__ import annotations

from typing import Any

from gongzhi.core.forms import ConsoleForm, text_field


class ReviewForm(ConsoleForm):
    suggestion_id = text_field()


class MappingForm(ConsoleForm):
    district_code = text_field()
    department_type = text_field()
    department_id = text_field()
    clear_id = text_field()

    def mapping_kwargs(self) -> dict[str, Any]:
        return {
            "district_code": self.text("district_code"),
            "department_type": self.text("department_type"),
            "department_id": self.number("department_id") or 0,
        }


class MineForm(ConsoleForm):
    district_code = text_field()


class DecideForm(ConsoleForm):
    candidate_id = text_field()
    decision = text_field()


class RetrainForm(ConsoleForm):
    confirm = text_field()
