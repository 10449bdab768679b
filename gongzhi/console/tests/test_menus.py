"""Menus per role and the empty states a new user meets (issue 17, item 11).

Every console role is signed in; every link its menu shows must open (200) on a page with something for
that role: never a message that the page is empty *because of who they are* (no places, no population).
A page that is empty only because nothing was entered yet is fine: it says what to do.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.console.tests.helpers import assert_no_inline_script

CONSOLE_ROLES = [
    "district_admin",
    "auditor",
    "subdistrict_staff",
    "community_worker",
    "community_secretary",
    "grid_head",
    "grid_worker",
    "department_handler",
]

# What a page says when the viewer's role can never see anything on it.
SCOPE_EMPTY = [
    "尚未分配区划范围",
    "管辖范围内还没有登记人员",
]

_NAV = re.compile(r'<nav class="sidenav"[^>]*>(.*?)</nav>', re.S)
_LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>')


def signed_in(district, key: str) -> Client:
    client = Client()
    client.force_login(district.user(key))
    return client


def menu(client: Client) -> dict[str, str]:
    """The menu's links of the console home: label → URL."""
    html = client.get("/console/").content.decode()
    nav = _NAV.search(html)
    assert nav is not None
    return {label.strip(): url for url, label in _LINK.findall(nav.group(1))}


@pytest.mark.parametrize("key", CONSOLE_ROLES)
def test_every_menu_item_opens_a_page_with_something_for_the_role(district, key):
    client = signed_in(district, key)
    links = menu(client)
    assert links, key
    for label, url in links.items():
        response = client.get(url)
        assert response.status_code == 200, (key, label, url, response.status_code)
        body = response.content.decode()
        for phrase in SCOPE_EMPTY:
            assert phrase not in body, (key, label, url, phrase)


def test_a_grid_worker_is_not_offered_pages_kept_per_community(district):
    links = menu(signed_in(district, "grid_worker"))
    for label in ("单位考核", "碰头配对", "驻区单位"):
        assert label not in links, label
    # what a grid worker does use stays
    for label in ("人员查询", "工作台", "巡查", "服务记录", "重点人群"):
        assert label in links, label
    # a community's staff keep them
    community = menu(signed_in(district, "community_secretary"))
    for label in ("单位考核", "碰头配对", "驻区单位"):
        assert label in community, label


def test_a_department_user_is_not_offered_places_or_population(district):
    links = menu(signed_in(district, "department_handler"))
    for label in ("区划树", "网格地图", "网格户数核查", "实有人口", "人员查询"):
        assert label not in links, label
    assert links.get("工作台") == reverse("tickets:inbox")
    # the pages stay closed to the eye too: the menu hides them, it does not grant or refuse anything
    home = signed_in(district, "department_handler").get("/console/").content.decode()
    assert "尚未分配区划范围" not in home
    assert 'data-testid="department-scope"' in home and district.department.name in home


def test_the_menu_is_a_button_on_small_screens(district):
    html = signed_in(district, "grid_worker").get("/console/").content.decode()
    assert 'class="nav-toggle" href="#sidenav"' in html and 'aria-controls="sidenav"' in html
    assert '<nav class="sidenav" id="sidenav"' in html
    assert_no_inline_script(html)
    css = (district_static("console/console.css")).read_text()
    assert (
        "@media (max-width: 767.98px)" in css
        and ".sidenav.is-open, .sidenav:target { display: block; }" in css
    )
    assert "@media (max-width: 599.98px)" in css and "td[data-label]::before" in css


def district_static(path: str):
    from django.contrib.staticfiles import finders

    found = finders.find(path)
    assert found, path
    from pathlib import Path

    return Path(found)


