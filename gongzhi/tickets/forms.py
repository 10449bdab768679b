"""Input of the ticket pages and the API that the console shares: a move's fields (``MoveIn``, the API's
schema, which the console's move forms are validated by) and their Chinese field messages; and the console
and H5 forms, which read the posted fields and hand them to the services (the services validate, with their
Chinese messages)."""

from __future__ import annotations

import math
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import ValidationError

from gongzhi.core import bounds
from gongzhi.core.errors import ApplicationError, ValidationFailed, field_error
from gongzhi.core.forms import ConsoleForm, PostedValues, text_field
from gongzhi.tickets.enums import Channel, Level
from gongzhi.tickets.services.intake import TicketInput


class MoveIn(Schema):
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=300)
    category_code: str = Field("", max_length=12)
    into_id: int | None = Field(None, description="merge：合并到的工单")
    level: str = Field("", description="dispatch：grid, community, subdistrict, district, department")
    department_id: int | None = None
    co_department_ids: list[int] = Field(default_factory=list, max_length=10)
    handler_id: int | None = None
    limit_amount: int | None = Field(None, ge=1, le=365)
    limit_unit: str = Field("", max_length=16)
    result: str = Field("", max_length=2000, description="handle：处置结果")
    passed: bool | None = Field(None, description="verify：核查是否通过")
    satisfaction: str = Field("", description="callback：satisfied, fairly, dissatisfied")
    amount: int | None = Field(None, description="extend（申请）：延长多少")
    unit: str = Field("", max_length=16, description="extend（申请）：working_days 等")
    decision: str = Field("", description="extend（审批）：approve 或 refuse")


def field_messages(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(p) for p in err.get("loc", ())) or "body"
        out[name] = bounds.validation_message(err)
    return out


# --- the console's move forms (one per move on the ticket page) --------------------------------------------


class TicketMoveForm(ConsoleForm):
    """The fields of every move, read as the API's ``MoveIn``: empty inputs are left out (an empty number box
    is "not given", not a bad number); messages in Chinese by field."""

    note = text_field()
    reason = text_field()
    category_code = text_field()
    into_id = text_field()
    level = text_field()
    department_id = text_field()
    co_department_ids = PostedValues(required=False)
    handler_id = text_field()
    limit_amount = text_field()
    limit_unit = text_field()
    result = text_field()
    passed = text_field()
    satisfaction = text_field()
    amount = text_field()
    unit = text_field()
    decision = text_field()

    def move_in(self) -> MoveIn:
        data: dict[str, Any] = {}
        for name in MoveIn.model_fields:
            if name == "co_department_ids":
                values = [v.strip() for v in self.cleaned_data.get(name) or [] if v.strip()]
                if values:
                    data[name] = values
                continue
            value = self.text(name).strip()
            if name == "into_id" and "-" in value and value.replace("-", "").isdigit():
                value = str(int(value.rsplit("-", 1)[1]))  # a ticket number, 20261201-0000123, names id 123
            if value:
                data[name] = value
        try:
            return MoveIn.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailed(gettext("填写有误，请检查标出的项目"), fields=field_messages(exc)) from exc


# --- reports: the console's new ticket, a patrol's, a resident's 随手拍 ---------------------------------------

# The fields of the console's new-ticket form (and ``urgent``, a checkbox).
NEW_FIELDS = (
    "channel",
    "channel_source",
    "description",
    "category_code",
    "lng",
    "lat",
    "grid_code",
    "address",
    "reporter_name",
    "reporter_phone",
)


class TicketNewForm(ConsoleForm):
    """A staff report from the console (新建工单); the view checks the channel and the point."""

    channel = text_field()
    channel_source = text_field()
    description = text_field()
    category_code = text_field()
    lng = text_field()
    lat = text_field()
    grid_code = text_field()
    address = text_field()
    reporter_name = text_field()
    reporter_phone = text_field()
    urgent = text_field()

    def values(self) -> dict[str, str]:
        """Every field trimmed, as the page shows it back and the view reads it."""
        return {key: self.text(key).strip() for key in (*NEW_FIELDS, "urgent")}


def _coord(value: str | None) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise field_error("location", gettext("位置信息格式不正确，请重新定位或填写地址")) from None
    if not math.isfinite(number):
        raise field_error("location", gettext("位置信息格式不正确，请重新定位或填写地址"))
    return number


class ResidentReportForm(ConsoleForm):
    """随手拍 from the phone: the category is posted as ``category``, ``anonymous`` is a checkbox."""

    description = text_field()
    category = text_field()
    lng = text_field()
    lat = text_field()
    coord_system = text_field()
    address = text_field()
    anonymous = text_field()

    def ticket_input(self) -> TicketInput:
        """Raises the service's field error (``location``) for a position that is not a number."""
        return TicketInput(
            description=self.text("description"),
            channel=Channel.RESIDENT,
            category_code=self.text("category"),
            lng=_coord(self.text("lng")),
            lat=_coord(self.text("lat")),
            coord_system=self.text("coord_system") or "wgs84",
            address=self.text("address"),
            anonymous=self.text("anonymous") == "on",
        )


