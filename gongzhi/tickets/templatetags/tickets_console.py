"""Small display helpers for the console's ticket forms: the value a refused form posted, and the
Chinese message of a field (services name some fields differently from the form, so several names)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def posted(context: template.Context, action: str, name: str) -> str:
    """What the refused form of ``action`` sent in ``name`` (empty for every other form)."""
    if context.get("failed") != action:
        return ""
    values = context.get("posted") or {}
    return str(values.get(name, ""))


@register.simple_tag(takes_context=True)
def ferr(context: template.Context, action: str, *names: str) -> Any:
    """The field message for the refused form of ``action``, as a ``form-error`` span."""
    if context.get("failed") != action:
        return ""
    errors = context.get("errors") or {}
    for name in names:
        for key, message in errors.items():
            if key == name or key.startswith(f"{name}."):
                return format_html('<span class="form-error" data-field="{}">{}</span>', key, message)
    return ""
