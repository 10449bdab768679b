"""Console input of the Open311 keys page. The key service checks the values and answers with its own
Chinese field messages; the form only reads them from the POST (trimmed, missing as empty)."""

from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(required=False)
    place_code = forms.CharField(required=False)
    rate_limit = forms.CharField(required=False)
    note = forms.CharField(required=False)