def test_the_holiday_warning_only_for_whom_can_enter_the_calendar(district, monkeypatch):
    from gongzhi.workdays import calendar

    monkeypatch.setattr(calendar, "calendar_warnings", lambda today=None: ["2027年节假日安排尚未录入"])
    from gongzhi.workdays.templatetags import workdays_tags

    monkeypatch.setattr(workdays_tags, "calendar_warnings", lambda: ["2027年节假日安排尚未录入"])
    admin = signed_in(district, "district_admin").get("/console/").content.decode()
    assert 'data-testid="calendar-warnings"' in admin and "2027年节假日安排尚未录入" in admin
    for key in ("auditor", "subdistrict_staff", "community_worker", "grid_worker", "department_handler"):
        body = signed_in(district, key).get("/console/").content.decode()
        assert 'data-testid="calendar-warnings"' not in body, key


# --- the ticket's 办理 panel when the viewer has no move ---------------------------------------


def _dispatched_to_department(district):
    from gongzhi.tickets import services as svc
    from gongzhi.tickets.enums import Level
    from gongzhi.tickets.tests.helpers import report

    t = report(district, "resident", "小区门口路灯不亮了", category_code="101018")
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk)
    return svc.ticket_dispatch(
        actor=district.user("community_worker"),
        ticket_id=t.pk,
        level=Level.DEPARTMENT,
        department_id=district.department.pk,
    )


def test_after_dispatch_the_panel_says_whom_the_ticket_waits_for_and_until_when(district):
    from django.utils import timezone

    t = _dispatched_to_department(district)
    html = signed_in(district, "grid_worker").get(reverse("tickets:detail", args=[t.pk])).content.decode()
    panel = html.split('data-testid="ticket-actions"', 1)[1].split("</section>", 1)[0]
    assert 'data-waiting="dispatched"' in panel
    at = timezone.localtime(t.respond_deadline).strftime("%Y-%m-%d %H:%M")
    assert f"等待 {district.department.name} 报到，{at} 前" in panel
    assert "处置时限" in panel
    # the department responds: the panel of the one who dispatched it now names the deadline of the work
    from gongzhi.tickets import services as svc

    svc.ticket_respond(actor=district.user("department_handler"), ticket_id=t.pk)
    t.refresh_from_db()
    html = signed_in(district, "grid_worker").get(reverse("tickets:detail", args=[t.pk])).content.decode()
    panel = html.split('data-testid="ticket-actions"', 1)[1].split("</section>", 1)[0]
    due = timezone.localtime(t.deadline).strftime("%Y-%m-%d %H:%M")
    assert f"等待 {district.department.name} 办理，{due} 前" in panel
    assert 'data-testid="action-bar"' not in panel  # nothing to reach with a thumb


def test_the_action_bar_links_every_move_the_viewer_has(district):
    from gongzhi.tickets.tests.helpers import report

    t = report(district, "resident", "楼道堆放杂物")
    html = signed_in(district, "grid_worker").get(reverse("tickets:detail", args=[t.pk])).content.decode()
    bar = html.split('data-testid="action-bar"', 1)[1].split("</nav>", 1)[0]
    moves = re.findall(r'data-jump="(act-[a-z-]+)"', bar)
    assert moves and "act-accept" in moves
    for target in moves:  # each button opens a form of the page
        assert f'id="{target}"' in html, target
    assert_no_inline_script(html)


# --- 服务记录: the list and its header agree ---------------------------------------------------


def test_service_records_empty_state_matches_the_confirmed_count(district):
    from gongzhi.party.tests.test_serving import confirmed_record, make_member

    member = make_member(district, "张三")
    confirmed_record(district, member, "2", dt.date.today() - dt.timedelta(days=3))
    html = signed_in(district, "community_worker").get(reverse("party:serving_records")).content.decode()
    assert "已确认 1 条" in html
    assert "暂无服务记录" not in html
    assert (
        "没有待确认的服务记录" in html and 'href="?status=confirmed"' in html and "查看已确认的 1 条" in html
    )
    confirmed = signed_in(district, "community_worker").get(
        reverse("party:serving_records") + "?status=confirmed"
    )
    assert "张三" in confirmed.content.decode()


def test_service_records_with_none_at_all_say_how_they_come(district):
    html = (
        signed_in(district, "community_worker")
        .get(reverse("party:serving_records") + "?status=all")
        .content.decode()
    )
    assert "还没有服务记录" in html and "认领服务岗位" in html
