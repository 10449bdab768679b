from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids


@pytest.fixture
def admin_client(district) -> Client:
    root = User.objects.create_superuser("root", password="root-Passw0rd-x")
    client = Client()
    client.force_login(root)
    return client


def test_user_list_and_detail_hide_password_and_phone(district, admin_client):
    from django.db import transaction

    from gongzhi.accounts.services import user_create

    with transaction.atomic():
        user = user_create(
            actor=None, username="liu", password=None, display_name="刘芳", phone="13911112222"
        )
    response = admin_client.get("/admin/accounts/user/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "139****2222" in html and "13911112222" not in html
    assert "区级管理员" in html  # roles column

    response = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "139****2222" in html and "13911112222" not in html
    assert user.password not in html
    grid_worker = district.user("grid_worker")
    html = admin_client.get(f"/admin/accounts/user/{grid_worker.pk}/change/").content.decode()
    assert grid_worker.password not in html and "md5$" not in html
    assert "网格员" in html and "已分配的角色" in html


def test_search_by_full_phone_uses_keyed_hash(district, admin_client):
    from django.db import transaction

    from gongzhi.accounts.services import user_create

    with transaction.atomic():
        user_create(actor=None, username="zhao", password=None, display_name="赵敏", phone="13922223333")
    response = admin_client.get("/admin/accounts/user/?q=13922223333")
    assert "zhao" in response.content.decode()


def test_add_user_goes_through_the_service(district, admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "wang",
            "display_name": "王磊",
            "phone": "13933334444",
            "password1": "Strong-passw0rd-9",
            "password2": "Strong-passw0rd-9",
            "is_staff": "",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-2-TOTAL_FORMS": "1",
            "role_assignments-2-INITIAL_FORMS": "0",
            "role_assignments-2-0-role": "grid_worker",
            "role_assignments-2-0-place_code": district.grids["g2"].code,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="wang")
    assert user.phone_masked == "139****4444" and user.phone_hash == ids.keyed_hash("13933334444")
    assert user.check_password("Strong-passw0rd-9")
    ra = RoleAssignment.objects.get(user=user)
    assert (ra.role, ra.level, ra.place_code) == ("grid_worker", "grid", district.grids["g2"].code)
    events = set(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("event_type", flat=True))
    assert {"accounts.user_created", "accounts.role_assigned"} <= events


def test_add_user_rejects_weak_and_mismatched_passwords(district, admin_client):
    base = {
        "username": "weak",
        "display_name": "",
        "phone": "",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-2-TOTAL_FORMS": "0",
        "role_assignments-2-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/accounts/user/add/", {**base, "password1": "a", "password2": "b"})
    assert response.status_code == 200 and "两次输入的密码不一致" in response.content.decode()
    response = admin_client.post(
        "/admin/accounts/user/add/", {**base, "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()


def test_revoke_role_by_unticking_active(district, admin_client):
    user = district.user("grid_worker")
    ra = RoleAssignment.objects.get(user=user)
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": str(ra.pk),
            "role_assignments-0-user": str(user.pk),
            # "active" left out: unticked
            "role_assignments-2-TOTAL_FORMS": "0",
            "role_assignments-2-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ra.refresh_from_db()
    assert ra.active is False
    assert AuditEvent.objects.filter(event_type="accounts.role_revoked", target_id=str(user.pk)).exists()


def test_new_role_needs_its_scope(district, admin_client):
    user = district.user("grid_head")
    ra = RoleAssignment.objects.get(user=user)
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": str(ra.pk),
            "role_assignments-0-user": str(user.pk),
            "role_assignments-0-active": "on",
            "role_assignments-2-TOTAL_FORMS": "1",
            "role_assignments-2-INITIAL_FORMS": "0",
            "role_assignments-2-0-role": "department_handler",
        },
    )
    assert response.status_code == 200
    assert "部门经办人必须指定部门" in response.content.decode()
