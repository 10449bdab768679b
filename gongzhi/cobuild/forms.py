"""Console and H5 input of the three lists as Django forms: they read the posted fields and turn them into
the services' arguments. The services validate (with their Chinese messages), so every field is optional
text here and a value that is not a number or a date reaches the service as it expects it (0, None)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import Frequency, Urgency
from gongzhi.cobuild.services.needs import NeedInput
from gongzhi.cobuild.services.resources import ResourceInput
from gongzhi.core.forms import ConsoleForm, PostedValues, text_field
from gongzhi.core.http import date_or_none, int_or_none

_every = lazy(lambda day: gettext("每%(day)s") % {"day": gettext(day)}, str)

# The service times a need or a resource may name (a bit mask of matching's slots).
SCHEDULES = [
    (0, gettext_lazy("不限时间")),
    (matching.MASK_678, gettext_lazy("“678”时段（周末及工作日晚上）")),
    (matching.WEEKDAY_DAYTIME, gettext_lazy("工作日白天")),
    *[(matching.mask_of([(d, p) for p in range(3)]), _every(day)) for d, day in enumerate(matching.DAYS)],
]


class NeedForm(ConsoleForm):
    """A need recorded on the console: in a grid (a grid worker's visit) or for the community."""

    community_id = text_field()
    title = text_field()
    category = text_field()
    description = text_field()
    beneficiaries = text_field()
    quantity = text_field()
    quantity_unit = text_field()
    urgency = text_field()
    wanted_by = text_field()
    schedule = text_field()
    frequency = text_field()
    grid_id = text_field()
    micro_wish = forms.BooleanField(required=False)

    def values(self) -> dict[str, Any]:
        return {**super().values(), "micro_wish": bool(self.cleaned_data.get("micro_wish"))}

    def need_input(self) -> NeedInput:
        return NeedInput(
            title=self.text("title"),
            category=self.text("category"),
            description=self.text("description"),
            micro_wish=bool(self.cleaned_data.get("micro_wish")),
            beneficiaries=self.text("beneficiaries"),
            quantity=self.number("quantity") or 0,
            quantity_unit=self.text("quantity_unit") or gettext_noop("次"),
            urgency=self.text("urgency") or Urgency.NORMAL,
            frequency=self.text("frequency") or Frequency.ONCE,
            schedule=self.number("schedule") or 0,
            wanted_by=date_or_none(self.text("wanted_by")),
        )


class ResidentNeedForm(ConsoleForm):
    """A resident's need or micro-wish (微心愿) from the phone."""

    title = text_field()
    category = text_field()
    description = text_field()
    beneficiaries = text_field()
    micro_wish = forms.BooleanField(required=False)

    def need_input(self) -> NeedInput:
        return NeedInput(
            title=self.text("title"),
            category=self.text("category"),
            description=self.text("description"),
            beneficiaries=self.text("beneficiaries"),
            micro_wish=bool(self.cleaned_data.get("micro_wish")),
        )


class NeedFromTicketForm(ConsoleForm):
    title = text_field()
    category = text_field()
    note = text_field()

    def need_from_ticket_kwargs(self) -> dict[str, Any]:
        return {
            "title": self.text("title").strip(),
            "category": self.text("category"),
            "note": self.text("note").strip(),
        }


class ResourceForm(ConsoleForm):
    """A resource registered on the console; ``provider`` is ``kind:id``."""

    community_id = text_field()
    provider = text_field()
    title = text_field()
    kind = text_field()
    description = text_field()
    capacity = text_field()
    schedule = text_field()
    schedule_note = text_field()
    radius_km = text_field()
    contact_name = text_field()
    contact_phone = text_field()
    categories = PostedValues(required=False)

    def values(self) -> dict[str, Any]:
        return {**super().values(), "categories": self.cleaned_data.get("categories") or []}

    def provider_kind_and_id(self) -> tuple[str, int]:
        kind, _sep, pid = self.text("provider").partition(":")
        return kind, int_or_none(pid) or 0

    def resource_input(self) -> ResourceInput:
        try:
            radius = float(self.text("radius_km") or 3)
        except ValueError:
            radius = -1
        return ResourceInput(
            title=self.text("title"),
            kind=self.text("kind"),
            categories=self.cleaned_data.get("categories") or [],
            description=self.text("description"),
            capacity=self.number("capacity") or 0,
            schedule=self.number("schedule") or 0,
            schedule_note=self.text("schedule_note"),
            radius_km=radius,
            contact_name=self.text("contact_name"),
            contact_phone=self.text("contact_phone"),
        )


class ProjectForm(ConsoleForm):
    """A project from a need's page: the need and the suggested resources ticked."""

    need_id = text_field()
    resource_id = PostedValues(required=False)
    title = text_field()

    def resource_ids(self) -> list[int]:
        return [i for i in (int_or_none(v) for v in self.cleaned_data.get("resource_id") or []) if i]


class ProjectSignForm(ConsoleForm):
    terms = text_field()
    community_signatory = text_field()
    claimant_signatory = text_field()
    starts_on = text_field()
    ends_on = text_field()


class ProjectClaimForm(ConsoleForm):
    """Who claims the project: ``claimant`` is ``kind:id``."""

    claimant = text_field()

    def project_claim_kwargs(self) -> dict[str, Any]:
        kind, _sep, pid = self.text("claimant").partition(":")
        return {"claimant_kind": kind, "claimant_id": int_or_none(pid)}


class ProjectActivityForm(ConsoleForm):
    activity_id = text_field()

    def project_activity_link_kwargs(self) -> dict[str, Any]:
        return {"activity_id": self.number("activity_id") or 0}


class MilestoneForm(ConsoleForm):
    title = text_field()
    due_on = text_field()

    def milestone_add_kwargs(self) -> dict[str, Any]:
        return {"title": self.text("title"), "due_on": date_or_none(self.text("due_on"))}


class DeliveryForm(ConsoleForm):
    need_id = text_field()
    quantity = text_field()

    def delivery_record_kwargs(self) -> dict[str, Any]:
        return {"need_id": self.number("need_id") or 0, "quantity": self.number("quantity") or 0}


class ProjectCompleteForm(ConsoleForm):
    outcome = text_field()


class ProjectEvaluateForm(ConsoleForm):
    """A resident's rating (1-5, anything else 0, which the service refuses) and comment."""

    rating = text_field()
    comment = text_field()

    def project_evaluate_kwargs(self) -> dict[str, Any]:
        rating = self.text("rating")
        return {"rating": int(rating) if rating.isdigit() else 0, "comment": self.text("comment")}


class PlanGenerateForm(ConsoleForm):
    place_code = text_field()


class PlanRowForm(ConsoleForm):
    """A pair of the draft plan: kept in (``included`` 1) or left out (0), or given another resource."""

    included = text_field()
    resource_id = text_field()

    def matching_plan_row_update_kwargs(self) -> dict[str, Any]:
        return {
            "included": {"1": True, "0": False}.get(self.text("included")),
            "resource_id": self.number("resource_id"),
        }
