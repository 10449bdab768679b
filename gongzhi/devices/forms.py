"""Console input of the device pages: posted values turned into the services' arguments (the services
validate, with their Chinese field messages)."""

from __future__ import annotations

from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.core.http import date_or_none
from gongzhi.devices.services.registry import DeviceInput


class DeviceForm(ConsoleForm):
    code = text_field()
    name = text_field()
    kind = text_field()
    grid_code = text_field()
    vendor = text_field()
    place = text_field()
    building = text_field()
    platform_id = text_field()
    heartbeat_minutes = text_field()
    sign_posted_on = text_field()
    note = text_field()

    def device_input(self) -> DeviceInput:
        return DeviceInput(
            code=self.text("code"),
            name=self.text("name"),
            kind=self.text("kind"),
            grid_code=self.text("grid_code"),
            vendor=self.text("vendor"),
            place=self.text("place"),
            building=self.text("building"),
            platform_id=self.number("platform_id"),
            heartbeat_minutes=self.number("heartbeat_minutes"),
            sign_posted_on=date_or_none(self.text("sign_posted_on")),
            note=self.text("note"),
        )


class PlatformForm(ConsoleForm):
    name = text_field()
    vendor = text_field()
    place_code = text_field()
    note = text_field()


class RouteForm(ConsoleForm):
    kind = text_field()
    raise_ticket = text_field()
    category_code = text_field()
    urgent = text_field()
    storm_minutes = text_field()

    def route_kwargs(self) -> dict:
        return {
            "kind": self.text("kind"),
            "raise_ticket": self.text("raise_ticket") == "1",
            "category_code": self.text("category_code"),
            "urgent": self.text("urgent") == "1",
            "storm_minutes": self.number("storm_minutes") or 0,
        }
