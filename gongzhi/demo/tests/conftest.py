"""One demo district (scale 0.01, seed 7) per test run, shared by the demo tests.

Seeding is the slow part (about 25 s of CPU: the seeder writes through the services, audited), and
every demo test reads the same district, so it is seeded once per package inside a transaction that is
rolled back when the package's tests are done (on PostgreSQL: committed, then flushed and the rows from
before reloaded; gongzhi.testing.worlds). Each test runs in its own
savepoint (``db``), so what one test writes is gone before the next. Under ``--dist loadgroup`` (the
Makefile's) the package's tests run on one xdist worker (gongzhi.testing.scheduling): seeded once per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.testing.worlds import shared_world


@pytest.fixture(scope="package")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo district, seeded by ``seed_demo --scale 0.01 --seed 7``; yields the command's output."""
    media = tmp_path_factory.mktemp("demo-media")
    # Committed on PostgreSQL: in one transaction the seeding overflows its lock table (gongzhi.testing.worlds).
    with shared_world(django_db_blocker, media, committed_on_postgresql=True):
        from gongzhi.tickets.taxonomy import ensure_default_categories

        # A transactional test that ran before on this worker flushed every table, the ticket categories
        # of migration 0002 too: put them back, as build_small_district does.
        ensure_default_categories()
        out = StringIO()
        call_command("seed_demo", "--scale", "0.01", "--seed", "7", stdout=out)
        yield out.getvalue()


@pytest.fixture
def demo(demo_world, db) -> str:
    """The shared demo district, in this test's own savepoint."""
    return demo_world
