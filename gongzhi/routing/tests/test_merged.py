"""并单 keeps every reporter answered: a merged ticket's reporter hears the result and the close of the
ticket it joined, and is called back and rates on their own ticket once that one is verified."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gongzhi.core.errors import Conflict
from gongzhi.tickets import notify
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Satisfaction, TicketStatus
from gongzhi.tickets.tests.helpers import report

SENT: list[notify.Notice] = []


def _collect(notice: notify.Notice) -> None:
    SENT.append(notice)


@pytest.fixture
def sent():
    SENT.clear()
    notify._sender.cache_clear()
    with override_settings(TICKET_NOTIFY_SENDER="gongzhi.routing.tests.test_merged._collect"):
        yield SENT
    notify._sender.cache_clear()


def _to_verified(district, ticket):
    cw, gw, gh = (district.user(k) for k in ("community_worker", "grid_worker", "grid_head"))
    svc.ticket_accept(actor=cw, ticket_id=ticket.pk)
    svc.ticket_dispatch(
        actor=cw,
        ticket_id=ticket.pk,
        level="grid",
        handler_id=gw.pk,
        limit_amount=3,
        limit_unit="working_days",
    )
    svc.ticket_handle(actor=gw, ticket_id=ticket.pk, result="已清理干净")
    svc.ticket_verify(actor=gh, ticket_id=ticket.pk, passed=True)


def test_every_reporter_of_a_merged_ticket_is_answered_and_called_back(
    district, sent, django_capture_on_commit_callbacks
):
    first = report(district, "grid_worker_g2", "1号楼门口垃圾堆了好几天", reporter_phone="13900001111")
    dup = report(district, "resident", "1号楼门口的垃圾好多天没人清了")
    svc.ticket_merge(actor=district.user("community_worker"), ticket_id=dup.pk, into_id=first.pk)
    with pytest.raises(Conflict):  # not yet handled: nothing to rate
        svc.ticket_callback(actor=district.user("resident"), ticket_id=dup.pk, satisfaction="satisfied")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _to_verified(district, first)
    to_dup = [n for n in sent if n.ticket_id == dup.pk]
    assert [n.move for n in to_dup] == ["handle"] and first.number in to_dup[0].message
    assert to_dup[0].user_id == district.user("resident").pk
    svc.ticket_callback(
        actor=district.user("resident"), ticket_id=dup.pk, satisfaction=Satisfaction.SATISFIED
    )
    dup.refresh_from_db()
    assert (dup.status, dup.satisfaction) == (TicketStatus.MERGED, Satisfaction.SATISFIED)
    with pytest.raises(Conflict):  # once
        svc.ticket_callback(actor=district.user("resident"), ticket_id=dup.pk, satisfaction="satisfied")
    # the surviving ticket's own reporter is called back as before
    svc.ticket_callback(actor=district.user("community_worker"), ticket_id=first.pk, satisfaction="satisfied")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_close(actor=district.user("community_worker"), ticket_id=first.pk)
    assert [n.move for n in sent if n.ticket_id == dup.pk] == ["close"]


def test_the_indicators_page_shows_routing_accuracy_and_repeats(client, district):
    report(district, "resident", "楼上邻居家的狗整天叫")
    client.force_login(district.user("community_worker"))
    page = client.get("/console/tickets/indicators/").content.decode()
    assert 'data-testid="indicator-routing"' in page and "智能分拨建议原样采纳率" in page


def test_a_merged_reporter_rates_on_h5_once_the_other_ticket_is_verified(client, district):
    first = report(district, "grid_worker_g2", "2号楼楼道灯不亮", reporter_phone="13900002222")
    dup = report(district, "resident", "2号楼楼道里的灯坏了，晚上很黑")
    svc.ticket_merge(actor=district.user("community_worker"), ticket_id=dup.pk, into_id=first.pk)
    client.force_login(district.user("resident"))
    assert 'name="satisfaction"' not in client.get(f"/h5/tickets/{dup.pk}/").content.decode()
    _to_verified(district, first)
    page = client.get(f"/h5/tickets/{dup.pk}/").content.decode()
    assert 'name="satisfaction"' in page and "已清理干净" in page
    r = client.post(f"/h5/tickets/{dup.pk}/rate/", {"satisfaction": "fairly", "note": "还行"})
    assert r.status_code == 302
    dup.refresh_from_db()
    assert dup.satisfaction == Satisfaction.FAIRLY and dup.status == TicketStatus.MERGED
    # the community worker sees it on the surviving ticket's page
    client.force_login(district.user("community_worker"))
    page = client.get(f"/console/tickets/{first.pk}/").content.decode()
    assert 'data-testid="merged-in"' in page and dup.number in page
