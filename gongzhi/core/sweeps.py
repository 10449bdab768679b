"""The periodic supervision sweep's other parts. ``tickets_supervise`` issues the tickets' cards and then
runs every sweep registered here, so an app above tickets (care's overdue visits …) joins the one sweep
without tickets importing it. An app registers in its ``AppConfig.ready()``; each sweep is a service of
its own app (one transaction, its own audit row) returning counts by label, printed on the sweep's line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Sweep = Callable[[dt.date], dict[str, int]]

_SWEEPS: dict[str, Sweep] = {}


def register(name: str, sweep: Sweep) -> None:
    """Add (or replace, on a second ``ready()``) the sweep called ``name``."""
    _SWEEPS[name] = sweep


def registered() -> dict[str, Sweep]:
    return dict(_SWEEPS)


def run_registered(today: dt.date) -> dict[str, int]:
    """Every registered sweep in name order; their counts by label, in one dict."""
    out: dict[str, int] = {}
    for name in sorted(_SWEEPS):
        out.update(_SWEEPS[name](today))
    return out
