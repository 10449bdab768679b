"""Console forms for registering and correcting persons and households.

The forms only shape the input: every rule (ID number check digit, phone validity, duplicate ID, scope,
duplicate address) lives in ``services``, whose field errors are put back on the form by ``add_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.errors import ApplicationError
from gongzhi.core.forms import ConsoleForm, text_field
from gongzhi.people.enums import PersonTag, Relation, ResidenceType
from gongzhi.people.services import PersonInput

KEEP_HINT = _("留空表示不修改")


def add_errors(form: forms.Form, exc: ApplicationError) -> None:
    """A service's refusal on the form: its field messages next to the fields, the rest above them."""
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)


class PersonForm(forms.Form):
    """One person as a grid worker writes it down; used to add a member to a household."""

    # Required, but checked by the service so that a blank name is reported with every other error.
    name = forms.CharField(
        label=_("姓名"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "required": True}),
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "mono", "maxlength": "40"}
        ),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "tel", "class": "mono", "maxlength": "30"}
        ),
    )
    relation = forms.ChoiceField(
        label=_("与户主关系"),
        choices=[("", _("请选择")), *Relation.choices],
        error_messages={"required": _("请选择与户主关系")},
    )
    residence_type = forms.ChoiceField(
        label=_("居住类型"), choices=ResidenceType.choices, initial=ResidenceType.REGISTERED
    )
    tags = forms.MultipleChoiceField(
        label=_("标签"),
        required=False,
        choices=PersonTag.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "people-checks"}),
    )

    def person_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            name=data["name"],
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
            relation=data.get("relation", Relation.HEAD),
            residence_type=data["residence_type"],
            tags=list(data.get("tags", [])),
        )


class PersonEditForm(PersonForm):
    """Correcting a person: the ID and phone numbers are never sent to the page, only their masks.

    A blank ID or phone keeps the stored value (``person_update`` leaves a blank one alone).
    """

    def __init__(self, *args: Any, id_number_masked: str = "", phone_masked: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, masked in (("id_number", id_number_masked), ("phone", phone_masked)):
            field = self.fields[name]
            field.help_text = KEEP_HINT
            if masked:
                field.widget.attrs["placeholder"] = masked


class HouseholdRegisterForm(PersonForm):
    """A new household (grid and address) with its head, in one submission."""

    grid = forms.ChoiceField(
        label=pgettext_lazy("one grid", "网格"), error_messages={"required": _("请选择网格")}
    )
    estate = forms.CharField(
        label=_("小区/村"),
        required=False,
        max_length=100,
        help_text=_("如：银山小区、张家村"),
    )
    building = forms.CharField(
        label=_("楼号"), required=False, max_length=30, help_text=_("如：3，平房可不填")
    )
    entrance = forms.CharField(label=_("单元"), required=False, max_length=10, help_text=_("如：1"))
    door = forms.CharField(
        label=_("门牌号"),
        required=False,  # required: checked by household_register with the head's fields
        max_length=30,
        help_text=_("如：301"),
        widget=forms.TextInput(attrs={"required": True}),
    )

    field_order = ["grid", "estate", "building", "entrance", "door", "name", "id_number", "phone"]
    ADDRESS_FIELDS = ("grid", "estate", "building", "entrance", "door")

    def __init__(self, *args: Any, grids: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The first person of a new household is its head.
        del self.fields["relation"]
        if grids is None:
            # More grids in scope than a drop-down can hold: the grid is typed as its 15-digit code.
            self.fields["grid"] = forms.CharField(
                label=_("网格编码"),
                max_length=15,
                min_length=15,
                error_messages={"required": _("请填写网格编码")},
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "mono"}),
            )
        else:
            self.fields["grid"].choices = [("", _("请选择网格")), *grids]  # type: ignore[attr-defined]
        self.order_fields(self.field_order)

    def address_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ADDRESS_FIELDS]

    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.ADDRESS_FIELDS]

    def person_input(self) -> PersonInput:
        person = super().person_input()
        person.relation = Relation.HEAD
        return person


class PersonRevealForm(ConsoleForm):
    """Which masked field to show in full (``id_number`` or ``phone``) and why (kept in the audit log)."""

    field = text_field()
    reason = text_field()

    def reveal_reason(self) -> str:
        # As typed (trimmed): the service refuses an empty one and one past its limit, never cuts it.
        return self.text("reason").strip()


class PersonImportForm(ConsoleForm):
    """The import page's two buttons: ``action`` = "check" checks the sheet without saving it."""

    action = text_field()

    def dry_run(self) -> bool:
        return self.text("action") == "check"
