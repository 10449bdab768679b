"""Time limits of tickets on the official working-day calendar (the workdays app does the arithmetic)."""

from __future__ import annotations

from datetime import datetime

from gongzhi.workdays.calendar import Deadline, deadline_for

__all__ = ["Deadline", "deadline_for", "limit_label"]

_UNIT_LABELS = {
    "working_hours": "个工作时",
    "working_days": "个工作日",
    "natural_days": "个自然日",
    "hours": "小时",
}


def limit_label(amount: int, unit: str) -> str:
    return f"{amount}{_UNIT_LABELS.get(unit, unit)}"


def span_after(start: datetime, deadline: datetime) -> datetime:
    """The instant as far after ``deadline`` as ``deadline`` is after ``start`` (red card: overdue again)."""
    return deadline + (deadline - start)
