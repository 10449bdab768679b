"""A department's figures are counted from the tickets it received (issue 17, item 6): its workload, its
closure and on-time rates equal what the tickets table says of the tickets it leads; its home, its
indicators page and the district's department ranking show them; its inbox shows its own tickets."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from gongzhi.tickets import indicators as ind
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Level, Move, TicketStatus
from gongzhi.tickets.figures import home_figures
from gongzhi.tickets.models import Ticket, TicketEvent
from gongzhi.tickets.tests.helpers import G2_POINT, report
from gongzhi.tickets.tests.test_indicators import NOV, build_varied


def _to_department(district, description: str, *, at, lng_lat=None):
    fields = {"lng": lng_lat[0], "lat": lng_lat[1]} if lng_lat else {}
    t = report(district, "resident", description, category_code="101018", now=at, **fields)
    svc.ticket_accept(actor=district.user("community_worker"), ticket_id=t.pk, now=at + timedelta(minutes=5))
    return svc.ticket_dispatch(
        actor=district.user("community_worker"),
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=district.department.pk,
        limit_amount=2,
        limit_unit="hours",
        now=at + timedelta(minutes=10),
    )


def _received_from_tickets(dep_id: int, start, end) -> dict[str, int]:
    """The figures worked out from the tickets table alone: the tickets the department leads, reported
    in the period, how many are closed, how many were settled against their deadline and how many of
    those were handled by it."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    mine = Ticket.objects.filter(department_id=dep_id, created_at__gte=since, created_at__lt=until)
    settled = list(mine.filter(sla_counted=True))
    # On time or not is judged at the first handling, against the deadline of that time (a reopened
    # ticket gets a new deadline later): the first handle step of each settled ticket says which.
    first_handles = [
        TicketEvent.objects.filter(ticket=t, move=Move.HANDLE).order_by("id").first() for t in settled
    ]
    return {
        "received": mine.count(),
        "closed": mine.filter(status=TicketStatus.CLOSED).count(),
        "due": len(settled),
        "on_time": sum(1 for e in first_handles if e is not None and e.data.get("on_time")),
    }


def test_department_indicators_equal_the_figures_of_its_received_tickets(district):
    build_varied(district)  # T2 the department's, closed; T3 returned by it (not its own any more)
    base = datetime(2026, 11, 16, 9, tzinfo=timezone.get_current_timezone())
    dh = district.user("department_handler")
    late = _to_department(district, "路灯杆倾斜", at=base)
    svc.ticket_respond(actor=dh, ticket_id=late.pk, now=base + timedelta(minutes=20))
    svc.ticket_handle(actor=dh, ticket_id=late.pk, result="已扶正", now=base + timedelta(days=1))
    on_time = _to_department(district, "井盖松动", at=base + timedelta(hours=1), lng_lat=G2_POINT)
    svc.ticket_respond(actor=dh, ticket_id=on_time.pk, now=base + timedelta(hours=1, minutes=20))
    svc.ticket_handle(
        actor=dh, ticket_id=on_time.pk, result="已固定", now=base + timedelta(hours=1, minutes=50)
    )
    _to_department(district, "路面塌陷", at=base + timedelta(hours=2))  # still open

    dep = district.department
    expected = _received_from_tickets(dep.pk, *NOV)
    assert expected == {"received": 4, "closed": 1, "due": 3, "on_time": 1}  # not trivially zero
    f = ind.indicators_for(actor=dh, level=Level.DEPARTMENT, code=str(dep.pk), start=NOV[0], end=NOV[1])
    assert (f.reported, f.closed) == (expected["received"], expected["closed"])
    assert (f.closure_rate.numerator, f.closure_rate.denominator) == (
        expected["closed"],
        expected["received"],
    )
    assert (f.on_time_rate.numerator, f.on_time_rate.denominator) == (expected["on_time"], expected["due"])
    # The district's department ranking says the same of it.
    (row,) = ind.indicators_by_child(
        actor=district.user("district_admin"),
        level=Level.DISTRICT,
        code=district.district.code,
        start=NOV[0],
        end=NOV[1],
        by=Level.DEPARTMENT,
    )
    assert (row.reported, row.closed, row.closure_rate.denominator) == (4, 1, 4)
    assert (row.on_time_rate.numerator, row.on_time_rate.denominator) == (1, 3)
    # A month's chart of received and closed, by report month.
    months = ind.reported_by_month(Level.DEPARTMENT, str(dep.pk), 2026)
    assert months[10] == {"month": 11, "reported": 4, "closed": 1}


def test_a_departments_home_and_indicators_page_show_what_it_received(district, client):
    now = timezone.now() - timedelta(hours=3)
    t = _to_department(district, "路灯不亮", at=now)
    dh = district.user("department_handler")
    svc.ticket_respond(actor=dh, ticket_id=t.pk, now=now + timedelta(minutes=20))
    figures = home_figures(dh)
    assert figures is not None and figures["level"] == Level.DEPARTMENT
    closure = figures["indicators"].closure_rate
    assert figures["total"] == 1 and (closure.numerator, closure.denominator) == (0, 1)
    assert closure.percent == "0.0%"
    client.force_login(dh)
    html = client.get("/console/").content.decode()
    assert "今年接收" in html and "0/1" in html
    page = client.get("/console/tickets/indicators/").content.decode()
    assert '<dd data-figure="reported">1</dd>' in page and "接收" in page


def test_a_departments_inbox_shows_its_own_tickets(district, client):
    mine = _to_department(district, "路灯不亮", at=timezone.now() - timedelta(hours=2))
    others = report(district, "resident", "楼道堆放杂物", category_code="301005")
    client.force_login(district.user("department_handler"))
    html = client.get("/console/tickets/").content.decode()
    assert f'data-ticket="{mine.pk}"' in html
    assert f'data-ticket="{others.pk}"' not in html
