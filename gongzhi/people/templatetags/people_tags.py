"""``{% load people_tags %}``: labels for stored person values."""

from __future__ import annotations

from django import template

from gongzhi.people.enums import PersonTag

register = template.Library()

_TAG_LABELS = {value: str(label) for value, label in PersonTag.choices}


@register.filter
def tag_labels(tags: list[str] | None) -> list[str]:
    return [_TAG_LABELS.get(t, t) for t in (tags or [])]
