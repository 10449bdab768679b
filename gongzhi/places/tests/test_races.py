"""One grid head per grid, with real threads at a barrier (gongzhi.testing.concurrency): two heads
added to the same grid at once, and a head added while another member is promoted to head."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.places.models import GridTeamMember
from gongzhi.places.services import grid_team_member_add, grid_team_member_update
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE = "一个网格只能有一名网格长"


def test_two_grid_heads_added_at_once_one_is_refused(district):
    g1, staff = district.grids["g1"], district.user("community_worker")
    results = race(
        lambda: grid_team_member_add(actor=staff, grid=g1, role="grid_head", name="王网格长"),
        lambda: grid_team_member_add(actor=staff, grid=g1, role="grid_head", name="李网格长"),
    )
    winner, _ = one_winner(results, message=MESSAGE)
    heads = list(GridTeamMember.objects.filter(grid=g1, role="grid_head").values_list("name", flat=True))
    assert heads == [winner.name]
    assert AuditEvent.objects.filter(event_type="places.team_member_added").count() == 1


def test_a_head_added_while_another_member_is_promoted(district):
    g1, staff = district.grids["g1"], district.user("community_worker")
    member = grid_team_member_add(actor=staff, grid=g1, role="grid_worker", name="赵网格员")
    results = race(
        lambda: grid_team_member_add(actor=staff, grid=g1, role="grid_head", name="王网格长"),
        lambda: grid_team_member_update(actor=staff, member_id=member.pk, role="grid_head"),
    )
    one_winner(results, message=MESSAGE)
    assert GridTeamMember.objects.filter(grid=g1, role="grid_head").count() == 1
    assert GridTeamMember.objects.filter(grid=g1).count() in (1, 2)


def test_the_same_household_address_entered_twice_at_once(district):
    from gongzhi.places.models import Building, Estate, Household
    from gongzhi.places.services import household_create

    g1, staff = district.grids["g1"], district.user("community_worker")

    def enter():
        return household_create(
            actor=staff, grid=g1, estate_name="银山新苑", building_number="9", entrance="1", door="101"
        )

    winner, _ = one_winner(race(enter, enter), message="网格内已有住户")
    assert list(Household.objects.filter(building__estate__name="银山新苑").values_list("pk", flat=True)) == [
        winner.pk
    ]
    assert Estate.objects.filter(name="银山新苑").count() == 1
    assert Building.objects.filter(grid=g1, estate__name="银山新苑", number="9").count() == 1
    for event in ("places.household_created", "places.estate_created", "places.building_created"):
        assert AuditEvent.objects.filter(event_type=event, actor=staff).count() == 1


@pytest.mark.parametrize("estate", ["银山新苑", ""])
def test_two_households_of_a_new_building_entered_at_once_share_one_building(district, estate):
    from gongzhi.places.models import Building, Estate, Household
    from gongzhi.places.services import household_create

    g1, staff = district.grids["g1"], district.user("community_worker")

    def enter(door):
        return lambda: household_create(
            actor=staff,
            grid=g1,
            estate_name=estate,
            building_number="9",
            entrance="1",
            door=door,
            address="" if estate else f"银山路9号楼1单元{door}室",
        )

    results = race(enter("101"), enter("102"))
    assert not any(isinstance(r, Exception) for r in results), results
    buildings = Building.objects.filter(grid=g1, number="9")
    assert buildings.count() == 1
    assert {h.building_id for h in results} == {buildings.get().pk}
    assert Household.objects.filter(building=buildings.get()).count() == 2
    assert Estate.objects.filter(name="银山新苑").count() == (1 if estate else 0)
    assert AuditEvent.objects.filter(event_type="places.building_created", actor=staff).count() == 1
    assert AuditEvent.objects.filter(event_type="places.household_created", actor=staff).count() == 2


def test_the_database_refuses_a_second_building_of_the_same_number_outside_any_estate(district):
    """The last word behind the lock: an estate-less building's empty estate is compared as 0 (NULLs never
    clash in a unique index)."""
    from django.db import IntegrityError, transaction

    from gongzhi.places.models import Building

    g1 = district.grids["g1"]
    Building.objects.create(grid=g1, number="99")
    with pytest.raises(IntegrityError), transaction.atomic():
        Building.objects.create(grid=g1, number="99")
    Building.objects.create(grid=district.grids["g2"], number="99")  # another grid may have its own
