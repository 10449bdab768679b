from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.accounts.models import User
from gongzhi.audit.models import AuditEvent


@pytest.fixture
def admin_client(district) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="root-Passw0rd-x"))
    return client


def test_audit_events_are_read_only_in_admin(district, admin_client):
    event = AuditEvent.objects.filter(event_type="places.grid_created").first()
    assert event is not None
    response = admin_client.get("/admin/audit/auditevent/")
    assert response.status_code == 200 and "创建网格" in response.content.decode()
    response = admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    response = admin_client.get("/admin/audit/auditevent/?event_type=places.grid_created")
    assert response.status_code == 200
