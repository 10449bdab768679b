"""xdist scheduling that keeps a shared world's tests on one worker (``--dist loadgroup``, as the Makefile runs).

A package-scoped world (gongzhi/demo/tests/conftest.py: the demo district, about 25 s of CPU to seed) is
built once per worker that runs any of its tests, and again whenever that worker's tests leave the package
and come back. So the package's tests go to one worker as one unit of work: the world is built once per run.

xdist's own ``--dist loadgroup`` would not do: it reads an ``xdist_group`` mark through a suffix it writes
into each test's node id, which pytest 9.2 no longer takes (pytest-dev/pytest-xdist#1386), so the marks
are ignored; and it schedules by node id, so the 140 Schemathesis items of test_api_fuzz.py, which share
one node id, would not all be run. So under ``--dist loadgroup`` this scheduler is ``--dist load`` (items
by index, in chunks) except that a chunk never ends inside a group: a group's tests, consecutive in the
collection, go to one worker in one batch. The groups are named here by folder.
"""

from __future__ import annotations

import pytest
from xdist.scheduler.load import LoadScheduling

# Folder (relative to the root, as in node ids) → the group its tests run in, on one worker.
GROUPS = {
    "gongzhi/demo/tests/": "demo",
}


def group_of(nodeid: str) -> str | None:
    return next((group for folder, group in GROUPS.items() if nodeid.startswith(folder)), None)


class SharedWorldScheduling(LoadScheduling):
    def _send_tests(self, node, num: int) -> None:
        # Stretch the chunk until it does not cut a group in two.
        while 0 < num < len(self.pending) and self._same_group(self.pending[num - 1], self.pending[num]):
            num += 1
        super()._send_tests(node, num)

    def _same_group(self, a: int, b: int) -> bool:
        assert self.collection is not None
        group = group_of(self.collection[a])
        return group is not None and group == group_of(self.collection[b])


class SharedWorldScheduler:
    """The plugin (registered by the root conftest.py when xdist is active)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") == "loadgroup":
            return SharedWorldScheduling(config, log)
        return None
