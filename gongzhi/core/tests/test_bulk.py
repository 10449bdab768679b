import datetime as dt

from gongzhi.core.bulk import insert_rows
from gongzhi.people.models import Person


def test_insert_rows_stores_what_the_orm_would(district):
    household = district.households["g1"][0]
    template = district.persons["g1"][0]
    person = Person(
        household=household,
        name="批量",
        tags=["party_member", "veteran"],
        birth_date=dt.date(1960, 5, 4),
        id_number_masked=template.id_number_masked,
    )
    person.set_place_codes(grid_code=household.grid_code)
    assert insert_rows(Person, [person]) == 1
    stored = Person.objects.get(name="批量")
    assert stored.tags == ["party_member", "veteran"]
    assert stored.birth_date == dt.date(1960, 5, 4)
    assert stored.created_at is not None and stored.created_at.tzinfo is not None
    assert stored.grid_code == household.grid_code
    # the people selector's tag filter finds it, whichever database runs it
    from gongzhi.people.selectors import person_list_for_actor

    found = person_list_for_actor(actor=district.user("district_admin"), tag="veteran")
    assert stored.pk in {p.pk for p in found}
