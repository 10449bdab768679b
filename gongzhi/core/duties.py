"""Separation of duties: nobody decides on their own work.

A service that confirms, approves, verifies, accepts (as a decision on someone's submission), rejects,
signs, rates or otherwise decides asks ``refuse_own_work(actor, *people, what="…")`` once it knows who
the thing decided is about (its *subject*: the volunteer whose hours, the member whose service record or
registration, the claimant of a project, the user given a role) and who brought it about (its *author*:
who asked for the correction or the extension, who reported and who handled the ticket). When the actor
is one of them the service refuses with one error — a 403, code ``own_work``, a short Chinese message —
before it changes anything, so the console, the API and the tests recognise it the same way.

The system (actor ``None``: seed, management commands) is nobody's subject and passes. Superusers do not:
the rule is about the person, not the permission. ``gongzhi/core/tests/test_own_work.py`` lists every
deciding service with a case where the actor is the subject or the author, and fails on a new deciding
service that is neither listed there nor exempted with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden

OWN_WORK = "own_work"


def user_ids(*people: Any) -> set[int]:
    """The user ids among ``people``: users, user ids, iterables of them; ``None`` and blanks dropped."""
    out: set[int] = set()
    for p in people:
        if p is None or p == "":
            continue
        if isinstance(p, int):
            out.add(p)
        elif isinstance(p, Iterable) and not isinstance(p, str | bytes):
            out |= user_ids(*p)
        else:
            pk = getattr(p, "pk", None)
            if pk is not None:
                out.add(int(pk))
    return out


def is_own_work(actor: Any, *people: Any) -> bool:
    """Whether ``actor`` is one of ``people`` (the system, ``None``, never is)."""
    pk = getattr(actor, "pk", None)
    return pk is not None and int(pk) in user_ids(*people)


def own_work_error(what: str, *, row: int | None = None) -> Forbidden:
    """The one refusal: “不能确认本人的服务时长，应由他人办理”; in a batch, “第3条：不能…” (whole batch)."""
    message = gettext("不能%(what)s，应由他人办理") % {"what": gettext(what)}
    if row is None:
        return Forbidden(message, code=OWN_WORK)
    message = gettext("第%(row)s条：%(message)s") % {"row": row, "message": message}
    return Forbidden(message, code=OWN_WORK, fields={"rows": message})


def refuse_own_work(actor: Any, *people: Any, what: str) -> None:
    """Raise the 403 ``own_work`` when ``actor`` is the subject or an author of what is decided.

    ``people`` are users or user ids (or iterables of them) of the subject and the authors; ``what``
    completes “不能…”: ``what="确认本人的服务时长"``.
    """
    if is_own_work(actor, *people):
        raise own_work_error(what)
