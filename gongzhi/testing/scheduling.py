"""xdist scheduling that keeps a shared world's tests on one worker (``--dist loadgroup``, as the Makefile runs).

A package-scoped world (gongzhi/demo/tests/conftest.py: the demo district, about 25 s of CPU to seed) is
built once per worker that runs any of its tests, and again whenever that worker's tests leave the package
and come back. So the package's tests go to one worker as one unit of work: the world is built once per run.

xdist's own ``--dist loadgroup`` reads an ``xdist_group`` mark through a suffix it writes into each test's
node id, which pytest 9.2 no longer takes (pytest-dev/pytest-xdist#1386): the marks are ignored and the
tests spread over the workers. So the groups are named here by path instead; every other test is its
own unit, as under ``--dist load``.
"""

from __future__ import annotations

import pytest
from xdist.scheduler.loadgroup import LoadGroupScheduling

# Folder (relative to the root, as in node ids) → the group its tests run in, on one worker.
GROUPS = {
    "gongzhi/demo/tests/": "demo",
}


def group_of(nodeid: str) -> str | None:
    return next((group for folder, group in GROUPS.items() if nodeid.startswith(folder)), None)


class SharedWorldScheduling(LoadGroupScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid) or super()._split_scope(nodeid)


class SharedWorldScheduler:
    """The plugin (registered by the root conftest.py when xdist is active)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") == "loadgroup":
            return SharedWorldScheduling(config, log)
        return None
