"""The data migrations' categories and questions, put back where a flush took them (gongzhi.testing.reference):
what lets any test on a worker come after a transactional one."""

from __future__ import annotations

import pytest

from gongzhi.testing.reference import PROBE_CODE, put_back_if_missing
from gongzhi.tickets.models import Category
from gongzhi.tickets.taxonomy import default_categories

pytestmark = pytest.mark.django_db(transaction=True)


def test_categories_and_questions_gone_are_put_back_once():
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    assert put_back_if_missing() is True
    assert Category.objects.count() == len(default_categories())
    assert Category.objects.get(code=PROBE_CODE).questions, "the questions of open311 0002 come back too"
    assert put_back_if_missing() is False  # present: nothing to do


def test_an_edited_category_is_left_as_edited():
    Category.objects.filter(code=PROBE_CODE).update(questions=[])
    Category.objects.filter(code="101018").update(name="路灯（改）")
    assert put_back_if_missing() is True
    assert Category.objects.get(code="101018").name == "路灯（改）"
    assert Category.objects.get(code=PROBE_CODE).questions
