"""The party app's console and H5 forms. They only gather the posted fields (same names as the pages and
the API); every check and its Chinese message is the service's, so a form never refuses what the service
would accept or words a refusal differently. Numbers that are not numbers arrive as ``None``."""

from __future__ import annotations

from typing import Any

from django import forms

from gongzhi.core.errors import ValidationFailed
from gongzhi.core.http import int_or_none
from gongzhi.party.services.evaluation import INDICATORS


def _text() -> forms.CharField:
    """A posted text as it was typed (the services trim and check it)."""
    return forms.CharField(required=False, strip=False)


class _Values(forms.Field):
    """Every posted value of a repeated field (checkboxes), unchecked: the service knows the choices."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class _Number(forms.CharField):
    """A non-negative integer, or ``None`` for anything else (the service or the view says what is wrong)."""

    def __init__(self) -> None:
        super().__init__(required=False, strip=False)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        return int_or_none(super().to_python(value))


class UnitForm(forms.Form):
    """A unit registering with its community (驻区单位报到), with its liaison's account."""

    community_id = _Number()
    name = _text()
    uscc = _text()
    kind = _text()
    address = _text()
    party_org_name = _text()
    paired_grid_code = _text()
    liaison_username = _text()
    liaison_display_name = _text()
    liaison_phone = _text()

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "community_id": d["community_id"] or 0,
            "name": d["name"],
            "uscc": d["uscc"],
            "kind": d["kind"],
            "address": d["address"],
            "party_org_name": d["party_org_name"],
            "paired_grid_code": d["paired_grid_code"].strip() or None,
            "liaison_username": d["liaison_username"].strip() or None,
            "liaison_display_name": d["liaison_display_name"],
            "liaison_phone": d["liaison_phone"],
        }


class RegistrationAcceptForm(forms.Form):
    """Accepting a registration: the member's classification and the grid they serve in."""

    classification = _text()
    grid_code = _text()


class MemberRegistrationForm(forms.Form):
    """A party member registering themself (报到) on the resident site."""

    community_id = _Number()
    name = _text()
    phone = _text()
    address = _text()
    unit_id = _Number()
    workplace_org = _text()
    skills = _Values(required=False)
    services_offered = _text()
    available_times = _text()

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {**d, "community_id": d["community_id"] or 0}


class ServiceItemForm(forms.Form):
    """Publishing a service post or project."""

    community_id = _Number()
    kind = _text()
    title = _text()
    description = _text()
    skills = _Values(required=False)
    capacity = _Number()


class LetterIssueForm(forms.Form):
    """Issuing the feedback letters of a period (for one community, or all the actor's)."""

    period = _text()
    community_id = _Number()


class AssessmentForm(forms.Form):
    """The ranking page's two actions: save the year's indicator weights, or run the assessment."""

    action = _text()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in INDICATORS:
            self.fields[key] = _text()

    def weights(self) -> dict[str, str]:
        """Each indicator's weight as typed; an empty one is "0"."""
        return {k: (self.cleaned_data.get(k) or "0").strip() or "0" for k in INDICATORS}


def form_refusal(form: forms.Form) -> ValidationFailed:
    """A form that could not even be read (a NUL character in a text): its first message, per field."""
    fields = {name: str(errors[0]) for name, errors in form.errors.items()}
    return ValidationFailed(next(iter(fields.values())), fields=fields)
