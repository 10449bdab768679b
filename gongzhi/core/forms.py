"""The base of every app's console and H5 forms that hand posted values to a service.

The services validate (with their Chinese field messages), so these forms read what was posted and turn it
into the services' arguments; a value that is not a number or a date reaches the service as the service
expects it (0, None). An app's ``forms.py`` subclasses ``ConsoleForm`` and adds ``<service>_kwargs()``.

Every posted text loses its control characters (NUL, ``\\x0b``, ESC …; gongzhi.core.bounds) before a
field reads it — stripped, as everywhere (the API, the query strings of every page); numbers and dates are
held to the same bounds (a 23-digit number or the year 9999 reads as no value)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gongzhi.core import bounds
from gongzhi.core.http import clean_query, int_or_none


def text_field() -> forms.CharField:
    """A posted text field, kept as posted (the services strip and check it)."""
    return forms.CharField(required=False, strip=False)


class PostedValues(forms.Field):
    """Every value of a multi-select (``request.POST.getlist``), unchecked."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class ConsoleForm(forms.Form):
    """A form bound to ``request.POST`` whose fields are read as posted."""

    def __init__(self, data: Any) -> None:
        if isinstance(data, QueryDict):
            data = clean_query(data)
        elif isinstance(data, dict):
            data = {k: bounds.clean_text(v) if isinstance(v, str) else v for k, v in data.items()}
        super().__init__(data)
        self.is_valid()

    def text(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "")

    def number(self, name: str) -> int | None:
        return int_or_none(self.text(name))

    def values(self) -> dict[str, Any]:
        """The posted text fields, shown back in the form when the service refuses."""
        return {
            name: self.text(name) for name, field in self.fields.items() if isinstance(field, forms.CharField)
        }


class ReasonForm(ConsoleForm):
    """A move that only asks why (cancel, withdraw, reject, return): ``reason`` as posted."""

    reason = text_field()


def local_datetime(value: str) -> dt.datetime | None:
    try:
        parsed = parse_datetime((value or "").strip())
    except ValueError:
        return None
    if parsed is None or not bounds.date_in_range(parsed):
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
