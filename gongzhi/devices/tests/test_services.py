"""The registry and platform services: scope, validation in Chinese, the retire move, the bulk path, the
admin-only platforms, keys and route table; the list's query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden
from gongzhi.devices.models import Device
from gongzhi.devices.selectors import device_list_for_actor
from gongzhi.devices.services.platforms import event_route_set, platform_create, platform_key_issue
from gongzhi.devices.services.registry import (
    DeviceInput,
    device_register,
    device_retire,
    devices_register_bulk,
)
from gongzhi.devices.tests.factories import device

pytestmark = pytest.mark.django_db


def test_register_checks_the_place_and_the_fields(district):
    cw = district.user("community_worker")  # 银山社区 (A1)
    with pytest.raises(Forbidden):
        device_register(
            actor=cw,
            data=DeviceInput(code="X-1", name="摄像头", kind="camera", grid_code=district.grids["g4"].code),
        )
    with pytest.raises(ApplicationError) as exc:
        device_register(
            actor=cw,
            data=DeviceInput(code="X 1", name="摄像头", kind="camera", grid_code=district.grids["g1"].code),
        )
    assert "空格" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        device_register(
            actor=cw,
            data=DeviceInput(code="X-1", name="", kind="camera", grid_code=district.grids["g1"].code),
        )
    assert exc.value.fields == {"name": "请填写设备名称"}
    with pytest.raises(ApplicationError) as exc:
        device_register(
            actor=cw,
            data=DeviceInput(code="X-1", name="摄像头", kind="tv", grid_code=district.grids["g1"].code),
        )
    assert "设备类型" in exc.value.message
    d = device_register(
        actor=cw,
        data=DeviceInput(code="X-1", name="摄像头", kind="camera", grid_code=district.grids["g1"].code),
    )
    assert d.heartbeat_minutes == 30 and d.subdistrict_code == district.subdistricts["A"].code
    with pytest.raises(ApplicationError) as exc:
        device_register(
            actor=cw,
            data=DeviceInput(code="X-1", name="摄像头", kind="camera", grid_code=district.grids["g1"].code),
        )
    assert "已登记" in exc.value.message
    with pytest.raises(ApplicationError):  # a grid worker reads devices but does not register them
        device_register(
            actor=district.user("grid_worker"),
            data=DeviceInput(code="X-2", name="a", kind="camera", grid_code=district.grids["g1"].code),
        )


def test_retire_is_a_move_and_a_retired_device_stays_retired(district):
    d = device(district, "R-1")
    cw = district.user("community_worker")
    with pytest.raises(ApplicationError) as exc:
        device_retire(actor=cw, device_id=d.pk, reason="")
    assert exc.value.fields == {"reason": "请填写停用原因"}
    device_retire(actor=cw, device_id=d.pk, reason="拆除")
    with pytest.raises(Conflict) as exc:
        device_retire(actor=cw, device_id=d.pk, reason="再次")
    assert exc.value.code == "illegal_transition" and "已停用" in exc.value.message
    assert AuditEvent.objects.filter(event_type="devices.device_retired").count() == 1


def test_the_bulk_registration_is_all_or_nothing_with_one_audit_row(district):
    g1 = district.grids["g1"].code
    rows = [DeviceInput(code=f"B-{n}", name=f"摄像头{n}", kind="camera", grid_code=g1) for n in range(5)]
    with pytest.raises(ApplicationError) as exc:
        devices_register_bulk(
            actor=None, rows=[*rows, DeviceInput(code="B-1", name="重", kind="camera", grid_code=g1)]
        )
    assert "第6行" in exc.value.message and Device.objects.count() == 0
    assert devices_register_bulk(actor=None, rows=rows) == 5
    assert AuditEvent.objects.filter(event_type="devices.devices_imported").count() == 1


def test_platforms_keys_and_routes_are_the_district_admins(district):
    cw = district.user("community_worker")
    with pytest.raises(Forbidden):
        platform_create(actor=cw, name="平台", place_code=district.communities["A1"].code)
    with pytest.raises(ApplicationError) as exc:
        platform_create(actor=district.user("district_admin"), name="平台", place_code="999999")
    assert "覆盖范围" in exc.value.message
    p = platform_create(
        actor=district.user("district_admin"), name="平台", place_code=district.communities["A1"].code
    )
    with pytest.raises(Forbidden):
        platform_key_issue(actor=cw, platform_id=p.pk)
    with pytest.raises(Forbidden):
        event_route_set(actor=cw, kind="intrusion", raise_ticket=True)
    with pytest.raises(ApplicationError) as exc:
        event_route_set(
            actor=district.user("district_admin"), kind="intrusion", raise_ticket=True, category_code="999"
        )
    assert "不存在" in exc.value.message


def test_the_registry_list_is_scoped_in_a_fixed_number_of_queries(district):
    for n in range(30):
        device(district, f"Q-{n}", grid="g1" if n % 3 else "g4")
    gw = district.user("grid_worker")
    with CaptureQueriesContext(connection) as ctx:
        rows = list(device_list_for_actor(actor=gw))
    assert len(rows) == 20 and all(r.grid_code == district.grids["g1"].code for r in rows)
    assert len(ctx.captured_queries) <= 3
