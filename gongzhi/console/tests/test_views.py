from __future__ import annotations

import pytest
from axes.utils import reset
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.audit.selectors import audit_event_list_for_actor
from gongzhi.console.tests.helpers import assert_no_inline_script, figures
from gongzhi.people.models import Person
from gongzhi.places.enums import RESIDENTIAL_BAND
from gongzhi.places.models import Community, Grid, Household
from gongzhi.testing import PASSWORD

LOGIN = "/console/login/"
LOCKED = "登录失败次数过多"


@pytest.fixture(autouse=True)
def _axes_clean(db):
    reset()
    yield
    reset()


def signed_in(district, key: str) -> Client:
    client = Client()
    client.force_login(district.user(key))
    return client


# --- sign in and out ---------------------------------------------------------------------------


def test_login_page_is_chinese(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作人员登录" in html and "用户名" in html and "密码" in html
    assert_no_inline_script(html)


def test_login_then_home_and_logged_in_event(client, district):
    response = client.post(LOGIN, {"username": "district_admin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    user = district.user("district_admin")
    assert AuditEvent.objects.filter(event_type="accounts.logged_in", actor=user).count() == 1


def test_wrong_password_shows_chinese_error(client, district):
    response = client.post(LOGIN, {"username": "district_admin", "password": "wrong-password"})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_error(client, district):
    response = client.post(LOGIN, {"username": "nobody", "password": "wrong-password"})
    assert "用户名或密码错误" in response.content.decode()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/console/audit/", "/console/audit/"),
        ("https://evil.example.com/", "/console/"),
        ("//evil.example.com/x", "/console/"),
        ("", "/console/"),
    ],
)
def test_next_is_honoured_only_on_this_host(client, district, next_url, expected):
    response = client.post(
        f"{LOGIN}?next={next_url}", {"username": "district_admin", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_login_page_redirects_signed_in_staff(district):
    client = signed_in(district, "grid_worker")
    response = client.get(LOGIN)
    assert response.status_code == 302 and response["Location"] == "/console/"


def test_lockout_after_five_failures(client, district):
    statuses = [
        client.post(LOGIN, {"username": "grid_worker", "password": f"wrong-{i}"}).status_code
        for i in range(5)
    ]
    assert statuses[:4] == [400, 400, 400, 400]
    assert statuses[4] == 429
    # Even the right password is refused while locked out, with the Chinese message.
    response = client.post(LOGIN, {"username": "grid_worker", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "30分钟" in html
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    assert client.post(LOGIN, {"username": "grid_head", "password": PASSWORD}).status_code == 302
    reset(username="grid_worker")
    assert client.post(LOGIN, {"username": "grid_worker", "password": PASSWORD}).status_code == 302


def test_logout_is_post_only(district):
    client = signed_in(district, "grid_worker")
    assert client.get("/console/logout/").status_code == 405
    response = client.post("/console/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get("/console/").status_code == 302


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/console/"


# --- residents use the H5 site -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["resident", "party_member", "unit_liaison"])
def test_h5_roles_cannot_open_console(district, key):
    client = signed_in(district, key)
    for url in ("/console/", "/console/audit/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/h5/"


def test_resident_password_login_goes_to_h5(client, district):
    response = client.post(
        f"{LOGIN}?next=/console/audit/",
        {"username": "resident", "password": PASSWORD, "next": "/console/audit/"},
    )
    assert response.status_code == 302 and response["Location"] == "/h5/"


# --- security headers and pages without inline script ------------------------------------------


def test_csp_header_forbids_inline_script(district):
    client = signed_in(district, "district_admin")
    for url in ("/console/", "/console/audit/", LOGIN, "/h5/login/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert "'self'" in script_src
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        assert "frame-ancestors 'none'" in csp


def test_console_pages_have_no_inline_script(district):
    client = signed_in(district, "district_admin")
    for url in ("/console/", "/console/audit/", "/console/people/", "/console/places/tree/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_script(response.content.decode())


def test_htmx_csrf_and_scripts_are_files(district):
    html = signed_in(district, "district_admin").get("/console/").content.decode()
    assert '<meta name="csrf-token"' in html
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html
    assert 'src="/static/console/console.js"' in html
    assert 'src="/static/vendor/echarts/echarts.min.js"' in html
    assert 'id="grid-kind-data" type="application/json"' in html


# --- home figures ------------------------------------------------------------------------------


def _db_figures() -> dict[str, int]:
    low, high = RESIDENTIAL_BAND
    by_kind = dict(Grid.objects.values_list("kind").annotate(n=Count("id")))
    outside = (
        Grid.objects.filter(kind="residential")
        .annotate(n=Count("households"))
        .filter(Q(n__lt=low) | Q(n__gt=high))
        .count()
    )
    return {
        "communities": Community.objects.count(),
        "grids": Grid.objects.count(),
        "grids-residential": by_kind.get("residential", 0),
        "grids-reserved": by_kind.get("reserved", 0),
        "grids-dedicated": by_kind.get("dedicated", 0),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "outside-band": outside,
    }


def test_home_figures_match_the_records(district):
    html = signed_in(district, "district_admin").get("/console/").content.decode()
    shown = figures(html)
    expected = _db_figures()
    for key, value in expected.items():
        if key != "outside-band":
            assert shown[f"district-{key}"] == value, key
        # The district admin's own scope is the whole district.
        assert shown[f"mine-{key}"] == value, key
    assert expected == {
        "communities": 3,
        "grids": 4,
        "grids-residential": 4,
        "grids-reserved": 0,
        "grids-dedicated": 0,
        "households": 12,
        "persons": 24,
        "outside-band": 4,
    }


def test_home_scope_figures_for_a_community_worker(district):
    html = signed_in(district, "community_worker").get("/console/").content.decode()
    shown = figures(html)
    a1 = district.communities["A1"]
    assert shown["mine-communities"] == 1
    assert shown["mine-grids"] == Grid.objects.filter(community=a1).count() == 2
    assert shown["mine-households"] == Household.objects.filter(community_code=a1.code).count() == 6
    assert shown["mine-persons"] == Person.objects.filter(community_code=a1.code).count() == 12
    # District-wide aggregates are the same for everyone.
    assert shown["district-households"] == 12
    assert "银山社区" in html and "城里社区" not in html.split("全区概况")[0]


def test_home_chart_data_per_community(district):
    response = signed_in(district, "subdistrict_staff").get("/console/")
    rows = response.context["chart"]["rows"]
    assert [(r["name"], r["residential"], r["reserved"], r["dedicated"]) for r in rows] == [
        ("银山社区", 2, 0, 0),
        ("城里社区", 1, 0, 0),
    ]


def test_home_for_department_handler_without_places(district):
    response = signed_in(district, "department_handler").get("/console/")
    assert response.status_code == 200
    html = response.content.decode()
    # a department's user works by department, not by place: the home says so instead of "no places"
    assert "尚未分配区划范围" not in html
    assert 'data-testid="department-scope"' in html and district.department.name in html


def test_home_query_count_is_bounded(district, django_assert_max_num_queries):
    client = signed_in(district, "district_admin")
    client.get("/console/")
    # 17: the figures, the menu, the session … and one for the banner of a running demo build (jobs);
    # +4 for the home chart's ranking of the level below (the place checked, its children, their whole
    # months and the days at the period's edge)
    with django_assert_max_num_queries(21):
        client.get("/console/")


# --- navigation --------------------------------------------------------------------------------


def test_every_nav_section_is_a_label_its_links_and_who_sees_it():
    # a section merged into its neighbour's tuple would vanish from the menu without an error
    from gongzhi.console.templatetags.console_tags import NAV

    for section in NAV:
        assert len(section) == 3, section
        label, links, who = section
        assert isinstance(who, str) and isinstance(links, list) and links
        assert all(isinstance(link, tuple) and 2 <= len(link) <= 3 for link in links), label


def test_nav_shows_only_links_that_exist(district):
    from gongzhi.console.templatetags.console_tags import nav_url

    assert nav_url("console:home") == "/console/"
    assert nav_url("places:no_such_page") == ""
    html = signed_in(district, "district_admin").get("/console/").content.decode()
    assert 'href="/console/people/"' in html and "审计日志" in html
    assert "实有人口" in html and "区划网格" in html


def test_nav_hides_audit_from_grid_worker(district):
    html = signed_in(district, "grid_worker").get("/console/").content.decode()
    assert 'href="/console/audit/"' not in html


def test_top_bar_shows_name_roles_and_language_switch(district):
    html = signed_in(district, "community_secretary").get("/console/").content.decode()
    assert "community_secretary" in html and "社区党组织书记" in html
    assert 'action="/i18n/setlang/"' in html and 'value="en"' in html


def test_language_switch_posts_to_set_language(district):
    client = signed_in(district, "grid_worker")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    assert response.status_code == 302 and response["Location"] == "/console/"
    html = client.get("/console/").content.decode()
    assert '<html lang="en">' in html
    assert "Dashboard" in html and "Sign out" in html and "Whole district" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/console/"})
    assert "工作台" in client.get("/console/").content.decode()


def test_messages_are_shown(district, rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/console/")
    request.user = district.user("grid_worker")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    from django.contrib import messages

    messages.success(request, "保存成功")
    html = render_to_string("console/partials/_messages.html", request=request)
    assert "保存成功" in html and "message-success" in html


# --- audit -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["grid_worker", "grid_head", "community_worker", "department_handler", "grid_worker_g2"]
)
def test_audit_page_is_404_for_other_roles(district, key):
    response = signed_in(district, key).get("/console/audit/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize("key", ["district_admin", "auditor", "community_secretary", "subdistrict_staff"])
def test_audit_page_for_audit_roles(district, key):
    response = signed_in(district, key).get("/console/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "审计日志" in html and "登记人员" in html


def test_audit_page_is_scoped(district):
    response = signed_in(district, "community_secretary").get("/console/audit/?event=people.person_created")
    events = response.context["events"]
    assert events and all(e.community_code == district.communities["A1"].code for e in events)
    assert len(events) == 12  # two grids × three households × two persons


def test_audit_keyset_paging_walks_every_event_once(district):
    client = signed_in(district, "district_admin")
    expected = [e.pk for e in audit_event_list_for_actor(actor=district.user("district_admin"), limit=10_000)]
    assert len(expected) > 50
    seen: list[int] = []
    url = reverse("console:audit")
    for _ in range(10):
        response = client.get(url)
        seen += [e.pk for e in response.context["events"]]
        if response.context["next_before"] is None:
            break
        assert len(response.context["events"]) == 50
        assert f"before={response.context['next_before']}" in response.content.decode()
        url = reverse("console:audit") + f"?before={response.context['next_before']}"
    assert seen == expected


def test_audit_filter_by_event_type_and_bad_params(district):
    client = signed_in(district, "auditor")
    response = client.get("/console/audit/?event=places.grid_created")
    assert {e.event_type for e in response.context["events"]} == {"places.grid_created"}
    assert len(response.context["events"]) == 4
    response = client.get("/console/audit/?event=nonsense&before=abc")
    assert response.status_code == 200
    assert response.context["event_type"] == ""


def test_timeline_partial_renders_labels_and_data(district):
    events = list(AuditEvent.objects.filter(event_type="places.grid_created").order_by("id"))
    html = render_to_string("audit/partials/_timeline.html", {"events": events})
    assert "创建网格" in html and "操作人：系统" in html and "居民网格" in html
    assert render_to_string("audit/partials/_timeline.html", {"events": []}).count("暂无操作记录") == 1


# --- error pages -------------------------------------------------------------------------------


def test_404_page_is_chinese(client, db):
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "返回工作台" in html


def test_500_and_403_pages_need_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert "系统暂时出现问题" in render_to_string("500.html")
        assert "没有权限" in render_to_string("403.html")
        assert "请求有误" in render_to_string("400.html")


def test_csrf_failure_page_is_chinese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_audit_page_query_count_does_not_grow_with_events(district, django_assert_num_queries):
    client = signed_in(district, "district_admin")
    client.get("/console/audit/")
    # who is asking (session, user, role assignments: one query), one page of events
    with django_assert_num_queries(2):
        response = client.get("/console/audit/")
    assert len(response.context["events"]) == 50


def test_account_events_reach_district_auditors_but_not_community_secretaries(district):
    from gongzhi.audit.models import AuditEvent

    created = AuditEvent.objects.filter(event_type="accounts.user_created").count()
    assert created > 0
    auditor = signed_in(district, "auditor")
    listed = auditor.get("/console/audit/?event=accounts.user_created").context["events"]
    assert len(listed) == min(created, 50)
    secretary = signed_in(district, "community_secretary")
    listed = secretary.get("/console/audit/?event=accounts.user_created").context["events"]
    assert len(listed) == 0
