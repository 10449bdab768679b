"""Every read of the population register goes through here, with the actor's scope applied."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from functools import reduce
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, F, Func, Q, QuerySet, TextField, Value
from django.utils.translation import gettext

from gongzhi.core import ids
from gongzhi.core.codes import place_chain
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import POPULATION_EDITORS, POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.people.models import Person, PopulationImport

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.places.models import Grid, Household

_LETTERS = re.compile(r"^[a-zA-Z]+$")


def search_q(q: str) -> Q:
    """Name, pinyin or initials, the last 4 digits of a phone, a full phone or an exact ID number."""
    return reduce(operator.or_, _search_alternatives(q), Q())


def _search_alternatives(q: str) -> list[Q]:
    """The conditions of ``search_q`` that it ORs (initials, pinyin), or the one condition; [] for none."""
    q = (q or "").strip()
    if not q:
        return []
    if q.isdigit() and len(q) == 4:
        return [Q(phone_last4=q)]
    if len(q) == 18 and q[:17].isdigit():
        try:
            return [Q(id_number_hash=ids.keyed_hash(ids.normalise_id_number(q)))]
        except ValidationFailed:
            return [Q(pk__in=[])]
    if q.isdigit() and len(q) == 11:
        return [Q(phone_hash=ids.keyed_hash(q))]
    if _LETTERS.match(q):
        low = q.lower()
        return [Q(name_initials__startswith=low), Q(name_pinyin__startswith=low)]
    return [Q(name__contains=q) & _name_index_q(q)]


def _name_index_q(q: str) -> Q:
    """PostgreSQL: a condition that a GIN index answers and that every name containing ``q`` meets; the
    LIKE beside it keeps the meaning. Two characters or more: the name holds each adjacent pair of ``q``
    (person_name_bigrams_gin, migration 0004, which leaves about the matches only). One character: the
    name holds it (person_name_chars_gin, migration 0003). Without either a 2-character query in a
    district of 840,000 persons read them all. Other databases: no condition.

    Expressions, not SQL text naming the table: in the page's subquery the table has another alias."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return Q()
    from django.contrib.postgres.fields import ArrayField
    from django.contrib.postgres.lookups import DataContains

    texts: ArrayField = ArrayField(TextField())
    if len(q) >= 2:
        return Q(
            DataContains(
                Func(F("name"), function="gongzhi_bigrams", output_field=texts),
                Func(Value(q), function="gongzhi_bigrams", output_field=texts),
            )
        )
    chars = Func(F("name"), Value(""), function="regexp_split_to_array", output_field=texts)
    return Q(DataContains(chars, Value([q], output_field=texts)))


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
    """The persons in the actor's scope, by id; with ``limit``, the page after ``after_id``.

    A search with a limit picks the page's ids first, in a subquery without the household join, one
    subquery per alternative of the search (initials, pinyin) united: each can then be answered by its
    own index, the initials' and pinyin's without the table for a district or city scope
    (person_initials_prefix_idx and person_pinyin_prefix_idx carry the id and the district), and only
    the page's rows are read and joined.
    Otherwise PostgreSQL ORs the two indexes into a bitmap, reads every match from the table and joins
    its household before sorting by id (7,750 persons for ``zhq`` in a city of 10 million, 166 ms)."""
    qs = Person.objects.filter(scope_of(actor).population_q())
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
    alternatives = _search_alternatives(q)
    if len(alternatives) > 1 and not _sliced_unions_supported():
        alternatives = [search_q(q)]  # SQLite: no LIMIT inside a UNION; one subquery with the OR
    if alternatives and limit:
        pages = [qs.filter(a).order_by("id").values_list("id", flat=True)[:limit] for a in alternatives]
        page_ids = pages[0].union(*pages[1:]) if len(pages) > 1 else pages[0]
        qs = Person.objects.filter(pk__in=page_ids)
    elif alternatives:
        qs = qs.filter(search_q(q))
    qs = qs.select_related("household").order_by("id")
    return qs[:limit] if limit else qs


def _sliced_unions_supported() -> bool:
    from django.db import connection

    return connection.features.supports_slicing_ordering_in_compound


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


def person_timeline_for_actor(*, actor: User, person_id: int, limit: int = 200) -> tuple[Person, list]:
    """The audit events of one person, once the person itself has been read with the actor's scope."""
    from gongzhi.audit.selectors import audit_timeline_for_target

    person = person_get_for_actor(actor=actor, person_id=person_id)
    return person, list(audit_timeline_for_target(actor=actor, target=person, limit=limit))


def household_with_members_get_for_actor(*, actor: User, household_id: int) -> tuple[Household, list[Person]]:
    """A household and its members (masked columns only are ever shown), within the actor's scope."""
    from gongzhi.places.selectors import household_get_for_actor as place_household

    household = place_household(actor=actor, household_id=household_id)
    return household, list(household_members(actor=actor, household_id=household.pk))


