"""Two units claiming one project at once: one gets it, the other is refused in Chinese.

Real threads, each with its own connection, meeting at a barrier. The project row is locked
(``select_for_update``) so the second claim sees the first. On SQLite the in-memory test database
says "database table is locked" instead of waiting; the thread then retries its whole (atomic,
nothing written) claim, which is what waiting would have done.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection

from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.enums import ProviderKind
from gongzhi.cobuild.models import Project
from gongzhi.cobuild.services.projects import project_claim, project_create
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.core.errors import Conflict


@pytest.mark.django_db(transaction=True)
def test_two_claims_at_once_one_wins(district):
    d = district
    units = [make_unit(d, name="济阳区人民医院"), make_unit(d, name="济阳区实验中学")]
    need = make_need(d)
    res = make_resource(d, units[0])
    staff = d.user("community_worker")
    project = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk])
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def claim(unit) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            for attempt in range(50):
                try:
                    project_claim(
                        actor=staff,
                        project_id=project.pk,
                        claimant_kind=ProviderKind.UNIT,
                        claimant_id=unit.pk,
                    )
                    results[unit.pk] = "claimed"
                    break
                except Conflict as exc:
                    results[unit.pk] = exc.message
                    break
                except OperationalError as exc:
                    if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == 49:
                        raise
                    time.sleep(0.05)
        except BaseException as exc:
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in units]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    project = Project.objects.get(pk=project.pk)
    winner = next(u for u in units if u.pk == project.claimant_unit_id)
    loser = next(u for u in units if u.pk != winner.pk)
    assert results[winner.pk] == "claimed"
    assert results[loser.pk] == f"该项目已由“{winner.name}”认领，不能重复认领"
    assert AuditEvent.objects.filter(event_type="cobuild.project_claimed").count() == 1
