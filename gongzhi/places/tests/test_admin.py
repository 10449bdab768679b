"""Django admin for places: read-only reference data; departments saved through the services."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.places.models import Department


@pytest.fixture
def superuser_client(client, django_user_model, district):
    user = django_user_model.objects.create_superuser(username="root", password="x", email="")
    client.force_login(user)
    return client


def test_reference_data_is_read_only(superuser_client, district):
    for model in ("district", "subdistrict", "community", "grid", "gridteammember"):
        r = superuser_client.get(f"/admin/places/{model}/")
        assert r.status_code == 200
        assert superuser_client.get(f"/admin/places/{model}/add/").status_code == 403


def test_grid_change_page_is_view_only(superuser_client, district):
    g1 = district.grids["g1"]
    r = superuser_client.get(f"/admin/places/grid/{g1.pk}/change/")
    assert r.status_code == 200
    r = superuser_client.post(f"/admin/places/grid/{g1.pk}/change/", {"name": "改名"})
    assert r.status_code == 403
    g1.refresh_from_db()
    assert g1.name == "银山社区第1网格"


def test_department_add_and_rename_go_through_services(superuser_client, district):
    r = superuser_client.post(
        "/admin/places/department/add/", {"district": district.district.pk, "code": "zjj", "name": "住建局"}
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    dep = Department.objects.get(code="zjj")
    assert AuditEvent.objects.filter(event_type="places.department_created", target_id=str(dep.pk)).exists()

    r = superuser_client.post(f"/admin/places/department/{dep.pk}/change/", {"name": "住房和城乡建设局"})
    assert r.status_code == 302
    dep.refresh_from_db()
    assert dep.name == "住房和城乡建设局" and dep.code == "zjj"
    assert AuditEvent.objects.filter(event_type="places.department_updated", target_id=str(dep.pk)).exists()


def test_department_duplicate_code_is_a_form_error(superuser_client, district):
    r = superuser_client.post(
        "/admin/places/department/add/",
        {"district": district.district.pk, "code": "cgj", "name": "又一个城管局"},
    )
    assert r.status_code == 200
    assert "部门代码cgj已存在" in r.content.decode()
    assert Department.objects.filter(code="cgj").count() == 1
