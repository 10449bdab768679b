"""Who may read and change the population register, as rules predicates named "people.<verb>_<model>".

The services, the console views, the API and the templates ask these names (``core.permissions.allowed``
/ ``require``, ``user.has_perm``); the system (``actor=None``) may do anything.
"""

import rules

from gongzhi.core.permissions import holds
from gongzhi.core.roles import POPULATION_EDITORS
from gongzhi.core.scope import scope_of


@rules.predicate
def in_population_scope(user, person) -> bool:
    if person is None:
        return False
    return scope_of(user).sees_population(person)


@rules.predicate
def can_edit(user, obj) -> bool:
    return obj is not None and scope_of(user).can_edit_population(obj)


@rules.predicate
def can_reveal(user, obj) -> bool:
    return obj is not None and scope_of(user).can_reveal(obj)


@rules.predicate
def is_own_person(user, person) -> bool:
    return person is not None and user is not None and getattr(person, "user_id", None) == user.pk


# Read a person (or a household): a population role over its place, or the resident's own household.
rules.add_perm("people.view_person", in_population_scope)
# Change a person: a population editor over its place.
rules.add_perm("people.change_person", can_edit)
# Register a person in a household (the object: the household): a population editor over its place.
rules.add_perm("people.add_person", can_edit)
# See a full ID or phone number (audited): a reveal role over the person's place, or the person themself.
rules.add_perm("people.reveal_person", can_reveal | rules.is_superuser | is_own_person)
# Register households and import the register (place-free pages): whoever holds an editing role.
rules.add_perm("people.add_household", holds(POPULATION_EDITORS))
