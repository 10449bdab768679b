"""The reference rows the data migrations write (the ticket categories and their Open311 questions), put
back where a test found them gone.

A transactional test (``transaction=True``, a live server) ends with a flush of every table, taking the
rows of the data migrations with it, and under xdist a worker's next test may need them (CI once failed
three tests that way). Before each test that uses the database, and before a shared world opens its
transaction, the root conftest checks that the rows are there (one query) and puts back what is missing,
outside any transaction that would roll them back again.
"""

from __future__ import annotations

import importlib

# A category of the data migration that carries questions of open311's: both rows present, or put back.
PROBE_CODE = "201001"


def put_back() -> None:
    """The categories as data migration tickets 0002 writes them and the questions of open311 0002
    (both idempotent: rows that exist are left as they are)."""
    from gongzhi.tickets.models import Category
    from gongzhi.tickets.taxonomy import ensure_default_categories

    ensure_default_categories()
    questions = importlib.import_module("gongzhi.open311.migrations.0002_default_questions").QUESTIONS
    for code, qs in questions.items():
        Category.objects.filter(code=code, questions=[]).update(questions=qs)


def put_back_if_missing() -> bool:
    """Put the rows back if they are gone, unless inside a transaction (a shared world's), where they
    would be rolled back with it (the world puts them back before it opens its transaction). Returns
    whether it did."""
    from django.db import connection

    from gongzhi.tickets.models import Category

    if connection.in_atomic_block:
        return False
    if Category.objects.filter(code=PROBE_CODE).exclude(questions=[]).exists():
        return False
    put_back()
    return True
