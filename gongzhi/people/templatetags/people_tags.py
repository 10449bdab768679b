"""``{% load people_tags %}``: labels for stored person values."""

from __future__ import annotations

from django import template

from gongzhi.people.enums import PersonTag

register = template.Library()

_TAG_LABELS = dict(PersonTag.choices)  # lazy: translated per request, never frozen at import


@register.filter
def tag_labels(tags: list[str] | None) -> list[str]:
    return [str(_TAG_LABELS.get(t, t)) for t in (tags or [])]
