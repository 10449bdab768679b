"""Two (or more) calls at the same moment, for the "only one may win" tests.

Each call runs in its own thread, so on its own database connection, and the threads are released
together by a barrier. The test database is a file (SQLite WAL, IMMEDIATE transactions, busy_timeout) or
PostgreSQL, so the second writer really waits for the first — see gongzhi/conftest.py and
docs/reliability.md. Use with ``@pytest.mark.django_db(transaction=True)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from gongzhi.core.errors import ApplicationError


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Runs the calls in threads released together; returns each one's result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # the loser's refusal is the point of the test
            results[i] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racer did not finish"
    return results


def one_winner(results: list[Any], *, message: str, status: int = 409) -> tuple[Any, ApplicationError]:
    """Exactly one result is a success and the others are the same refusal: ``status`` with a Chinese
    ``message`` (a substring). Returns (the winner's result, the first refusal)."""
    errors = [r for r in results if isinstance(r, BaseException)]
    wins = [r for r in results if not isinstance(r, BaseException)]
    assert len(wins) == 1, results
    refusals: list[ApplicationError] = []
    for err in errors:
        assert isinstance(err, ApplicationError), repr(err)
        assert err.status == status, (err.status, err.message)
        assert message in err.message, err.message
        refusals.append(err)
    assert refusals, results
    return wins[0], refusals[0]
