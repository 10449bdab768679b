"""Time limits of tickets on the official working-day calendar (the workdays app does the arithmetic)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from gongzhi.workdays.calendar import Deadline, deadline_for

__all__ = ["Deadline", "deadline_for", "limit_label", "red_card_at"]

_UNIT_LABELS = {
    "working_hours": "个工作时",
    "working_days": "个工作日",
    "natural_days": "个自然日",
    "hours": "小时",
}


def limit_label(amount: int, unit: str) -> str:
    return f"{amount}{_UNIT_LABELS.get(unit, unit)}"


def red_card_at(deadline: datetime, amount: int, unit: str) -> datetime:
    """When an overdue ticket earns the red card: the handling limit again after its deadline, scaled by
    ``TICKET_RED_CARD_FACTOR`` (at least one unit)."""
    factor = float(getattr(settings, "TICKET_RED_CARD_FACTOR", 1.0))
    return deadline_for(deadline, max(1, round(amount * factor)), unit).at
