"""Fixtures shared by every app's tests: a small district built through the real services."""

from __future__ import annotations

import pytest

from gongzhi.testing import SmallDistrict, build_small_district


@pytest.fixture
def district(db) -> SmallDistrict:
    return build_small_district()


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()
