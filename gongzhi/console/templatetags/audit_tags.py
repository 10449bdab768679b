"""Template helpers for showing audit events: ``{% load audit_tags %}``.

The words for the keys and values of an event's data are ``gongzhi.audit.labels``' (one table for the
whole console: Chinese labels in Chinese, English in English, never a raw key)."""

from __future__ import annotations

from typing import Any

from django import template

from gongzhi.audit import labels
from gongzhi.audit.enums import EVENT_LABELS

register = template.Library()


@register.filter
def event_label(event_type: str) -> str:
    label = EVENT_LABELS.get(event_type)
    return str(label) if label is not None else labels.readable(event_type.split(".")[-1])


@register.filter
def audit_data(data: Any, event_type: str = "") -> list[tuple[str, str]]:
    """The event's data as (label, short value) pairs, empty values left out: ``e|audit_data`` (an event)
    or ``data|audit_data:event_type``."""
    if hasattr(data, "event_type") and hasattr(data, "data"):
        return labels.data_items(data.data, data.event_type)
    return labels.data_items(data, event_type)
