"""A ticket that is a request rather than a fault joins the needs list: both moves or neither."""

from __future__ import annotations

import pytest

from gongzhi.cobuild.enums import CATEGORIES, NeedSource
from gongzhi.cobuild.models import Need
from gongzhi.cobuild.services.needs import need_from_ticket
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import TicketStatus
from gongzhi.tickets.tests.helpers import report

CATEGORY = CATEGORIES[0][0]


def test_a_request_becomes_a_need_and_the_reporter_is_told(district):
    t = report(district, "resident", "家里老人行动不便，希望有志愿者每周帮忙买菜")
    need = need_from_ticket(
        actor=district.user("community_worker"), ticket_id=t.pk, title="独居老人每周代买菜", category=CATEGORY
    )
    t.refresh_from_db()
    assert need.source == NeedSource.TICKET and need.source_ticket_id == t.pk
    assert need.community_code == t.community_code and need.grid_code == t.grid_code
    assert t.status == TicketStatus.DECLINED
    last = t.events.order_by("-id").first()
    assert last is not None and f"需求编号{need.pk}" in last.public_note


def test_nothing_is_written_when_the_ticket_cannot_leave_the_loop(district):
    t = report(district, "resident", "想请人帮忙修水管")
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk)
    with pytest.raises(ApplicationError) as exc:
        need_from_ticket(
            actor=district.user("community_worker"), ticket_id=t.pk, title="修水管", category=CATEGORY
        )
    assert exc.value.status == 409
    assert not Need.objects.filter(source_ticket_id=t.pk).exists()
    t.refresh_from_db()
    assert t.status == TicketStatus.ACCEPTED


def test_out_of_scope_ticket_is_404(district):
    t = report(district, "resident", "需要帮助")
    with pytest.raises(NotFound):
        need_from_ticket(actor=district.user("grid_worker_g2"), ticket_id=t.pk, title="x", category=CATEGORY)
    assert not Need.objects.exists()


def test_console_page_from_the_ticket_page(district, client):
    t = report(district, "resident", "希望社区组织老年人智能手机培训")
    client.force_login(district.user("community_worker"))
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert f"/console/cobuild/needs/from-ticket/{t.pk}/" in page
    r = client.get(f"/console/cobuild/needs/from-ticket/{t.pk}/")
    assert r.status_code == 200 and t.title in r.content.decode()
    r = client.post(f"/console/cobuild/needs/from-ticket/{t.pk}/", {"title": "", "category": "bogus"})
    assert r.status_code == 400 and not Need.objects.exists()
    r = client.post(
        f"/console/cobuild/needs/from-ticket/{t.pk}/", {"title": "智能手机培训", "category": CATEGORY}
    )
    need = Need.objects.get(source_ticket_id=t.pk)
    assert r.status_code == 302 and r["Location"].endswith(f"/needs/{need.pk}/")
    client.force_login(district.user("grid_worker_g2"))
    assert client.get(f"/console/cobuild/needs/from-ticket/{t.pk}/").status_code == 404
