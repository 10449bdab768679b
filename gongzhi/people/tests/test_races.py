"""One person per ID number, with real threads at a barrier (gongzhi.testing.concurrency): the same
身份证号 entered into two households at the same moment is registered once, the other entry refused."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.people.models import Person
from gongzhi.people.services import PersonInput, person_create
from gongzhi.testing import id_number_for
from gongzhi.testing.concurrency import one_winner, race

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


def test_a_household_registered_with_its_head_while_another_door_is_entered(district):
    """household_register locks the grid row and creates the household under the community's address lock;
    household_create takes the address lock and its household's foreign key then waits on the grid row.
    Both take the address lock first, so neither waits for the other in a circle (a deadlock, a 503)."""
    from gongzhi.people.services import household_register
    from gongzhi.places.models import Household
    from gongzhi.places.services import household_create

    g1, staff = district.grids["g1"], district.user("community_worker")
    estate = f"{g1.community.name}小区"
    results = race(
        lambda: household_register(
            actor=staff,
            grid_id=g1.pk,
            estate=estate,
            building="1",
            entrance="2",
            door="301",
            head=PersonInput(
                name="周户主", id_number=id_number_for(901), phone="13912348888", relation="head"
            ),
        ),
        lambda: household_create(
            actor=staff, grid=g1, estate_name=estate, building_number="1", entrance="2", door="302"
        ),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert Household.objects.filter(grid=g1, entrance="2").count() == 2
    assert AuditEvent.objects.filter(event_type="places.household_created", actor=staff).count() == 2
