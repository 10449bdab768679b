"""Console input of resettlement: posted fields turned into the services' arguments (the services
validate with their Chinese messages). Multi-line fields (members, bands, inventory rows) are read one
line at a time, comma-separated; a malformed line reaches the service as an empty value it refuses."""

from __future__ import annotations

import re
from typing import Any

from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.core.http import date_or_none, int_or_none
from gongzhi.resettlement.services.households import HouseholdInput, UnitInput
from gongzhi.resettlement.services.projects import BandInput

_SPLIT = re.compile(r"[,，\t]")
MAX_LINES = 2000


def _lines(text: str, width: int) -> list[list[str]]:
    out = []
    for line in (text or "").splitlines()[:MAX_LINES]:
        if not line.strip():
            continue
        cells = [c.strip() for c in _SPLIT.split(line)]
        out.append((cells + [""] * width)[:width])
    return out


class ProjectForm(ConsoleForm):
    place_code = text_field()
    name = text_field()
    estate_name = text_field()
    buildings = text_field()
    max_over_area = text_field()

    def project_kwargs(self) -> dict[str, Any]:
        return {
            "place_code": self.text("place_code"),
            "name": self.text("name"),
            "estate_name": self.text("estate_name"),
            "buildings": self.text("buildings"),
            "max_over_area": self.text("max_over_area") or "0",
        }


class GroupForm(ConsoleForm):
    kind = text_field()
    name = text_field()
    duties = text_field()
    members = text_field()  # 姓名,职务,单位 per line

    def group_kwargs(self) -> dict[str, Any]:
        return {
            "kind": self.text("kind"),
            "name": self.text("name"),
            "duties": self.text("duties"),
            "members": [(a, b, c) for a, b, c in _lines(self.text("members"), 3)],
        }


class MeetingForm(ConsoleForm):
    held_on = text_field()
    title = text_field()
    attendees = text_field()
    minutes = text_field()

    def meeting_kwargs(self) -> dict[str, Any]:
        return {
            "held_on": date_or_none(self.text("held_on")),
            "title": self.text("title"),
            "attendees": self.text("attendees"),
            "minutes": self.text("minutes"),
        }


class DocumentForm(ConsoleForm):
    title = text_field()
    doc_number = text_field()
    issued_on = text_field()
    summary = text_field()

    def document_kwargs(self) -> dict[str, Any]:
        return {
            "title": self.text("title"),
            "number": self.text("doc_number"),
            "issued_on": date_or_none(self.text("issued_on")),
            "summary": self.text("summary"),
        }


class BandsForm(ConsoleForm):
    bands = text_field()  # 下限,上限,单价,说明 per line; an empty upper is "no upper bound"

    def band_inputs(self) -> list[BandInput]:
        return [
            BandInput(lower=a, upper=b or None, price=c, label=d)
            for a, b, c, d in _lines(self.text("bands"), 4)
        ]


class HouseholdForm(ConsoleForm):
    key = text_field()
    former_village = text_field()
    head_name = text_field()
    entitled_area = text_field()
    entitled_flats = text_field()
    entitled_storage = text_field()
    entitled_parking = text_field()
    members = text_field()
    household_id = text_field()

    def household_input(self) -> HouseholdInput:
        def n(name: str, default: int) -> int:
            value = self.number(name)
            return default if value is None else value

        return HouseholdInput(
            key=self.text("key"),
            former_village=self.text("former_village"),
            head_name=self.text("head_name"),
            entitled_area=self.text("entitled_area"),
            entitled_flats=n("entitled_flats", 1),
            entitled_storage=n("entitled_storage", 0),
            entitled_parking=n("entitled_parking", 0),
            members=n("members", 1),
            household_id=self.number("household_id"),
        )


class UnitsForm(ConsoleForm):
    rows = (
        text_field()
    )  # 类别,编号,楼号,楼层,面积,户型 per line (类别: 住房/储藏室/车位 or flat/storage/parking)

    KINDS = {"住房": "flat", "储藏室": "storage", "车位": "parking"}

    def unit_inputs(self) -> list[UnitInput]:
        return [
            UnitInput(
                kind=self.KINDS.get(kind, kind),
                number=number,
                building=building,
                floor=int_or_none(floor),
                area=area,
                layout=layout,
            )
            for kind, number, building, floor, area, layout in _lines(self.text("rows"), 6)
        ]


class BundleForm(ConsoleForm):
    code = text_field()
    unit_ids = text_field()  # ids, comma-separated

    def bundle_kwargs(self) -> dict[str, Any]:
        ids = [int_or_none(v) for v in _SPLIT.split(self.text("unit_ids"))[:10]]
        return {"code": self.text("code"), "unit_ids": [i for i in ids if i]}


class SeedForm(ConsoleForm):
    seed = text_field()


class WitnessForm(ConsoleForm):
    name = text_field()
    capacity = text_field()


class ChoiceForm(ConsoleForm):
    unit_id = text_field()


class HandoverForm(ConsoleForm):
    signed_by_name = text_field()
    handed_on = text_field()

    def handover_kwargs(self) -> dict[str, Any]:
        return {
            "signed_by_name": self.text("signed_by_name"),
            "handed_on": date_or_none(self.text("handed_on")),
        }
