"""Showing a person's full ID number or phone, through every door (the console page and the API): a reason
is required, a reason past the stored limit is refused naming it (never cut), and each account has one
rate limit over both doors (429 with Retry-After past it)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids, ratelimit
from gongzhi.people.services import REVEAL_REASON_MAX

HTMX = {"HX-Request": "true"}


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0 - 1_800_000_000.0 % 3600]
    monkeypatch.setattr(ratelimit, "_clock", lambda: now[0])
    return now


def signed_in(district, username: str = "grid_worker") -> Client:
    client = Client()
    client.force_login(district.user(username))
    return client


def api_reveal(client: Client, person_id: int, reason: str | None, field: str = "phone"):
    body: dict[str, str] = {"field": field}
    if reason is not None:
        body["reason"] = reason
    return client.post(
        f"/api/v1/persons/{person_id}/reveal", json.dumps(body), content_type="application/json"
    )


def console_reveal(client: Client, person_id: int, reason: str, field: str = "phone"):
    return client.post(
        reverse("people:reveal", args=[person_id]), {"field": field, "reason": reason}, headers=HTMX
    )


def revealed() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type="people.person_revealed").order_by("id"))


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_the_api_needs_a_reason(district, reason):
    person = district.persons["g1"][0]
    r = api_reveal(signed_in(district), person.pk, reason)
    assert r.status_code == 400
    assert r.json()["code"] == "required" and r.json()["fields"] == {
        "reason": "请填写查看原因（将记入操作记录）"
    }
    assert ids.decrypt(person.phone_encrypted) not in r.content.decode()
    assert revealed() == []


def test_the_console_needs_a_reason(district):
    person = district.persons["g1"][0]
    r = console_reveal(signed_in(district), person.pk, "  ")
    assert "请填写查看原因" in r.content.decode()
    assert ids.decrypt(person.phone_encrypted) not in r.content.decode() and revealed() == []


def test_a_reason_past_the_limit_is_refused_never_cut(district):
    person = district.persons["g1"][0]
    client = signed_in(district)
    too_long = "入户核实" * 50 + "多"  # 201 characters
    assert len(too_long) == REVEAL_REASON_MAX + 1
    r = api_reveal(client, person.pk, too_long)
    assert r.status_code == 400
    assert r.json()["fields"]["reason"] == "查看原因不能超过200个字（现有201个字）"
    page = console_reveal(client, person.pk, too_long).content.decode()
    assert "查看原因不能超过200个字" in page and ids.decrypt(person.phone_encrypted) not in page
    assert revealed() == []
    # exactly the limit is kept whole, from either door
    whole = "入户核实" * 50
    assert api_reveal(client, person.pk, whole).status_code == 200
    assert console_reveal(client, person.pk, " " + whole + " ").status_code == 200
    assert [e.data["reason"] for e in revealed()] == [whole, whole]


def test_the_reveal_rate_limit_counts_both_doors_per_account(district, settings, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reveal_user": "3/3600"}
    person = district.persons["g1"][0]
    client = signed_in(district)
    assert api_reveal(client, person.pk, "入户走访").status_code == 200
    assert console_reveal(client, person.pk, "入户走访", field="id_number").status_code == 200
    assert api_reveal(client, person.pk, "入户走访", field="id_number").status_code == 200
    refused = api_reveal(client, person.pk, "入户走访")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 3600
    assert refused.json()["message"] == "查看完整个人信息过于频繁（每60分钟最多3次），请3600秒后再试"
    assert ids.decrypt(person.phone_encrypted) not in refused.content.decode()
    page = console_reveal(client, person.pk, "入户走访")
    assert page["Retry-After"] == "3600" and "查看完整个人信息过于频繁" in page.content.decode()
    assert ids.decrypt(person.phone_encrypted) not in page.content.decode()
    assert len(revealed()) == 3  # no row, no value for the refused ones
    # another account has its own count; the next hour starts afresh
    assert api_reveal(signed_in(district, "grid_head"), person.pk, "入户走访").status_code == 200
    clock[0] += 3600
    assert api_reveal(client, person.pk, "入户走访").status_code == 200


def test_refusals_before_the_reason_tell_nothing_more(district):
    """Out of scope stays 404 and no permission 403 whatever the reason: the reason is checked after."""
    other = district.persons["g2"][0]
    assert api_reveal(signed_in(district), other.pk, None).status_code == 404
    assert api_reveal(signed_in(district, "auditor"), district.persons["g1"][0].pk, None).status_code == 403
