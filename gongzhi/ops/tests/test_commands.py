"""The commands as an operator runs them: a separate process, its exit code and what it prints."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.slow
def test_command_errors_exit_nonzero_without_traceback(tmp_path):
    not_archive = tmp_path / "photo.tar.gz"
    not_archive.write_bytes(b"not a tar file")
    env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR), "GONGZHI_VAR_DIR": str(tmp_path / "var")}
    proc = subprocess.run(  # noqa: S603
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "restore", str(not_archive)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert "不是有效的备份文件" in proc.stderr
    assert "Traceback" not in proc.stderr
