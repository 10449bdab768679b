"""One deployment (primary, replica, PgBouncer, Redis, two web nodes, task workers) for the cluster test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongzhi.cluster.harness import Deployment, Timeline, deployed
from gongzhi.faults.harness import REPO


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    root = Path(os.environ.get("CLUSTER_DIR", REPO / "var" / "cluster")).resolve()
    timeline = Timeline()
    try:
        with deployed(root, timeline) as d:
            yield d
    finally:
        print("\n=== cluster timeline ===\n" + timeline.render(), flush=True)
        for name in ("node_a.log", "node_b.log", "worker_0.log", "pgbouncer/pgbouncer.log"):
            log = root / name
            if log.exists() and log.stat().st_size:
                tail = log.read_text(errors="replace").splitlines()[-25:]
                print(f"--- {name} (last lines) ---\n" + "\n".join(tail), flush=True)
