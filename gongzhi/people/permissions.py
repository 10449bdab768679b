"""Object permissions as rules predicates, named "<app>.<verb>_<model>"."""

import rules

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


rules.add_perm("people.view_person", in_population_scope)
rules.add_perm("people.change_person", can_edit)
rules.add_perm("people.reveal_person", can_reveal | rules.is_superuser)
