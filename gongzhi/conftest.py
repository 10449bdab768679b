"""Fixtures shared by every app's tests: a small district built through the real services."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from gongzhi.testing import SmallDistrict, build_small_district
from gongzhi.testing.worlds import shared_world


@pytest.fixture(scope="module")
def _module_district(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SmallDistrict]:
    """The small district of a test module, built once (gongzhi.testing.worlds.uses_shared_district)."""
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("district-media")):
        yield build_small_district()


@pytest.fixture
def district(request, db) -> SmallDistrict:
    """A small district of the test's own: the module's one in a savepoint that is rolled back after the
    test (a copy of its Python objects, so nothing one test changes on them reaches the next), or, for a
    transactional test, built afresh."""
    if "_module_district" in request.fixturenames:
        return copy.deepcopy(request.getfixturevalue("_module_district"))
    return build_small_district()


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole browser suite; Playwright is imported only by the tests that need it."""
    import os

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from gongzhi.testing.browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _workday_calendar_fresh():
    """The working-day calendar caches the holiday table per process; a test's rolled-back table must
    not leak into the next test."""
    from gongzhi.workdays.calendar import cache_clear

    cache_clear()
    yield
    cache_clear()


@pytest.fixture(autouse=True)
def _process_caches_fresh():
    """The grid locator and the category cache live per process; a rolled-back test's grids or
    categories must not answer in the next test."""
    from gongzhi.places.geo import forget_locator
    from gongzhi.routing.selectors import forget_model
    from gongzhi.tickets.services.intake import forget_categories

    forget_locator()
    forget_categories()
    forget_model()
    yield
    forget_locator()
    forget_categories()
    forget_model()


@pytest.fixture(autouse=True)
def _cache_clear():
    """Rate-limit counters (gongzhi.core.ratelimit) live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
