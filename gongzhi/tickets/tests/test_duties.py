"""Separation of duties per district (工单办理设置) and the callback's reveal of the reporter's number.

Hand-made cases: the handler's verify is refused with a Chinese 403 (service, console, API), another
worker's is accepted; with the district's setting off the handler may verify and call back. The callback's
reveal: who may call back sees the whole number once (one audit row, reason 回访) and gets a tel: link;
the handler, the grid worker of another grid, a reveal before verification are refused and write nothing.
"""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level, TicketStatus
from gongzhi.tickets.models import Ticket, TicketPolicy
from gongzhi.tickets.selectors.tickets import ticket_actions_for_actor
from gongzhi.tickets.services.policy import ticket_policy_set
from gongzhi.tickets.services.reveal import ticket_reporter_phone_reveal
from gongzhi.tickets.tests.helpers import report

S = TicketStatus
CALLER_PHONE = "13912345678"


def _handled_by_grid_worker(district) -> Ticket:
    """A caller's complaint taken by the community worker (书记有约), accepted and fixed by the grid
    worker of g1 (who is its first responder and its handler)."""
    worker = district.user("grid_worker")
    t = report(
        district,
        "community_worker",
        "楼道灯不亮，晚上看不见台阶",
        channel=Channel.APPOINTMENT,
        channel_source="书记有约",
        category_code="301005",
        reporter_name="王女士",
        reporter_phone=CALLER_PHONE,
    )
    svc.ticket_accept(actor=worker, ticket_id=t.pk)
    svc.ticket_dispatch(actor=worker, ticket_id=t.pk, level=Level.GRID)
    return svc.ticket_handle(actor=worker, ticket_id=t.pk, result="已更换灯泡")


def _verified(district) -> Ticket:
    t = _handled_by_grid_worker(district)
    return svc.ticket_verify(actor=district.user("grid_head"), ticket_id=t.pk, passed=True)


def _unchanged(ticket_id: int):
    return (
        Ticket.objects.filter(pk=ticket_id).values_list("status", "verified_at", "satisfaction").get(),
        AuditEvent.objects.count(),
    )


# --- separation of duties: hand-made cases -----------------------------------------------------------


def test_the_handlers_verify_is_refused_in_chinese_and_another_workers_is_accepted(district):
    t = _handled_by_grid_worker(district)
    before = _unchanged(t.pk)
    with pytest.raises(Forbidden) as exc:
        svc.ticket_verify(actor=district.user("grid_worker"), ticket_id=t.pk, passed=True)
    assert (exc.value.status, exc.value.code) == (403, "own_work")
    assert exc.value.message == "不能核查本人上报或处置的工单，应由他人办理"
    assert _unchanged(t.pk) == before
    assert "verify" not in ticket_actions_for_actor(actor=district.user("grid_worker"), ticket=t)
    # The reporter (the community worker who took the caller's complaint) does not verify either.
    with pytest.raises(Forbidden):
        svc.ticket_verify(actor=district.user("community_worker"), ticket_id=t.pk, passed=True)
    t = svc.ticket_verify(actor=district.user("grid_head"), ticket_id=t.pk, passed=True)
    assert t.status == S.VERIFIED and t.verified_at is not None


def test_the_handlers_callback_is_refused_and_the_communitys_accepted(district):
    t = _verified(district)
    with pytest.raises(Forbidden) as exc:
        svc.ticket_callback(actor=district.user("grid_worker"), ticket_id=t.pk, satisfaction="satisfied")
    assert exc.value.code == "own_work" and exc.value.message == "不能回访本人处置的工单，应由他人办理"
    t = svc.ticket_callback(actor=district.user("community_worker"), ticket_id=t.pk, satisfaction="satisfied")
    assert t.status == S.CALLED_BACK


def test_the_console_shows_the_refusal_in_chinese_with_its_403(district, client):
    t = _handled_by_grid_worker(district)
    client.force_login(district.user("grid_worker"))
    response = client.post(f"/console/tickets/{t.pk}/verify/", {"passed": "true"})
    assert response.status_code == 403
    assert "不能核查本人上报或处置的工单，应由他人办理" in response.content.decode()
    assert Ticket.objects.get(pk=t.pk).status == S.HANDLED
    client.force_login(district.user("grid_head"))
    response = client.post(f"/console/tickets/{t.pk}/verify/", {"passed": "true"})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=t.pk).status == S.VERIFIED


