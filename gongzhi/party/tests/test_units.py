from __future__ import annotations

import pytest
from stdnum.cn import uscc as cn_uscc

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.party.models import Unit
from gongzhi.party.services import registration as reg


def make_uscc(n: int) -> str:
    body = f"91370115MA{n:07d}"
    return body + cn_uscc.calc_check_digit(body)


def register(district, actor=None, n=1, **kw):
    args = {
        "actor": actor or district.user("community_worker"),
        "community_id": district.communities["A1"].pk,
        "name": f"济阳第{n}中学",
        "uscc": make_uscc(n),
        "kind": "school",
        "address": "银山路1号",
        "party_org_name": f"济阳第{n}中学党支部",
        "paired_grid_code": district.grids["g1"].code,
    }
    args.update(kw)
    return reg.unit_register(**args)


def test_register_unit_audited(district):
    unit = register(district)
    assert unit.community_code == district.communities["A1"].code
    assert unit.paired_grid == district.grids["g1"]
    assert AuditEvent.objects.filter(event_type="party.unit_registered", target_id=str(unit.pk)).count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91370115MA0000001X", "校验位"),
        ("9137011", "18位"),
        ("", "请填写"),
    ],
)
def test_invalid_uscc_is_a_chinese_field_message(district, value, message):
    if value.startswith("913") and len(value) == 18:
        assert cn_uscc.calc_check_digit(value[:17]) != value[17]
    with pytest.raises(ValidationFailed) as exc:
        register(district, uscc=value)
    assert message in exc.value.fields["uscc"]
    assert not Unit.objects.exists()


def test_uscc_unique(district):
    register(district)
    with pytest.raises(ApplicationError) as exc:
        register(district, name="另一家")
    assert exc.value.message == "该统一社会信用代码已登记"
    assert exc.value.status == 409
    assert Unit.objects.count() == 1


def test_paired_grid_must_be_in_community(district):
    with pytest.raises(ValidationFailed) as exc:
        register(district, paired_grid_code=district.grids["g3"].code)
    assert "不属于" in exc.value.fields["paired_grid_code"]
    assert not Unit.objects.exists()


@pytest.mark.parametrize(
    "key", ["grid_worker", "unit_liaison", "party_member", "resident", "subdistrict_staff"]
)
def test_only_community_staff_or_admin_register(district, key):
    with pytest.raises(NotFound):
        register(district, actor=district.user(key))


def test_other_community_staff_cannot_register(district):
    with pytest.raises(NotFound):
        register(district, community_id=district.communities["B1"].pk, paired_grid_code=None)


def test_admin_and_secretary_register(district):
    register(district, actor=district.user("district_admin"), n=1)
    register(district, actor=district.user("community_secretary"), n=2)
    assert Unit.objects.count() == 2


def test_liaison_created_and_scoped(district):
    unit = register(district, liaison_username="unit-yz1", liaison_display_name="王联络")
    assert unit.liaison.username == "unit-yz1"
    s = scope_of(unit.liaison)
    assert s.has_role(Role.UNIT_LIAISON)
    assert s.places == ((Role.UNIT_LIAISON, "community", district.communities["A1"].code),)


def test_existing_liaison_linked_staff_refused(district):
    unit = register(district, liaison_username="unit_liaison")
    assert unit.liaison == district.user("unit_liaison")
    with pytest.raises(ValidationFailed):
        register(district, n=2, liaison_username="grid_worker")
    assert Unit.objects.count() == 1


def test_update_pair_unpair(district):
    unit = register(district)
    actor = district.user("community_worker")
    reg.unit_update(actor=actor, unit_id=unit.pk, name="新名称", address="新地址")
    reg.unit_pair_grid(actor=actor, unit_id=unit.pk, grid_code=district.grids["g2"].code)
    unit.refresh_from_db()
    assert (unit.name, unit.paired_grid) == ("新名称", district.grids["g2"])
    reg.unit_unpair_grid(actor=actor, unit_id=unit.pk)
    unit.refresh_from_db()
    assert unit.paired_grid is None
    events = list(
        AuditEvent.objects.filter(target_id=str(unit.pk), target_type="party.unit").values_list(
            "event_type", flat=True
        )
    )
    assert events.count("party.unit_updated") == 1
    assert "party.unit_paired" in events and "party.unit_unpaired" in events
    with pytest.raises(ValidationFailed):
        reg.unit_pair_grid(actor=actor, unit_id=unit.pk, grid_code=district.grids["g4"].code)
    with pytest.raises(NotFound):
        reg.unit_update(actor=district.user("grid_worker"), unit_id=unit.pk, name="x")


def test_bulk_register(district):
    units = [
        reg.UnitInput(f"单位{i}", make_uscc(100 + i), "company", paired_grid_code=district.grids["g1"].code)
        for i in range(5)
    ]
    created = reg.units_bulk_register(actor=None, community_id=district.communities["A1"].pk, units=units)
    assert len(created) == 5
    assert AuditEvent.objects.filter(event_type="party.units_imported").count() == 1


def test_units_page_lists_units_with_and_without_a_liaison(district, client):
    register(district, n=1)
    register(district, n=2, liaison_username="")  # no liaison yet: the page must still render
    client.force_login(district.user("community_worker"))
    page = client.get("/console/party/units/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "济阳第1中学" in text and "济阳第2中学" in text
