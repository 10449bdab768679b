"""Fixtures for the ticket tests."""

from __future__ import annotations

import pytest


def ensure_taxonomy() -> None:
    """The default categories, the way data migration 0002 writes them (idempotent)."""
    from gongzhi.tickets.models import Category
    from gongzhi.tickets.taxonomy import default_categories

    by_code: dict[str, Category] = {}
    for row in default_categories():
        parent_code = row.pop("parent")
        parent = by_code.get(parent_code) if parent_code else None
        obj, _ = Category.objects.get_or_create(code=row["code"], defaults={**row, "parent": parent})
        by_code[obj.code] = obj


@pytest.fixture(autouse=True)
def _default_taxonomy(request):
    """A transactional test (the browser journeys) may run on a database that an earlier transactional
    test flushed, taking the categories of the data migration with it: put them back."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    ensure_taxonomy()
