"""Console input of the working-day calendar: a year's table as entered from the State Council notice."""

from __future__ import annotations

from django import forms

from gongzhi.core.bounds import YEAR_MESSAGE
from gongzhi.core.http import year_or_none


class HolidayYearForm(forms.Form):
    """The year, the notice's title and number, and its lines (parsed by ``services.parse_notice_lines``).

    The values are kept as typed (the service trims them), so the page shows back what was sent."""

    year = forms.CharField(required=False, strip=False)
    notice = forms.CharField(required=False, strip=False)
    notice_number = forms.CharField(required=False, strip=False)
    lines = forms.CharField(required=False, strip=False)

    def clean_year(self) -> int:
        year = (self.cleaned_data.get("year") or "").strip()
        if not year.isdigit():
            raise forms.ValidationError("请填写年份")
        if year_or_none(year) is None:
            raise forms.ValidationError(YEAR_MESSAGE)
        return int(year)

    def values(self) -> dict[str, str]:
        """The fields as sent, for the page to show back."""
        return {name: self.data.get(name, "") for name in self.fields}
