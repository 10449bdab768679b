"""One person per ID number, with real threads at a barrier (gongzhi.testing_concurrency): the same
身份证号 entered into two households at the same moment is registered once, the other entry refused."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.people.models import Person
from gongzhi.people.services import PersonInput, person_create
from gongzhi.testing import id_number_for
from gongzhi.testing_concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_id_number_entered_twice_at_once(district):
    staff = district.user("community_worker")
    h1, h2 = district.households["g1"][0], district.households["g2"][0]
    number = id_number_for(900)

    def enter(household):
        return person_create(
            actor=staff,
            household_id=household.pk,
            data=PersonInput(name="孙新来", id_number=number, phone="13912349999", relation="other"),
        )

    winner, _ = one_winner(race(lambda: enter(h1), lambda: enter(h2)), message="该身份证号码已登记")
    assert list(Person.objects.filter(name="孙新来").values_list("pk", flat=True)) == [winner.pk]
    assert (
        AuditEvent.objects.filter(event_type="people.person_created", target_id=str(winner.pk)).count() == 1
    )
