"""make run's demo: the accounts at once, the rest built by the task worker through the same services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.accounts.models import User
from gongzhi.jobs.enums import JobStatus
from gongzhi.jobs.models import Job
from gongzhi.jobs.worker import work_once
from gongzhi.people.models import Person
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_demo_background_serves_accounts_first_and_the_worker_builds_the_rest(client):
    from gongzhi.tickets.taxonomy import ensure_default_categories

    # a transactional test before this one (same worker) emptied every table, migration 0002's taxonomy too
    ensure_default_categories()
    out = StringIO()
    call_command("seed_demo", "--scale", "0.01", "--seed", "7", "--background", stdout=out)
    assert "后台任务" in out.getvalue()
    assert User.objects.filter(username="admin").exists()
    assert not Person.objects.exists()  # the rest waits for the worker
    job = Job.objects.get(kind="demo.build")
    assert job.status == JobStatus.QUEUED and job.actor is None
    assert "gz-demo-building" in client.get("/console/login/").content.decode()

    work_once(worker_id="demo-test", schedule=False)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.rows_done == job.rows_total
    assert Person.objects.exists() and Ticket.objects.exists()
    assert "gz-demo-building" not in client.get("/console/login/").content.decode()
    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    assert "admin" in logins.getvalue() and "jumin" in call_command_json()


def call_command_json() -> str:
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    return out.getvalue()
