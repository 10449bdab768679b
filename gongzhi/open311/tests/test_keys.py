"""API keys: the console pages of the district admin, the hash-only storage, revocation, the rate
limit (429 in the Open311 error shape) and the audit row of every request made with a key."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.console.tests.helpers import assert_no_inline_script
from gongzhi.core.errors import Forbidden, ValidationFailed
from gongzhi.open311.models import ApiKey
from gongzhi.open311.selectors import hash_key
from gongzhi.open311.services import apikey_issue
from gongzhi.open311.tests.helpers import BASE, G1_POINT, errors_of, issue, post

PAGE = "/console/open311/"
LNG, LAT = G1_POINT


def signed_in(district, key: str) -> Client:
    client = Client()
    client.force_login(district.user(key))
    return client


def test_admin_issues_a_key_shown_once_and_revokes_it(district):
    admin = signed_in(district, "district_admin")
    page = admin.get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert_no_inline_script(body)
    assert 'href="/console/open311/"' in body  # the nav link
    assert district.communities["A1"].code in body  # place choices
    issued = admin.post(
        PAGE, {"name": "12345热线平台", "place_code": district.subdistricts["A"].code, "rate_limit": "30"}
    )
    assert issued.status_code == 200
    text = issued.content.decode()
    start = text.index('data-testid="raw-key">') + len('data-testid="raw-key">')
    raw = text[start : text.index("</code>", start)]
    assert raw.startswith("gz311_") and len(raw) > 40
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(raw) and raw not in str(ApiKey.objects.values())
    assert (key.name, key.rate_limit, key.place_label) == ("12345热线平台", 30, "济阳街道")
    assert key.subdistrict_code == district.subdistricts["A"].code and key.district_code == "370115"
    assert raw not in admin.get(PAGE).content.decode()  # never again
    assert AuditEvent.objects.filter(event_type="open311.key_issued", target_id=str(key.pk)).count() == 1

    assert Client().get(f"{BASE}/services.json", {"api_key": raw}).status_code == 200
    revoked = admin.post(f"{PAGE}{key.pk}/revoke", follow=True)
    assert revoked.status_code == 200 and "已停用" in revoked.content.decode()
    assert Client().get(f"{BASE}/services.json", {"api_key": raw}).status_code == 403
    assert AuditEvent.objects.filter(event_type="open311.key_revoked").count() == 1


def test_issue_form_errors_are_shown(district):
    admin = signed_in(district, "district_admin")
    for form, field in (
        ({"name": "", "place_code": "370115"}, "name"),
        ({"name": "甲", "place_code": "999999"}, "place_code"),
        ({"name": "甲", "place_code": "370115", "rate_limit": "很多"}, "rate_limit"),
        ({"name": "甲", "place_code": "370115", "rate_limit": "0"}, "rate_limit"),
    ):
        response = admin.post(PAGE, form)
        assert response.status_code == 400
        assert f'data-testid="error-{field}"' in response.content.decode()
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("user", ["community_worker", "grid_worker", "auditor", "department_handler"])
def test_only_the_district_admin_manages_keys(district, user):
    client = signed_in(district, user)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"name": "x", "place_code": "370115"}).status_code == 404
    key = apikey_issue(actor=None, name="甲", place_code="370115").key
    assert client.post(f"{PAGE}{key.pk}/revoke").status_code == 404
    assert ApiKey.objects.get().revoked_at is None
    assert 'href="/console/open311/"' not in client.get("/console/").content.decode()
    with pytest.raises(Forbidden):
        apikey_issue(actor=district.user(user), name="乙", place_code="370115")


def test_key_place_must_exist(district):
    with pytest.raises(ValidationFailed):
        apikey_issue(actor=district.user("district_admin"), name="甲", place_code="370115009000")
    assert apikey_issue(
        actor=district.user("district_admin"), name="甲", place_code=district.grids["g2"].code
    ).key.grid_code


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_rate_limit_answers_429_in_the_open311_shape(district, fmt):
    key = issue(district, rate_limit=3)
    client = Client()
    codes = [client.get(f"{BASE}/services.{fmt}", {"api_key": key}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    limited = client.get(f"{BASE}/services.{fmt}", {"api_key": key})
    assert limited.status_code == 429
    assert "每分钟最多3次" in errors_of(limited, fmt)[0]["description"]
    assert post(client, fmt, key, service_code="101018", lat=str(LAT), long=str(LNG)).status_code == 429
    # Without a key a GET is public and not counted against it.
    assert client.get(f"{BASE}/services.{fmt}").status_code == 200


def test_every_keyed_request_is_audited(district):
    key = issue(district)
    client = Client()
    client.get(f"{BASE}/services.json", {"api_key": key})
    post(client, "xml", key, service_code="999999", lat=str(LAT), long=str(LNG))
    post(client, "json", key, service_code="101018", lat=str(LAT), long=str(LNG), description="路灯")
    client.get(f"{BASE}/services.json")  # no key: not audited
    rows = list(AuditEvent.objects.filter(event_type="open311.request").order_by("id"))
    assert [(r.data["method"], r.data["endpoint"], r.data["status"]) for r in rows] == [
        ("GET", "services.json", 200),
        ("POST", "requests.xml", 404),
        ("POST", "requests.json", 200),
    ]
    key_row = ApiKey.objects.get()
    assert all(r.target_id == str(key_row.pk) and r.district_code == "370115" for r in rows)
    assert key_row.last_used_at is not None


def test_the_manage_apikey_rule_is_the_one_the_console_asks(district):
    from django.contrib.auth.models import AnonymousUser

    from gongzhi.core.permissions import allowed

    assert allowed(district.user("district_admin"), "open311.manage_apikey")
    for role in ("community_worker", "grid_worker", "subdistrict_staff", "auditor"):
        assert not allowed(district.user(role), "open311.manage_apikey")
        assert signed_in(district, role).get(PAGE).status_code == 404
    assert not allowed(AnonymousUser(), "open311.manage_apikey")


def test_a_nul_character_in_the_issue_form_is_a_field_error_not_a_crash(district):
    admin = signed_in(district, "district_admin")
    response = admin.post(PAGE, {"name": "热线\x00平台", "place_code": district.subdistricts["A"].code})
    assert response.status_code == 400 and 'data-testid="error-name"' in response.content.decode()
    assert not ApiKey.objects.exists()
