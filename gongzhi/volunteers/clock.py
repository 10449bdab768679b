"""The time the volunteer services see. Tests move it (``OFFSET``) instead of sleeping for hours; nothing
else touches it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

OFFSET = dt.timedelta(0)


def now() -> dt.datetime:
    return timezone.now() + OFFSET
