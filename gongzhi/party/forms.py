"""The party app's console and H5 forms. They only gather the posted fields (same names as the pages and
the API); every check and its Chinese message is the service's, so a form never refuses what the service
would accept or words a refusal differently. Numbers that are not numbers arrive as ``None``."""

from __future__ import annotations

from typing import Any

from django import forms

from gongzhi.core import bounds
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


class _PostedForm(forms.Form):
    """A form whose posted values are shown back as typed above a refusal."""

    def values(self) -> dict[str, Any]:
        """Each field as posted (a text as typed, "" when absent; a repeated field as its list)."""
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = self[name].value()
            out[name] = list(value or []) if isinstance(field, _Values) else value or ""
        return out


class UnitForm(_PostedForm):
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


class RegistrationAcceptForm(_PostedForm):
    """Accepting a registration: the member's classification and the grid they serve in."""

    classification = _text()
    grid_code = _text()


class MemberRegistrationForm(_PostedForm):
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


class ServiceItemForm(_PostedForm):
    """Publishing a service post or project."""

    community_id = _Number()
    kind = _text()
    title = _text()
    description = _text()
    skills = _Values(required=False)
    capacity = _Number()


class LetterIssueForm(_PostedForm):
    """Issuing the feedback letters of a period (for one community, or all the actor's)."""

    period = _text()
    community_id = _Number()

    def period_posted(self) -> str:
        """The period as posted, trimmed (the page returns to it even when the form is refused)."""
        return str(self.values()["period"]).strip()


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


class ReasonForm(_PostedForm):
    """A move that only asks why: returning a registration, rejecting a service record."""

    reason = _text()


class RecordConfirmForm(forms.Form):
    """Confirming a service record, with an optional rating (anything not a number is no rating)."""

    rating = _Number()

    def rating_posted(self) -> int | None:
        self.is_valid()
        return self.cleaned_data.get("rating")


class YearForm(forms.Form):
    """The ranking page's year (from the address, or posted with an action)."""

    year = _Number()

    def year_posted(self) -> int | None:
        """The year, or None when there is none or it lies outside 1900–2100."""
        self.is_valid()
        year = self.cleaned_data.get("year")
        return year if year is None or bounds.year_in_range(year) else None


class ClaimForm(_PostedForm):
    """A member claiming a post or service item (认领) with their pledge (承诺) on the H5 page."""

    pledge = _text()


class OwnRecordForm(_PostedForm):
    """A member recording their own service (践诺) on the H5 page: against a claim, or none."""

    claim_id = _Number()
    served_on = _text()
    hours = _text()
    content = _text()
    beneficiaries = _text()

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "claim_id": d["claim_id"] or None,
            "served_on": d["served_on"].strip(),
            "hours": d["hours"].strip(),
            "content": d["content"],
            "beneficiaries": d["beneficiaries"],
        }


def form_refusal(form: forms.Form) -> ValidationFailed:
    """A form that could not even be read (a NUL character in a text): its first message, per field."""
    fields = {name: str(errors[0]) for name, errors in form.errors.items()}
    return ValidationFailed(next(iter(fields.values())), fields=fields)
