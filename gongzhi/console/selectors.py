"""Reads of the console shell that span the apps below it (console sits above every module)."""

from __future__ import annotations

from typing import Any

from gongzhi.people.selectors import person_total
from gongzhi.places.selectors import place_totals


def overview_counts() -> dict[str, Any]:
    """The public overview: aggregates only, computed from the records (communities, grids by kind,
    households from places; persons from the population register)."""
    return {**place_totals(), "persons": person_total()}
