"""Care rows for tests, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.care.services import EntryInput, VisitInput, membership_enter, visit_record


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def enter(d: Any, person: Any, group: str = "elderly_alone", *, on: dt.date | None = None, frequency: str = "",
          actor: str = "grid_worker", carer: str | None = "grid_worker") -> Any:  # fmt: skip
    return membership_enter(
        actor=d.user(actor),
        data=EntryInput(
            person_id=person.pk,
            group=group,
            entered_on=on or days_ago(30),
            reason="独居，子女在外地",
            frequency=frequency,
            carer_id=d.user(carer).pk if carer else None,
        ),
    )


def visit(d: Any, person: Any, *, on: dt.date | None = None, actor: str = "grid_worker", **kw: Any) -> Any:
    photos = kw.pop("photos", None)
    return visit_record(
        actor=d.user(actor),
        data=VisitInput(
            person_id=person.pk, visited_on=on or timezone.localdate(), visitors="王网格员", **kw
        ),
        photos=photos,
    )