def test_the_api_answers_the_refusal_in_the_one_error_shape(district, client):
    t = _handled_by_grid_worker(district)
    client.force_login(district.user("grid_worker"))
    response = client.post(
        f"/api/v1/tickets/{t.pk}/verify", {"passed": True}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_work"
    assert response.json()["message"] == "不能核查本人上报或处置的工单，应由他人办理"


def test_with_the_setting_off_the_handler_verifies_and_calls_back(district):
    ticket_policy_set(
        actor=district.user("district_admin"), district_code=district.district.code, separate_duties="off"
    )
    worker = district.user("grid_worker")
    t = _handled_by_grid_worker(district)
    assert "verify" in ticket_actions_for_actor(actor=worker, ticket=t)
    t = svc.ticket_verify(actor=worker, ticket_id=t.pk, passed=True)
    assert t.status == S.VERIFIED
    assert "callback" in ticket_actions_for_actor(actor=worker, ticket=t)
    assert ticket_reporter_phone_reveal(actor=worker, ticket_id=t.pk) == CALLER_PHONE
    t = svc.ticket_callback(actor=worker, ticket_id=t.pk, satisfaction="satisfied")
    assert t.status == S.CALLED_BACK
    # Switched on again, the next ticket's handler is refused again.
    ticket_policy_set(
        actor=district.user("district_admin"), district_code=district.district.code, separate_duties="on"
    )
    t2 = _handled_by_grid_worker(district)
    with pytest.raises(Forbidden):
        svc.ticket_verify(actor=worker, ticket_id=t2.pk, passed=True)


# --- the district's setting ---------------------------------------------------------------------------


def test_only_the_districts_admin_sets_it_and_every_change_is_audited(district, client):
    assert not TicketPolicy.objects.exists()  # no row: on by default
    for key in ("community_worker", "subdistrict_staff", "auditor"):
        with pytest.raises(Forbidden):
            ticket_policy_set(
                actor=district.user(key), district_code=district.district.code, separate_duties="off"
            )
    with pytest.raises(NotFound):
        ticket_policy_set(
            actor=district.user("district_admin"), district_code="999999", separate_duties="off"
        )
    client.force_login(district.user("district_admin"))
    page = client.get("/console/tickets/settings/")
    assert page.status_code == 200 and "办理与核查、回访分离" in page.content.decode()
    missing = client.post("/console/tickets/settings/", {"district_code": district.district.code})
    assert missing.status_code == 400 and "请选择是否启用" in missing.content.decode()
    assert not TicketPolicy.objects.exists()
    done = client.post(
        "/console/tickets/settings/", {"district_code": district.district.code, "separate_duties": "off"}
    )
    assert done.status_code == 302
    policy = TicketPolicy.objects.get(district_code=district.district.code)
    assert policy.separate_duties is False and policy.updated_by == district.user("district_admin")
    row = AuditEvent.objects.get(event_type="tickets.policy_set")
    assert row.data == {"separate_duties": {"old": True, "new": False}}
    client.force_login(district.user("community_worker"))
    assert client.get("/console/tickets/settings/").status_code == 404
    assert (
        client.post(
            "/console/tickets/settings/", {"district_code": district.district.code, "separate_duties": "on"}
        ).status_code
        == 404
    )
    assert TicketPolicy.objects.get(district_code=district.district.code).separate_duties is False


# --- the callback's reveal --------------------------------------------------------------------------


def test_who_calls_back_reveals_the_number_once_audited_and_gets_a_tel_link(district, client):
    t = _verified(district)
    client.force_login(district.user("community_worker"))
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert CALLER_PHONE not in page and 'data-action="reveal-phone"' in page
    response = client.post(f"/console/tickets/{t.pk}/reporter-phone/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert f'href="tel:{CALLER_PHONE}"' in html
    rows = AuditEvent.objects.filter(event_type="tickets.reporter_phone_revealed", target_id=str(t.pk))
    assert [(r.actor_id, r.data["reason"]) for r in rows] == [(district.user("community_worker").pk, "回访")]
    # The API gives the same, with its own audit row.
    api = client.post(f"/api/v1/tickets/{t.pk}/reporter-phone")
    assert api.status_code == 200 and api.json() == {"phone": CALLER_PHONE, "reason": "回访"}
    assert rows.all().count() == 2  # a fresh query: the list above filled this queryset's cache


def test_the_handler_may_not_reveal_for_the_callback(district, client):
    t = _verified(district)
    before = _unchanged(t.pk)
    with pytest.raises(Forbidden) as exc:
        ticket_reporter_phone_reveal(actor=district.user("grid_worker"), ticket_id=t.pk)
    assert exc.value.code == "own_work"
    assert _unchanged(t.pk) == before
    client.force_login(district.user("grid_worker"))
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert 'data-action="reveal-phone"' not in page
    response = client.post(f"/api/v1/tickets/{t.pk}/reporter-phone")
    assert response.status_code == 403 and response.json()["code"] == "own_work"
    response = client.post(f"/console/tickets/{t.pk}/reporter-phone/")
    assert response.status_code == 403 and CALLER_PHONE not in response.content.decode()
    assert _unchanged(t.pk) == before


def test_no_reveal_before_verification_nor_outside_the_place_nor_by_a_resident(district, client):
    t = _handled_by_grid_worker(district)
    with pytest.raises(Conflict) as exc:
        ticket_reporter_phone_reveal(actor=district.user("community_worker"), ticket_id=t.pk)
    assert exc.value.status == 409 and "等待回访" in exc.value.message
    t = svc.ticket_verify(actor=district.user("grid_head"), ticket_id=t.pk, passed=True)
    with pytest.raises(NotFound):  # another grid's worker does not see the ticket at all
        ticket_reporter_phone_reveal(actor=district.user("grid_worker_g2"), ticket_id=t.pk)
    with pytest.raises(NotFound):
        ticket_reporter_phone_reveal(actor=district.user("resident"), ticket_id=t.pk)
    # The department reads tickets dispatched to it, not this one; a grid head of the grid is no caller.
    with pytest.raises(Forbidden):
        ticket_reporter_phone_reveal(actor=district.user("grid_head"), ticket_id=t.pk)
    client.force_login(district.user("community_worker"))
    t = svc.ticket_callback(actor=district.user("community_worker"), ticket_id=t.pk, satisfaction="satisfied")
    response = client.post(f"/api/v1/tickets/{t.pk}/reporter-phone")
    assert response.status_code == 409  # called back already: nothing left to call about
    assert not AuditEvent.objects.filter(event_type="tickets.reporter_phone_revealed").exists()


def test_a_merged_tickets_reporter_is_revealed_once_the_surviving_ticket_passed(district, client):
    survivor = _handled_by_grid_worker(district)
    dup = report(
        district,
        "community_worker",
        "楼道灯坏了",
        channel=Channel.APPOINTMENT,
        channel_source="书记有约",
        reporter_name="李先生",
        reporter_phone="13987654321",
    )
    svc.ticket_merge(actor=district.user("grid_worker"), ticket_id=dup.pk, into_id=survivor.pk)
    with pytest.raises(Conflict):  # the surviving ticket is not verified yet
        ticket_reporter_phone_reveal(actor=district.user("community_worker"), ticket_id=dup.pk)
    svc.ticket_verify(actor=district.user("grid_head"), ticket_id=survivor.pk, passed=True)
    with pytest.raises(Forbidden):  # who fixed the surviving ticket does not call its reporters back
        ticket_reporter_phone_reveal(actor=district.user("grid_worker"), ticket_id=dup.pk)
    client.force_login(district.user("community_worker"))
    response = client.post(f"/console/tickets/{dup.pk}/reporter-phone/")
    html = response.content.decode()
    assert response.status_code == 200 and 'href="tel:13987654321"' in html
    assert 'data-action-form="callback"' in html
    done = client.post(f"/console/tickets/{dup.pk}/callback/", {"satisfaction": "satisfied"})
    assert done.status_code == 302
    assert Ticket.objects.get(pk=dup.pk).satisfaction == "satisfied"
