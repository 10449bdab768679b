"""Fixtures for the Open311 tests."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture(autouse=True)
def _default_questions(request):
    """A transactional test (live_server) starts from a flushed database, where the shipped categories are
    put back without the questions of the data migration 0002: put those back too, as it writes them."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("district")  # the small district restores the categories themselves
    from gongzhi.tickets.models import Category

    questions = importlib.import_module("gongzhi.open311.migrations.0002_default_questions").QUESTIONS
    for code, qs in questions.items():
        Category.objects.filter(code=code, questions=[]).update(questions=qs)
