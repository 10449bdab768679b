import datetime as dt

import pytest

from gongzhi.core.bulk import insert_one, insert_rows
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


def test_insert_one_stores_what_the_orm_would_and_leaves_the_row_saved(district):
    from django.db import transaction

    from gongzhi.audit.models import AuditEvent

    household = district.households["g1"][0]
    fields = {
        "actor_id": district.user("grid_worker").pk,
        "actor_label": "网格员",
        "event_type": "test.compare",
        "target_type": "places.household",
        "target_id": str(household.pk),
        "target_label": "一户",
        "district_code": household.district_code,
        "grid_code": household.grid_code,
        "data": {"名": "值", "n": [1, 2.5, None], "ok": True},
    }
    with transaction.atomic():
        by_orm = AuditEvent.objects.create(**fields)
        fast = insert_one(AuditEvent(**fields))
    assert fast.pk is not None and fast.pk != by_orm.pk and not fast._state.adding
    a = dict(AuditEvent.objects.filter(pk=by_orm.pk).values().get())
    b = dict(AuditEvent.objects.filter(pk=fast.pk).values().get())
    assert getattr(b["created_at"], "tzinfo", None) is not None
    for key in ("id", "created_at"):
        a.pop(key), b.pop(key)
    assert a == b
    count = AuditEvent.objects.count()
    fast.target_label = "改过"
    fast.save(update_fields=["target_label"])  # an UPDATE of the same row, not a second insert
    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=fast.pk).target_label == "改过"


def _audit_fields(district, label: str) -> dict:
    household = district.households["g1"][0]
    return {
        "actor_id": district.user("grid_worker").pk,
        "actor_label": "网格员",
        "event_type": "test.batch",
        "target_type": "places.household",
        "target_id": str(household.pk),
        "target_label": label,
        "district_code": household.district_code,
        "grid_code": household.grid_code,
        "data": {"名": label, "n": [1, 2.5, None]},
    }


_RAW = (
    "INSERT INTO audit_auditevent (created_at, actor_label, event_type, target_type, target_id, target_label, "
    "district_code, subdistrict_code, community_code, grid_code, data) "
    "VALUES (%s, '', 'test.batch', 'x', '0', %s, '', '', '', '', '{}')"
)


def test_a_batch_writes_what_insert_one_would_and_is_one_statement_on_postgresql(district):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongzhi.audit.models import AuditEvent
    from gongzhi.core.bulk import Batch

    with transaction.atomic():
        by_orm = AuditEvent.objects.create(**_audit_fields(district, "甲"))
        batch = Batch()
        a, b = AuditEvent(**_audit_fields(district, "甲")), AuditEvent(**_audit_fields(district, "乙"))
        batch.insert(a)
        batch.execute(_RAW, [timezone.now(), "丙"])
        batch.insert(b)
        with CaptureQueriesContext(connection) as ctx:
            batch.run()
    assert len(ctx.captured_queries) == (1 if connection.vendor == "postgresql" else 3)
    assert a.pk and b.pk and len({a.pk, b.pk, by_orm.pk}) == 3 and not a._state.adding
    assert AuditEvent.objects.get(pk=b.pk).target_label == "乙"
    assert AuditEvent.objects.filter(event_type="test.batch", target_label="丙").count() == 1
    first = dict(AuditEvent.objects.filter(pk=by_orm.pk).values().get())
    second = dict(AuditEvent.objects.filter(pk=a.pk).values().get())
    for key in ("id", "created_at"):
        first.pop(key), second.pop(key)
    assert first == second
    batch.run()  # run empties it: nothing is written twice
    assert AuditEvent.objects.filter(event_type="test.batch").count() == 4


def test_a_failing_write_leaves_nothing_of_the_batch(district):
    from django.db import IntegrityError, transaction

    from gongzhi.audit.models import AuditEvent
    from gongzhi.core.bulk import Batch

    before = AuditEvent.objects.count()
    batch = Batch()
    batch.insert(AuditEvent(**_audit_fields(district, "甲")))
    batch.execute(_RAW, [None, "created_at is NOT NULL"])
    with pytest.raises(IntegrityError), transaction.atomic():
        batch.run()
    assert AuditEvent.objects.count() == before


def test_a_batch_takes_no_statement_with_its_own_with():
    from gongzhi.core.bulk import Batch

    with pytest.raises(ValueError):
        Batch().execute("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", [])
