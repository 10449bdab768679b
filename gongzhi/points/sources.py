"""Where generated claims come from, for the apps above points (a civilised stairwell's naming, a
council resolution's volunteers …). Points sits below them, so it cannot read their records; each such app
registers a reader here in its ``AppConfig.ready()`` under the rule source it feeds (``RuleSource``), and
``claims_harvest`` calls the readers of the rules a community has. A reader is pure: it returns the
community's records that earn points, each with a key unique within its source (the claim's
``source_key``: a record is claimed once per rule), and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Earned:
    """One record that earns a household points under a rule of the reader's source."""

    key: str  # unique within the source, at most 40 characters ("stairwell:12:345")
    day: dt.date
    household_id: int
    person_id: int | None
    quantity: int
    description: str


Reader = Callable[[str], Iterable[Earned]]  # community code → its earning records

_READERS: dict[str, Reader] = {}


def register(source: str, reader: Reader) -> None:
    """Add (or replace, on a second ``ready()``) the reader of the rule source ``source``."""
    _READERS[source] = reader


def reader_for(source: str) -> Reader | None:
    return _READERS.get(source)


def registered() -> list[str]:
    return sorted(_READERS)