class TicketRateForm(ConsoleForm):
    """The reporter's 回访: 满意 / 基本满意 / 不满意 with a comment."""

    satisfaction = text_field()
    note = text_field()


class PatrolStartForm(ConsoleForm):
    grid_code = text_field()


class PatrolCheckInForm(ConsoleForm):
    """A check-in with the phone's position (as posted: the service checks the numbers)."""

    lng = text_field()
    lat = text_field()
    coord_system = text_field()
    note = text_field()

    def patrol_check_in_kwargs(self) -> dict[str, Any]:
        return {
            "lng": self.text("lng") or None,
            "lat": self.text("lat") or None,
            "coord_system": self.text("coord_system") or "wgs84",
            "note": self.text("note"),
        }


class PatrolReportForm(ConsoleForm):
    """A ticket found on a patrol; without a position it lands in the patrolled grid."""

    description = text_field()
    category_code = text_field()
    lng = text_field()
    lat = text_field()
    coord_system = text_field()
    address = text_field()

    def ticket_input(self, *, patrol_id: int, grid_code: str) -> TicketInput:
        return TicketInput(
            description=self.text("description"),
            channel=Channel.PATROL,
            patrol_id=patrol_id,
            category_code=self.text("category_code"),
            lng=self.text("lng") or None,  # type: ignore[arg-type]  # the service checks the number
            lat=self.text("lat") or None,  # type: ignore[arg-type]
            coord_system=self.text("coord_system") or "wgs84",
            address=self.text("address"),
            grid_code=grid_code,
        )


class PatrolEndForm(ConsoleForm):
    note = text_field()


# --- the district admin's category editor -------------------------------------------------------------------

CATEGORY_TEXT_FIELDS = (
    "name",
    "description",
    "keywords",
    "default_level",
    "department_code",
    "limit_unit",
    "close_conditions",
)


class CategoryForm(ConsoleForm):
    """A category's inline form: only the fields posted are changed; unchecked boxes are absent from a POST,
    so they are sent as False."""

    name = text_field()
    description = text_field()
    keywords = text_field()
    default_level = text_field()
    department_code = text_field()
    limit_unit = text_field()
    close_conditions = text_field()
    limit_amount = text_field()
    order = text_field()
    public = text_field()
    active = text_field()
    questions = text_field()
    kind = text_field()

    def category_values(self) -> dict[str, Any]:
        posted = self.data
        values: dict[str, Any] = {f: self.text(f) for f in CATEGORY_TEXT_FIELDS if f in posted}
        for f in ("limit_amount", "order"):
            if f in posted:
                values[f] = self.text(f)
        values["public"] = self.text("public") == "on"
        values["active"] = self.text("active") == "on"
        if "questions" in posted:
            values["questions"] = self.text("questions").strip() or "[]"
        if "kind" in posted:
            values["kind"] = self.text("kind")
        return values


class CategoryNewForm(ConsoleForm):
    """A new category (a small class under a major one, or a major class), with the usual defaults."""

    code = text_field()
    name = text_field()
    parent_code = text_field()
    kind = text_field()
    default_level = text_field()
    limit_amount = text_field()
    limit_unit = text_field()
    keywords = text_field()
    department_code = text_field()

    def code_posted(self) -> str:
        return self.text("code").strip()

    def category_values(self) -> dict[str, Any]:
        return {
            "name": self.text("name"),
            "parent_code": self.text("parent_code"),
            "kind": self.text("kind"),
            "default_level": self.text("default_level") or Level.GRID,
            "limit_amount": self.text("limit_amount") or 3,
            "limit_unit": self.text("limit_unit") or "working_days",
            "keywords": self.text("keywords"),
            "department_code": self.text("department_code"),
        }


# --- 书记有约 -------------------------------------------------------------------------------------------------


def add_errors(form: forms.Form, exc: ApplicationError) -> None:
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)


def category_choices() -> list[tuple[str, Any]]:
    from gongzhi.tickets.selectors.tickets import category_tree

    out: list[tuple[str, Any]] = [("", _("（暂不分类，由受理人补充）"))]
    for major in category_tree():
        out.append((major.name, [(c.code, c.name) for c in getattr(major, "kids", [])]))
    return out


class AppointmentForm(forms.Form):
    # Required fields are checked by the service, so every error comes back at once, in its words.
    session_date = forms.DateField(
        label=_("接待日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    secretary = forms.CharField(label=_("当值书记"), required=False, max_length=20)
    resident_name = forms.CharField(label=_("居民姓名"), required=False, max_length=50)
    resident_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    description = forms.CharField(
        label=_("反映的问题"), required=False, max_length=4000, widget=forms.Textarea
    )
    category_code = forms.ChoiceField(label=_("事件分类"), required=False)
    grid_code = forms.ChoiceField(label=_("所在网格"), required=False)
    address = forms.CharField(label=_("地点/地址"), required=False, max_length=200)

    def __init__(self, *args: Any, grids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["category_code"]).choices = category_choices()
        cast("forms.ChoiceField", self.fields["grid_code"]).choices = [("", _("（按地址确定）")), *grids]
