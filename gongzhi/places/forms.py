"""Console input of places: a grid's team forms and the grid import.

The forms only carry the input: every rule (role, name, phone, the account to link, one grid head; the
GeoJSON checks) is the services', whose field messages the pages show by their fields. The values are kept
as typed so that a refused form shows back what was sent.
"""

from __future__ import annotations

from django import forms


class _AsTyped(forms.Form):
    def values(self) -> dict[str, str]:
        """The fields as sent (a missing one as ""), for the service and for the page to show back."""
        return {name: self.data.get(name, "") for name in self.fields}


class GridTeamMemberAddForm(_AsTyped):
    role = forms.CharField(required=False, strip=False)
    name = forms.CharField(required=False, strip=False)
    phone = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
    username = forms.CharField(required=False, strip=False)


class GridTeamMemberEditForm(_AsTyped):
    """A blank phone box keeps the number (the page never shows it in full); ``clear_phone`` ticked clears it."""

    role = forms.CharField(required=False, strip=False)
    name = forms.CharField(required=False, strip=False)
    phone = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)

    def phone_change(self) -> str | None:
        """``None`` keeps the stored phone, ``""`` clears it, anything else is the new number."""
        phone = (self.data.get("phone", "") or "").strip() or None
        if self.data.get("clear_phone") == "on" and phone is None:
            return ""
        return phone


class GridImportForm(_AsTyped):
    """The import's two steps: ``check`` (a dry run of the uploaded file) and ``confirm`` (the checked file,
    carried in ``payload``, saved)."""

    step = forms.CharField(required=False, strip=False)
    community = forms.CharField(required=False, strip=False)
    accept_gaps = forms.CharField(required=False, strip=False)
    payload = forms.CharField(required=False, strip=False)


class GridTeamMemberRemoveForm(_AsTyped):
    """Removing a member asks first: the second post carries ``confirm`` = "yes"."""

    confirm = forms.CharField(required=False, strip=False)

    def confirmed(self) -> bool:
        return self.data.get("confirm") == "yes"
