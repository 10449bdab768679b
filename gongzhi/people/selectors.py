"""Every read of the population register goes through here, with the actor's scope applied."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.accounts.scope import scope_of
from gongzhi.core import ids
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.people.models import Person

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

_LETTERS = re.compile(r"^[a-zA-Z]+$")


def search_q(q: str) -> Q:
    """Name, pinyin or initials, the last 4 digits of a phone, a full phone or an exact ID number."""
    q = (q or "").strip()
    if not q:
        return Q()
    if q.isdigit() and len(q) == 4:
        return Q(phone_last4=q)
    if len(q) == 18 and q[:17].isdigit():
        try:
            return Q(id_number_hash=ids.keyed_hash(ids.normalise_id_number(q)))
        except ValidationFailed:
            return Q(pk__in=[])
    if q.isdigit() and len(q) == 11:
        return Q(phone_hash=ids.keyed_hash(q))
    if _LETTERS.match(q):
        low = q.lower()
        return Q(name_initials__startswith=low) | Q(name_pinyin__startswith=low)
    return Q(name__contains=q)


def person_list_for_actor(
    *,
    actor: User,
    q: str = "",
    grid_code: str = "",
    community_code: str = "",
    household_id: int | None = None,
    tag: str = "",
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[Person]:
    qs = Person.objects.filter(scope_of(actor).population_q()).filter(search_q(q))
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if household_id:
        qs = qs.filter(household_id=household_id)
    if tag:
        qs = (
            qs.filter(tags__contains=[tag])
            if _json_contains_supported()
            else qs.filter(tags__icontains=f'"{tag}"')
        )
    if after_id:
        qs = qs.filter(id__gt=after_id)
    qs = qs.select_related("household").order_by("id")
    return qs[:limit] if limit else qs


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def person_get_for_actor(*, actor: User, person_id: int) -> Person:
    person = (
        Person.objects.filter(scope_of(actor).population_q(), pk=person_id)
        .select_related("household")
        .first()
    )
    if person is None:
        raise NotFound()
    return person


def household_members(*, actor: User, household_id: int) -> QuerySet[Person]:
    return person_list_for_actor(actor=actor, household_id=household_id)
