"""The staff console pages of the ticket loop: who sees which page, the inbox tabs and filters, keyset
paging, the action forms (a move goes through, a refused one shows the Chinese message and writes
nothing), the Excel export, and the inbox list's query count."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.audit.models import AuditEvent
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level, TicketStatus
from gongzhi.tickets.models import Supervision, Ticket, TicketEvent
from gongzhi.tickets.tests.helpers import G2_POINT, report

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


# --- the inbox ---------------------------------------------------------------------------------


def test_inbox_tabs_list_the_right_tickets_with_counts(client, district):
    reported = report(district, "resident", "楼道杂物堆积")
    accepted = _accepted(district, "井盖丢失")
    handling = _dispatched_to_department(district, "路灯不亮")
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:inbox"))
    assert r.status_code == 200
    html = r.content.decode()
    assert set(_ids(r)) == {reported.pk, accepted.pk, handling.pk}
    assert 'data-testid="count-accept">1<' in html
    assert _ids(client.get(reverse("tickets:inbox"), {"inbox": "accept"})) == [reported.pk]
    # The grid worker holds the grid level: an accepted ticket waits for them to dispatch.
    assert _ids(client.get(reverse("tickets:inbox"), {"inbox": "dispatch"})) == [accepted.pk]
    assert _ids(client.get(reverse("tickets:inbox"), {"inbox": "handle"})) == []
    _login(client, district, "department_handler")
    r = client.get(reverse("tickets:inbox"), {"inbox": "handle"})
    assert _ids(r) == [handling.pk] and 'data-testid="count-handle">1<' in r.content.decode()
    # Out of scope: nothing of grid g1.
    _login(client, district, "grid_worker_g2")
    assert _ids(client.get(reverse("tickets:inbox"))) == []


def test_overdue_and_supervised_tabs_and_marks(client, district):
    t = _dispatched_to_department(district, "路灯不亮")
    late = timezone.now() - timedelta(hours=1)
    Ticket.objects.filter(pk=t.pk).update(deadline=late, supervision="yellow")
    Supervision.objects.create(
        ticket=t,
        kind="yellow",
        reason="超期未处置",
        department=district.department,
        level=Level.DEPARTMENT,
        district_code=t.district_code,
        subdistrict_code=t.subdistrict_code,
        community_code=t.community_code,
        grid_code=t.grid_code,
    )
    other = report(district, "resident", "楼道杂物")
    _login(client, district, "community_worker")
    r = client.get(reverse("tickets:inbox"), {"inbox": "overdue"})
    html = r.content.decode()
    assert _ids(r) == [t.pk] and 'data-mark="overdue"' in html and 'data-mark="yellow"' in html
    assert _ids(client.get(reverse("tickets:inbox"), {"inbox": "supervised"})) == [t.pk]
    assert other.pk in _ids(client.get(reverse("tickets:inbox")))
    r = client.get(reverse("tickets:supervision"))
    assert r.status_code == 200 and "超期未处置" in r.content.decode()
    _login(client, district, "department_handler")
    assert "超期未处置" in client.get(reverse("tickets:supervision")).content.decode()
    _login(client, district, "grid_worker_g2")
    assert "超期未处置" not in client.get(reverse("tickets:supervision")).content.decode()


def test_filters_and_two_character_full_text(client, district):
    lamp = report(district, "resident", "小区门口路灯不亮了", category_code="101018")
    noise = report(district, "resident", "楼上装修噪音很大", category_code="205015")
    patrol = svc.ticket_report(
        actor=district.user("grid_worker"),
        data=svc.TicketInput(description="楼道杂物堆放", channel=Channel.PATROL, lng=117.105, lat=36.985),
    )
    g2 = report(district, "resident", "路灯闪烁", lng=G2_POINT[0], lat=G2_POINT[1])
    _login(client, district, "community_worker")
    url = reverse("tickets:inbox")
    assert set(_ids(client.get(url, {"q": "路灯"}))) == {lamp.pk, g2.pk}
    assert _ids(client.get(url, {"q": "噪音"})) == [noise.pk]
    assert _ids(client.get(url, {"channel": "patrol"})) == [patrol.pk]
    assert _ids(client.get(url, {"category": "205015"})) == [noise.pk]
    assert set(_ids(client.get(url, {"place": district.grids["g2"].code}))) == {g2.pk}
    assert _ids(client.get(url, {"number": lamp.number})) == [lamp.pk]
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=noise.pk)
    assert _ids(client.get(url, {"status": "accepted"})) == [noise.pk]
    today = timezone.localdate().isoformat()
    assert len(_ids(client.get(url, {"since": today, "until": today}))) == 4
    assert _ids(client.get(url, {"until": "2020-01-01"})) == []
    # Bad filters answer 400 with the Chinese message, never a 500.
    r = client.get(url, {"channel": "pigeon"})
    assert r.status_code == 400 and "未知的来源渠道" in r.content.decode()
    r = client.get(url, {"since": "yesterday"})
    assert r.status_code == 400 and "年-月-日" in r.content.decode()


def test_htmx_refresh_returns_only_the_list(client, district):
    lamp = report(district, "resident", "路灯不亮")
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:inbox"), {"q": "路灯"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and _ids(r) == [lamp.pk]
    assert "<html" not in html and 'hx-swap-oob="true"' in html and "q=%E8%B7%AF%E7%81%AF" in html


def test_keyset_paging(client, district, monkeypatch):
    from gongzhi.tickets.views import console_work

    monkeypatch.setattr(console_work, "PAGE_SIZE", 2)
    made = [report(district, "resident", f"路灯坏了第{i}处").pk for i in range(5)]
    newest_first = sorted(made, reverse=True)
    _login(client, district, "grid_worker")
    url = reverse("tickets:inbox")
    seen: list[int] = []
    params: dict[str, str] = {"q": "路灯"}
    for _ in range(5):
        r = client.get(url, params)
        seen += _ids(r)
        m = re.search(r'rel="next" href="\?([^"]+)"', r.content.decode())
        if not m:
            break
        query = dict(p.split("=", 1) for p in m.group(1).replace("&amp;", "&").split("&"))
        assert "after" in query
        params = {"q": "路灯", "after": query["after"]}
    assert seen == newest_first


def test_inbox_query_count_does_not_grow_with_rows(client, district, django_assert_max_num_queries):
    for i in range(3):
        _dispatched_to_department(district, f"路灯坏了{i}")
    _login(client, district, "community_worker")
    url = reverse("tickets:inbox")
    client.get(url)  # warm the session, content types and category caches
    with django_assert_max_num_queries(14) as few:
        assert len(_ids(client.get(url))) == 3
    for i in range(12):
        _dispatched_to_department(district, f"井盖丢失{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_ids(client.get(url))) == 15


# --- the export --------------------------------------------------------------------------------


def test_export_opens_with_openpyxl_with_the_filtered_rows_masked_and_audited(client, district):
    # A caller's report (the hotline's): only a report taken for someone else names its reporter.
    lamp = svc.ticket_report(
        actor=None,
        data=svc.TicketInput(
            description="小区门口路灯不亮了",
            channel=Channel.HOTLINE,
            lng=117.105,
            lat=36.985,
            reporter_name="张三丰",
            reporter_phone="13912345678",
        ),
    )
    report(district, "resident", "楼上装修噪音很大")
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:export"), {"q": "路灯"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    rows = list(wb["工单列表"].iter_rows(values_only=True))
    assert rows[0][:4] == ("工单编号", "上报时间", "标题", "问题描述")
    assert len(rows) == 2 and rows[1][0] == lamp.number
    body = " ".join(str(v) for v in rows[1] if v)
    assert "张**" in body and "139****5678" in body
    assert "张三丰" not in body and "13912345678" not in body
    notes = " ".join(str(r[0]) for r in wb["说明"].iter_rows(values_only=True))
    assert "单次最多导出50000条" in notes and "共导出1条" in notes
    audit = AuditEvent.objects.get(event_type="tickets.exported")
    assert audit.actor_id == district.user("grid_worker").pk
    assert audit.data["count"] == 1 and audit.data["filters"] == {"q": "路灯"}
    assert audit.grid_code == district.grids["g1"].code


def test_export_cap_is_stated_in_the_file(client, district, monkeypatch):
    from gongzhi.tickets import exports

    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 2)
    for i in range(3):
        report(district, "resident", f"路灯坏了{i}")
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:export"))
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    assert len(list(wb["工单列表"].iter_rows(values_only=True))) == 3  # header + the cap
    notes = " ".join(str(r[0]) for r in wb["说明"].iter_rows(values_only=True))
    assert "超过2条" in notes
    assert AuditEvent.objects.get(event_type="tickets.exported").data["truncated"] is True


def test_export_with_bad_filters_is_400_and_not_audited(client, district):
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:export"), {"status": "lost"})
    assert r.status_code == 400 and "未知的工单状态" in r.content.decode()
    assert not AuditEvent.objects.filter(event_type="tickets.exported").exists()


# --- the other pages and the navigation --------------------------------------------------------


def test_new_ticket_page_reports_a_patrol_find_with_a_photo(client, district):
    _login(client, district, "grid_worker")
    r = client.get(reverse("tickets:new"))
    html = r.content.decode()
    assert r.status_code == 200 and 'value="patrol"' in html and '"pick": true' in html
    r = client.post(
        reverse("tickets:new"),
        {
            "channel": "patrol",
            "description": "巡查发现井盖松动",
            "category_code": "",
            "lng": "117.105",
            "lat": "36.985",
            "address": "银山路1号",
            "photos": [_png()],
        },
    )
    assert r.status_code == 302
    t = Ticket.objects.get(description="巡查发现井盖松动")
    assert r.url == reverse("tickets:detail", args=[t.pk])
    assert t.channel == Channel.PATROL and t.grid_code == district.grids["g1"].code
    assert t.photos.count() == 1


def test_new_ticket_appointment_needs_the_session_and_bad_input_writes_nothing(client, district):
    _login(client, district, "community_worker")
    html = client.get(reverse("tickets:new")).content.decode()
    assert 'value="patrol"' not in html  # only grid workers patrol
    base = {"channel": "appointment", "description": "居民反映路灯不亮", "lng": "117.105", "lat": "36.985"}
    r = client.post(reverse("tickets:new"), base)
    assert r.status_code == 400 and "场次" in r.content.decode()
    r = client.post(reverse("tickets:new"), {**base, "channel_source": "书记有约第3期", "lng": "东经"})
    assert r.status_code == 400 and "应为数字" in r.content.decode()
    r = client.post(reverse("tickets:new"), {**base, "channel": "patrol", "channel_source": "x"})
    assert r.status_code == 400
    assert not Ticket.objects.exists()
    r = client.post(reverse("tickets:new"), {**base, "channel_source": "书记有约第3期"})
    assert r.status_code == 302
    t = Ticket.objects.get()
    assert (t.channel, t.channel_source) == (Channel.APPOINTMENT, "书记有约第3期")


def test_new_ticket_is_staff_only(client, district):
    _login(client, district, "department_handler")
    assert client.get(reverse("tickets:new")).status_code == 404


def test_category_page_shows_time_limits(client, district):
    _login(client, district, "department_handler")
    r = client.get(reverse("tickets:categories"))
    html = r.content.decode()
    assert r.status_code == 200 and "路灯" in html and "101018" in html and "工作日" in html


@pytest.mark.parametrize(
    "key", ["grid_worker", "community_worker", "subdistrict_staff", "district_admin", "department_handler"]
)
def test_pages_render_and_nav_has_the_section(client, district, key):
    t = _dispatched_to_department(district)
    _login(client, district, key)
    for name in ("tickets:inbox", "tickets:supervision", "tickets:categories"):
        r = client.get(reverse(name))
        assert r.status_code == 200, name
    html = client.get(reverse("console:home")).content.decode()
    assert "网格事件" in html and reverse("tickets:inbox") in html
    assert (reverse("tickets:new") in html) == (key != "department_handler")
    assert client.get(reverse("tickets:detail", args=[t.pk])).status_code == 200


def test_extension_is_requested_and_decided_from_the_page(client, district):
    t = _dispatched_to_department(district)
    svc.ticket_respond(actor=district.user("department_handler"), ticket_id=t.pk)
    old_deadline = Ticket.objects.get(pk=t.pk).deadline
    _login(client, district, "department_handler")
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert 'data-action="extend"' in html and 'data-action="extend-decide"' not in html
    r = client.post(
        reverse("tickets:action", args=[t.pk, "extend"]),
        {"amount": "2", "unit": "working_days", "reason": "需采购灯杆配件"},
    )
    assert r.status_code == 302
    _login(client, district, "community_worker")
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert 'data-testid="pending-extension"' in html and "需采购灯杆配件" in html
    assert 'data-action="extend-decide"' in html
    # Refusing needs a note: 400, the request stays pending.
    r = client.post(reverse("tickets:action", args=[t.pk, "extend"]), {"decision": "refuse"})
    assert r.status_code == 400 and 'data-field="note"' in r.content.decode()
    r = client.post(reverse("tickets:action", args=[t.pk, "extend"]), {"decision": "approve"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert old_deadline is not None and t.deadline is not None and t.deadline > old_deadline


def test_verify_rework_then_callback_and_close_from_the_page(client, district):
    t = _dispatched_to_department(district)
    handler = district.user("department_handler")
    svc.ticket_respond(actor=handler, ticket_id=t.pk)
    svc.ticket_handle(actor=handler, ticket_id=t.pk, result="已修")
    _login(client, district, "grid_worker")
    url = reverse("tickets:action", args=[t.pk, "verify"])
    r = client.post(url, {"note": "看看"})
    assert r.status_code == 400 and "核查是否通过" in r.content.decode()
    r = client.post(url, {"passed": "false", "note": "灯还是不亮"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == S.IN_PROGRESS and t.rework_count == 1
    svc.ticket_handle(actor=handler, ticket_id=t.pk, result="换了灯头")
    assert client.post(url, {"passed": "true", "photos": [_png()]}).status_code == 302
    r = client.post(reverse("tickets:action", args=[t.pk, "callback"]), {"satisfaction": "great"})
    assert r.status_code == 400 and 'data-field="satisfaction"' in r.content.decode()
    cb = {"satisfaction": "satisfied", "note": "居民满意"}
    assert client.post(reverse("tickets:action", args=[t.pk, "callback"]), cb).status_code == 302
    assert client.post(reverse("tickets:action", args=[t.pk, "close"]), {}).status_code == 302
    t.refresh_from_db()
    assert t.status == S.CLOSED and t.satisfaction == "satisfied"
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert 'data-testid="no-actions"' in html and 'data-move="close"' in html


def test_auditor_reads_but_has_no_forms(client, district):
    t = report(district, "resident", "路灯不亮")
    _login(client, district, "auditor")
    r = client.get(reverse("tickets:detail", args=[t.pk]))
    assert r.status_code == 200 and 'data-testid="no-actions"' in r.content.decode()
    assert client.get(reverse("tickets:new")).status_code == 404
    r = client.post(reverse("tickets:action", args=[t.pk, "accept"]), {})
    assert r.status_code == 403 and Ticket.objects.get(pk=t.pk).status == S.REPORTED


def test_place_handler_is_shown_by_name(client, district):
    t = _accepted(district, "楼道杂物", category_code="301005")
    svc.ticket_escalate(actor=district.user("grid_worker"), ticket_id=t.pk, reason="需社区协调")
    svc.ticket_dispatch(actor=district.user("community_worker"), ticket_id=t.pk, level=Level.COMMUNITY)
    _login(client, district, "community_worker")
    html = client.get(reverse("tickets:detail", args=[t.pk])).content.decode()
    assert "银山社区" in html and 'data-action="handle"' in html
