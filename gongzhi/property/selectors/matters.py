"""Reads of the property matters (四步议事) and of their resolutions, as the assessment counts them."""

from __future__ import annotations

import datetime as dt


def resolution_figures(*, estate_ids: set[int], start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """Per estate: (resolutions to carry out in the period, of those carried out). Placeholder until the
    councils engine is merged: no resolutions."""
    return {}
