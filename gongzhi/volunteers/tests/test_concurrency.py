"""Two residents taking the last place at once: one gets it, the other joins the waiting list.

Real threads, each with its own database connection, meeting at a barrier before they sign up. The
session row is locked (``select_for_update`` on PostgreSQL; IMMEDIATE transactions on SQLite), so the two
sign-ups run one after the other whatever the backend.

One difference is the test database's, not the service's: on SQLite the test database is in memory
with a shared cache, where a second writer is told "database table is locked" at once instead of
waiting for ``busy_timeout`` as it does on the WAL file used in production. The thread then tries its
whole (atomic, nothing written) sign-up again, which is what waiting would have done.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection

from gongzhi.volunteers.enums import SignUpStatus
from gongzhi.volunteers.models import ActivitySession, SignUp
from gongzhi.volunteers.services.activities import signup_create
from gongzhi.volunteers.tests.conftest import make_activity, resident_user


@pytest.mark.django_db(transaction=True)
def test_two_residents_race_for_the_last_place(district, team):
    session = make_activity(district, team, capacity=2).sessions.get()
    signup_create(actor=resident_user(district, "g1", 0), session_id=session.pk)  # one place left
    racers = [resident_user(district, "g1", 1), resident_user(district, "g1", 2)]
    barrier = threading.Barrier(len(racers))
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def race(user) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            for attempt in range(50):
                try:
                    results[user.pk] = signup_create(actor=user, session_id=session.pk).status
                    break
                except OperationalError as exc:
                    if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == 49:
                        raise
                    time.sleep(0.05)
        except BaseException as exc:  # reported below: a thread's exception would vanish otherwise
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=race, args=(u,)) for u in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results.values()) == [SignUpStatus.SIGNED_UP, SignUpStatus.WAITING]
    session = ActivitySession.objects.get(pk=session.pk)
    assert (session.signed_up_count, session.waiting_count) == (2, 1)
    assert SignUp.objects.filter(session=session, status=SignUpStatus.SIGNED_UP).count() == 2
    assert connection.vendor in {"postgresql", "sqlite"}
