"""The staff console pages of the ticket loop: who sees which page, the inbox tabs and filters, keyset
paging, the action forms (a move goes through, a refused one shows the Chinese message and writes
nothing), the Excel export, and the inbox list's query count."""

from __future__ import annotations

import io
import re

from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Level, TicketStatus
from gongzhi.tickets.models import Ticket, TicketEvent
from gongzhi.tickets.tests.helpers import report

S = TicketStatus


def _login(client, district, key):
    client.force_login(district.user(key))
    return client


def _ids(response) -> list[int]:
    return [int(x) for x in re.findall(r'data-ticket="(\d+)"', response.content.decode())]


def _png(name: str = "photo.png") -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 40)).save(out, format="PNG")
    out.seek(0)
    out.name = name
    return out


def _accepted(district, description="路灯坏了", **fields):
    t = report(district, "resident", description, **fields)
    return svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk)


def _dispatched_to_department(district, description="路灯坏了"):
    t = _accepted(district, description, category_code="101018")
    return svc.ticket_dispatch(
        actor=district.user("community_worker"),
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=district.department.pk,
    )


# --- the ticket page ---------------------------------------------------------------------------


def test_ticket_page_shows_fields_map_data_and_forms_for_the_actors_actions(client, district):
    t = report(district, "resident", "小区门口路灯不亮了", category_code="101018", address="银山小区1号楼")
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:detail", args=[t.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert t.number in html and "银山小区1号楼" in html and "路灯" in html
    # The map's data comes in a JSON script tag, never inline script.
    assert '<script id="ticket-map" type="application/json">' in html
    assert '"pin": {"lng": 117.105, "lat": 36.985}' in html and '"boundary": {"type": "Polygon"' in html
    # Forms exactly for the moves the grid worker may make on a reported ticket.
    actions = set(re.findall(r'data-action="([a-z-]+)"', html))
    assert actions == {"accept", "decline", "merge"}
    assert 'for="accept-category_code"' in html and 'for="decline-reason"' in html
    assert 'data-testid="ticket-timeline"' in html and "上报" in html


def test_ticket_page_404s_out_of_scope(client, district):
    t = report(district, "resident", "垃圾堆放")
    for key in ("grid_worker_g2", "department_handler"):
        _login(client, district, key)
        assert client.get(reverse("tickets:detail", args=[t.pk])).status_code == 404
        r = client.post(reverse("tickets:action", args=[t.pk, "accept"]), {})
        assert r.status_code == 404
    assert Ticket.objects.get(pk=t.pk).status == S.REPORTED
    _login(client, district, "grid_worker")
    assert client.get(reverse("tickets:detail", args=[999999])).status_code == 404


def test_residents_are_sent_to_h5(client, district):
    t = report(district, "resident", "垃圾堆放")
    _login(client, district, "resident")
    r = client.get(reverse("tickets:detail", args=[t.pk]))
    assert r.status_code == 302 and r.url == reverse("h5:home")


def test_accept_post_moves_the_ticket_and_redirects(client, district):
    t = report(district, "resident", "路灯不亮")
    _login(client, district, "grid_worker")
    r = client.post(
        reverse("tickets:action", args=[t.pk, "accept"]), {"category_code": "101018", "note": "已核实"}
    )
    assert r.status_code == 302 and r.url == reverse("tickets:detail", args=[t.pk])
    t.refresh_from_db()
    assert t.status == S.ACCEPTED and t.category is not None and t.category.code == "101018"
    assert t.first_responder_id == district.user("grid_worker").pk
    page = client.get(r.url).content.decode()
    assert "已受理" in page and "escalate" in page


def test_illegal_move_is_409_with_chinese_message_and_writes_nothing(client, district):
    t = report(district, "resident", "噪音扰民")
    before = TicketEvent.objects.count(), AuditEvent.objects.count()
    _login(client, district, "community_worker")  # may close tickets of the community, not this one now
    r = client.post(reverse("tickets:action", args=[t.pk, "close"]), {"note": "结了"})
    assert r.status_code == 409
    html = r.content.decode()
    assert 'data-testid="action-error"' in html and "待受理" in html
    assert (TicketEvent.objects.count(), AuditEvent.objects.count()) == before
    assert Ticket.objects.get(pk=t.pk).status == S.REPORTED


def test_bad_fields_are_400_with_field_messages_and_keep_the_input(client, district):
    t = report(district, "resident", "不是我们管的事")
    _login(client, district, "grid_worker")
    r = client.post(reverse("tickets:action", args=[t.pk, "decline"]), {"reason": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'class="form-error" data-field="reason"' in html and "请填写" in html
    r = client.post(reverse("tickets:action", args=[t.pk, "merge"]), {"into_id": "abc"})
    assert r.status_code == 400 and 'data-field="into_id"' in r.content.decode()
    r = client.post(reverse("tickets:action", args=[t.pk, "nonsense"]), {})
    assert r.status_code == 404
    assert Ticket.objects.get(pk=t.pk).status == S.REPORTED


def test_merge_takes_a_ticket_number(client, district):
    a = _accepted(district, "路灯不亮")
    b = report(district, "resident", "路灯又不亮了")
    _login(client, district, "grid_worker")
    r = client.post(reverse("tickets:action", args=[b.pk, "merge"]), {"into_id": a.number})
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.status == S.MERGED and b.duplicate_of_id == a.pk


def test_dispatch_form_lists_district_departments_and_dispatches(client, district):
    t = _accepted(district, "路灯坏了", category_code="101018")
    t = svc.ticket_escalate(actor=district.user("grid_worker"), ticket_id=t.pk, reason="需城管维修")
    _login(client, district, "community_worker")
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert 'data-action="dispatch"' in html and "城管局" in html and 'name="co_department_ids"' in html
    r = client.post(
        reverse("tickets:action", args=[t.pk, "dispatch"]),
        {"level": "department", "department_id": str(district.department.pk), "limit_amount": ""},
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == S.DISPATCHED and t.department_id == district.department.pk and t.deadline


def test_department_handler_responds_and_handles_with_a_photo(client, district):
    t = _dispatched_to_department(district)
    _login(client, district, "department_handler")
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert {"respond", "return"} <= set(re.findall(r'data-action="([a-z-]+)"', html))
    assert client.post(reverse("tickets:action", args=[t.pk, "respond"]), {}).status_code == 302
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'data-action="handle"' in html
    photo = _png("result.png")
    r = client.post(
        reverse("tickets:action", args=[t.pk, "handle"]), {"result": "已更换灯泡", "photos": [photo]}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    t.refresh_from_db()
    assert t.status == S.HANDLED and t.result == "已更换灯泡"
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert re.search(r'src="/api/v1/tickets/photos/\d+"', html)


def test_not_an_image_is_refused_on_handle(client, district):
    t = _dispatched_to_department(district)
    svc.ticket_respond(actor=district.user("department_handler"), ticket_id=t.pk)
    _login(client, district, "department_handler")
    fake = io.BytesIO(b"not an image at all")
    fake.name = "x.png"
    r = client.post(reverse("tickets:action", args=[t.pk, "handle"]), {"result": "好了", "photos": [fake]})
    assert r.status_code == 400 and 'data-testid="action-error"' in r.content.decode()
    assert Ticket.objects.get(pk=t.pk).status == S.IN_PROGRESS
