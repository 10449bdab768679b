"""Console and H5 input of venues, inspections and bookings: the posted fields turned into the services'
arguments (the services validate with their Chinese messages)."""

from __future__ import annotations

import datetime as dt

from gongzhi.core.forms import ConsoleForm, PostedValues, local_datetime, text_field
from gongzhi.venues.services.bookings import BookingInput
from gongzhi.venues.services.venues import VenueInput


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return None


class VenueForm(ConsoleForm):
    community_id = text_field()
    grid_id = text_field()
    kind = text_field()
    name = text_field()
    address = text_field()
    lng = text_field()
    lat = text_field()
    opens_at = text_field()
    closes_at = text_field()
    open_weekdays = PostedValues(required=False)
    after_hours_678 = text_field()
    services = PostedValues(required=False)
    other_services = text_field()
    manager_name = text_field()
    capacity = text_field()
    floor_area = text_field()

    def venue_input(self) -> VenueInput:
        extra = [s for s in self.text("other_services").replace("，", ",").split(",") if s.strip()]
        return VenueInput(
            kind=self.text("kind"),
            name=self.text("name"),
            address=self.text("address"),
            grid_id=self.number("grid_id"),
            lng=_float(self.text("lng")),
            lat=_float(self.text("lat")),
            open_weekdays=[int(d) for d in self.cleaned_data.get("open_weekdays") or [] if d.isdigit()],
            opens_at=_time(self.text("opens_at")),
            closes_at=_time(self.text("closes_at")),
            after_hours_678=bool(self.text("after_hours_678")),
            services=[*(self.cleaned_data.get("services") or []), *extra],
            manager_name=self.text("manager_name"),
            capacity=self.number("capacity") or 0,
            floor_area=self.number("floor_area"),
        )


class InspectionForm(ConsoleForm):
    met_items = PostedValues(required=False)
    note = text_field()

    def met(self) -> list[str]:
        return list(self.cleaned_data.get("met_items") or [])


class BookingForm(ConsoleForm):
    starts_at = text_field()
    ends_at = text_field()
    purpose = text_field()
    attendees = text_field()
    booker_kind = text_field()
    unit_id = text_field()
    organization_name = text_field()
    linked_kind = text_field()
    linked_id = text_field()

    def booking_input(self) -> BookingInput:
        return BookingInput(
            starts_at=local_datetime(self.text("starts_at")),
            ends_at=local_datetime(self.text("ends_at")),
            purpose=self.text("purpose"),
            attendees=self.number("attendees") or 0,
            booker_kind=self.text("booker_kind") or "staff",
            unit_id=self.number("unit_id"),
            organization_name=self.text("organization_name"),
            linked_kind=self.text("linked_kind"),
            linked_id=self.number("linked_id"),
        )
