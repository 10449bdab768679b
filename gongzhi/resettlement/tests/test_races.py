"""Thirty desks enter the same flat for the household whose turn it is, at the same moment, with real
threads at a barrier (gongzhi.testing.concurrency): one wins, the other 29 are a Chinese 409 (the
household row is locked, the unit taken by a conditional UPDATE … WHERE household IS NULL). On
PostgreSQL (``make test-postgres``); SQLite serialises writers and is covered by test_allocation."""

from __future__ import annotations

import pytest
from django.db import connection

from gongzhi.audit.models import AuditEvent
from gongzhi.resettlement.models import EligibleHousehold, HousingUnit
from gongzhi.resettlement.services.allocation import unit_choose
from gongzhi.resettlement.tests.factories import drawn_project
from gongzhi.testing.concurrency import one_winner, race

POSTGRES = connection.vendor == "postgresql"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not POSTGRES, reason="PostgreSQL: the suite runs on it with make test-postgres"),
]


def test_thirty_choices_of_the_same_flat_one_winner(district):
    project = drawn_project(district)
    first = EligibleHousehold.objects.get(project=project, draw_position=1)
    flat = HousingUnit.objects.get(project=project, number="1-1-101")
    desks = [
        district.user(k)
        for k in ("district_admin", "subdistrict_staff", "community_worker", "community_secretary")
    ]

    def pick(i: int):
        return lambda: unit_choose(actor=desks[i % len(desks)], household_id=first.pk, unit_id=flat.pk)

    winner, _refusal = one_winner(race(*[pick(i) for i in range(30)]), message="已被选定", status=409)
    assert [u.number for u in winner] == ["1-1-101"]
    assert HousingUnit.objects.get(pk=flat.pk).household_id == first.pk
    assert HousingUnit.objects.filter(household=first).count() == 1
    assert AuditEvent.objects.filter(event_type="resettlement.unit_chosen").count() == 1
