"""One type for every app's table of allowed moves, and the one ``check_move`` that enforces it.

An app's ``transitions.py`` declares its workflows as data::

    REGISTRATION = Workflow(
        subject="报到申请",
        states=RegistrationStatus,
        moves={"accept": {S.SUBMITTED: S.ACCEPTED}, "return": {S.SUBMITTED: S.RETURNED}},
        verbs={"accept": "接收", "return": "退回"},
    )

and its services ask ``check_move(REGISTRATION, "accept", registration.status)``, which returns the state
after the move or raises the one ``Conflict`` (HTTP 409, code ``illegal_transition``) with a Chinese
message: “报到申请当前状态为“已接收”，不能退回”. Nothing else decides which moves are allowed.

A move is named by a verb ("accept", "verify_pass") when the app names its moves, or by the target state
when a status simply changes from one value to another (``Workflow.from_pairs``); either way a move maps
each state it may start from to the state it leads to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from gongzhi.core.errors import Conflict


@dataclass(frozen=True)
class Workflow:
    """States, allowed moves (move → {from state: to state}) and the Chinese words for each move."""

    subject: str
    states: Any  # a TextChoices class: states(value).label is the Chinese name of a state
    moves: Mapping[str, Mapping[str, str]]
    verbs: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = set(self.states.values)
        for move, table in self.moves.items():
            for old, new in table.items():
                if old not in known or new not in known:
                    raise ValueError(f"{self.subject}: move {move!r} names an unknown state ({old}→{new})")
        stray = set(self.verbs) - set(self.moves)
        if stray:
            raise ValueError(f"{self.subject}: verbs for moves that do not exist: {sorted(stray)}")

    @classmethod
    def from_pairs(
        cls,
        *,
        subject: str,
        states: Any,
        allowed: Mapping[str, Iterable[str]],
        verbs: Mapping[str, str] | None = None,
    ) -> Workflow:
        """A workflow whose moves are named by their target state: ``allowed`` maps each state to the
        states it may change to."""
        moves: dict[str, dict[str, str]] = {}
        for old, targets in allowed.items():
            for new in targets:
                moves.setdefault(str(new), {})[str(old)] = str(new)
        return cls(subject=subject, states=states, moves=moves, verbs=dict(verbs or {}))

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return str(state)

    def verb(self, move: str) -> str:
        if move in self.verbs:
            return gettext(self.verbs[move])
        if move in set(self.states.values):
            return gettext("改为“%(state)s”") % {"state": self.label(move)}
        return gettext("执行此操作")

    def target(self, move: str, state: str) -> str | None:
        """The state after ``move`` from ``state``, or None when the move is not allowed there."""
        return self.moves.get(move, {}).get(state)

    def can(self, move: str, state: str) -> bool:
        return self.target(move, state) is not None

    def allowed(self, state: str) -> list[str]:
        """The moves that may start from ``state``, in the table's order."""
        return [move for move, table in self.moves.items() if state in table]

    def successors(self, state: str) -> frozenset[str]:
        """Every state reachable from ``state`` in one move."""
        return frozenset(table[state] for table in self.moves.values() if state in table)

    def terminal(self, state: str) -> bool:
        return not self.allowed(state)


def check_move(workflow: Workflow, move: str, state: str) -> str:
    """The state after ``move`` from ``state``; a 409 with a Chinese message when it is not allowed."""
    target = workflow.target(move, state)
    if target is None:
        raise Conflict(
            gettext("%(subject)s当前状态为“%(state)s”，不能%(verb)s")
            % {
                "subject": gettext(workflow.subject),
                "state": workflow.label(state),
                "verb": workflow.verb(move),
            },
            code="illegal_transition",
            extra={"status": str(state), "move": move},
        )
    return target
