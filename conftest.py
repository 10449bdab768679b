"""Test settings shared by every suite: fast password hashing, no real SMS, a clean scope cache."""

import pytest


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    # MD5 password hashing, captured SMS, uploads in the test's own folder (gongzhi.testing.worlds).
    from gongzhi.testing.worlds import per_test_settings

    for name, value in per_test_settings(tmp_path / "media").items():
        setattr(settings, name, value)
