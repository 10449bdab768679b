"""Checks the care services share (private): texts, dates, the person in the actor's reach."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.people.models import Person


def _raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, max_len: int, required: bool) -> str:
    value = bounds.clean_text(value or "").strip()
    if required and not value:
        errors[name] = gettext("请填写%(label)s") % {"label": label}
    elif len(value) > max_len:
        errors[name] = gettext("%(label)s不能超过%(max_len)s个字") % {"label": label, "max_len": max_len}
    return value


def _day(errors: dict[str, str], name: str, value: dt.date | None, label: str) -> dt.date:
    """A date that is given, within 1900–2100, and not in the future."""
    today = timezone.localdate()
    if value is None:
        errors[name] = gettext("请填写%(label)s") % {"label": label}
        return today
    if not bounds.date_in_range(value):
        errors[name] = gettext("%(label)s无法识别") % {"label": label}
        return today
    if value > today:
        errors[name] = gettext("%(label)s不能晚于今天") % {"label": label}
    return value


def _person_locked(actor: Actor | None, person_id: int | None) -> Person:
    """The person, in the actor's population scope (else the same 404 as a missing one)."""
    from gongzhi.people.models import Person

    person = Person.objects.select_related("household").filter(pk=person_id or 0).first()
    if person is None:
        raise NotFound(gettext("人员不存在"))
    if actor is not None:
        from gongzhi.core.scope import scope_of

        if not scope_of(actor).sees_population(person) or (
            not person.grid_code and not person.community_code
        ):
            raise NotFound(gettext("人员不存在"))
    return person