def person_get_for_editor(*, actor: User, person_id: int) -> Person:
    """A person the actor may change; one they may only view is a 404 like a missing one."""
    person = person_get_for_actor(actor=actor, person_id=person_id)
    if not allowed(actor, "people.change_person", person):
        raise NotFound()
    return person


def household_get_for_editor(*, actor: User, household_id: int) -> Household:
    """A household the actor may register persons in (a read-only role gets a 404)."""
    from gongzhi.places.selectors import household_get_for_actor as place_household

    household = place_household(actor=actor, household_id=household_id)
    if not allowed(actor, "people.add_person", household):
        raise NotFound()
    return household


def registration_grids_for_actor(*, actor: User, limit: int | None = None) -> QuerySet[Grid]:
    """The grids in which the actor may register a household: the grids in scope of an editing role."""
    from gongzhi.places.selectors import grid_list_for_actor

    qs = grid_list_for_actor(actor=actor).filter(scope_of(actor).place_q(POPULATION_EDITORS))
    return qs[:limit] if limit else qs


def registration_grid_get_for_actor(*, actor: User, grid_code: str) -> Grid:
    from gongzhi.places.selectors import grid_list_for_actor

    grid = (
        grid_list_for_actor(actor=actor)
        .filter(scope_of(actor).place_q(POPULATION_EDITORS), code=grid_code)
        .first()
    )
    if grid is None:
        raise NotFound(gettext("网格不存在或您无权在该网格登记住户"))
    return grid


def _import_q(actor: User) -> Q:
    scope = scope_of(actor)
    return Q(actor_id=actor.pk) | scope.place_q(POPULATION_ROLES)


def population_import_get_for_actor(*, actor: User, import_id: int) -> PopulationImport:
    """The uploader, and whoever's population scope covers the uploader's, may read an import."""
    record = PopulationImport.objects.filter(_import_q(actor), pk=import_id).first()
    if record is None:
        raise NotFound()
    return record


def population_import_list_for_actor(*, actor: User, limit: int = 20) -> QuerySet[PopulationImport]:
    return (
        PopulationImport.objects.filter(_import_q(actor))
        .select_related("actor")
        .defer("errors", "error_rows")
        .order_by("-id")[:limit]
    )


# --- counts --------------------------------------------------------------------------------------------


def person_counts_by_grid(*, grid_codes: list[str], actor: User | None = None) -> dict[str, int]:
    """Persons per grid code (grids with none left out); with an actor, only those in the actor's scope.

    The place tree and a grid's figures show it: people registers it with places
    (``places.selectors.grid_counter_register``, in its AppConfig.ready), since places sits below people.
    """
    qs = Person.objects.filter(grid_code__in=grid_codes)
    if actor is not None:
        scope = scope_of(actor)
        if scope.household_ids:
            qs = qs.filter(scope.population_q())
        elif not scope.superuser:
            # A person's place codes are its grid's chain, so the population scope is a choice of grids:
            # made here, the count reads the grid_code index alone (the home page of a district admin
            # went from 0.8 s to a few milliseconds on the demo district).
            covered = scope.codes(POPULATION_ROLES)
            levels = ("district", "subdistrict", "community", "grid")
            qs = Person.objects.filter(
                grid_code__in=[
                    g
                    for g in grid_codes
                    if any(c in covered[lvl] for lvl, c in zip(levels, place_chain(g), strict=False))
                ]
            )
    return dict(qs.values_list("grid_code").annotate(n=Count("id")).values_list("grid_code", "n"))


def person_total() -> int:
    """Every person of the register: an aggregate only (the public overview, the console home)."""
    return Person.objects.count()


# --- names to hide from public texts -------------------------------------------------------------------


class RegisteredName(NamedTuple):
    household_id: int | None
    community_code: str
    address: str
    user_id: int | None
    name: str


def registered_names(
    *, household_ids: Iterable[int], addresses: Iterable[tuple[str, str]], user_ids: Iterable[int]
) -> list[RegisteredName]:
    """The names the public must not read in a text about these places and people (for
    ``core.masking.mask_public_text``): the persons registered in the households, those registered at an
    address of a community (``(community_code, address)``, as a ticket filed by ``address_id`` stores it)
    and the persons of the given accounts (a resident who reported). No scope: the names never leave the
    server, they only say what to mask. One query."""
    hids = sorted({int(h) for h in household_ids if h})
    pairs = sorted({(c, a.strip()) for c, a in addresses if c and a and a.strip()})
    uids = sorted({int(u) for u in user_ids if u})
    q = Q(pk__in=[])
    if hids:
        q |= Q(household_id__in=hids)
    if pairs:
        q |= Q(community_code__in=sorted({c for c, _ in pairs}), household__address__in=[a for _, a in pairs])
    if uids:
        q |= Q(user_id__in=uids)
    if not (hids or pairs or uids):
        return []
    rows = Person.objects.filter(q).values_list(
        "household_id", "community_code", "household__address", "user_id", "name"
    )
    return [RegisteredName(h, c, a or "", u, n) for h, c, a, u, n in rows]
