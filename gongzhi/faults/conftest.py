"""One throwaway cluster and one gunicorn for the fault tests of this folder (marker ``faults``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongzhi.faults.harness import Cluster, Gunicorn, running

PG_PORT = int(os.environ.get("FAULTS_PG_PORT", 55432))
HTTP_PORT = int(os.environ.get("FAULTS_HTTP_PORT", 18700))


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[Cluster, Gunicorn, str]]:
    # Not pytest's tmp_path: its parent is private to root, and the cluster runs as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="gongzhi-faults-"))
    try:
        with running(root, pg_port=PG_PORT, http_port=HTTP_PORT) as s:
            yield s
    finally:
        for name in ("gunicorn.log", "postgres.log"):
            log = root / name
            if log.exists():  # shown by pytest when a test failed
                print(
                    f"--- {name} (last lines) ---\n"
                    + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
                )
        shutil.rmtree(root, ignore_errors=True)
