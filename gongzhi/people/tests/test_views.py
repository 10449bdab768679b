"""Console pages of the population register: search, detail with reveal, import, export."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.people import exports, views
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.tests.helpers import csv_bytes, person_row, read_xlsx, upload, xlsx_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_user(district, client):
    def login_as(username: str):
        client.force_login(district.user(username))
        return client

    return login_as


def _plain_values(persons) -> set[str]:
    out = set()
    for p in persons:
        out.add(ids.decrypt(p.id_number_encrypted))
        out.add(ids.decrypt(p.phone_encrypted))
    return out


def _assert_no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag  # CSP: script-src 'self' only


@pytest.mark.parametrize(
    "name", ["people:search", "people:import", "people:export", "people:import_template"]
)
def test_pages_need_a_login(district, client, name):
    r = client.get(reverse(name))
    assert r.status_code == 302 and "/console/login/" in r["Location"]


def test_search_page_lists_masked_persons_in_scope(district, as_user):
    client = as_user("grid_worker")
    r = client.get(reverse("people:search"))
    assert r.status_code == 200
    html = r.content.decode()
    _assert_no_inline_script(html)
    assert "姓名 / 拼音首字母 / 手机后4位 / 身份证号" in html
    for p in district.persons["g1"]:
        assert p.name in html and p.id_number_masked in html and p.phone_masked in html
    for p in district.persons["g2"]:
        assert p.name not in html
    for value in _plain_values(district.persons["g1"]):
        assert value not in html
    assert 'href="/console/people/export.xlsx"' in html
    assert "people/people.js" in html


def test_live_search_returns_the_results_partial(district, as_user):
    client = as_user("community_worker")
    target = district.persons["g2"][0]
    r = client.get(reverse("people:search"), {"q": target.name}, HTTP_HX_TARGET="person-results", **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and 'data-testid="person-results"' in html
    assert target.name in html and district.persons["g1"][0].name not in html
    # The export link follows the search (swapped out of band).
    assert 'id="people-export"' in html and 'hx-swap-oob="true"' in html
    assert f"/console/people/export.xlsx?q={target.name}" in html or "export.xlsx?q=%E6" in html
    pinyin = client.get(reverse("people:search"), {"q": "cs"}, HTTP_HX_TARGET="person-results", **HTMX)
    assert all(p.name in pinyin.content.decode() for p in district.persons["g1"] + district.persons["g2"])


def test_search_filters_and_keyset_pages(district, as_user, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = as_user("community_worker")
    g2 = district.grids["g2"].code
    first = client.get(reverse("people:search"), {"grid": g2}).content.decode()
    assert first.count('href="/console/people/') - first.count("export.xlsx") >= 4
    match = re.search(r'rel="next" href="\?([^"]+)"', first)
    assert match is not None and "下一页" in first
    query = match.group(1).replace("&amp;", "&")
    assert f"grid={g2}" in query
    second = client.get(f"{reverse('people:search')}?{query}").content.decode()
    names_first = {p.name for p in district.persons["g2"] if p.name in first}
    names_second = {p.name for p in district.persons["g2"] if p.name in second}
    assert len(names_first) == 4 and len(names_second) == 2 and not names_first & names_second
    assert "回到第一页" in second and "下一页" not in second
    Person.objects.filter(pk=district.persons["g2"][0].pk).update(tags=["veteran"])
    tagged = client.get(reverse("people:search"), {"tag": "veteran"}).content.decode()
    assert district.persons["g2"][0].name in tagged and district.persons["g2"][1].name not in tagged


def test_search_results_query_count_is_fixed(district, as_user, django_assert_num_queries):
    client = as_user("district_admin")
    client.get(reverse("people:search"))  # warm the session
    # who is asking (session, user, role assignments: one query), persons (with households)
    with django_assert_num_queries(2):
        r = client.get(reverse("people:search"), HTTP_HX_TARGET="person-results", **HTMX)
    assert r.status_code == 200


def test_detail_shows_person_household_and_timeline(district, as_user):
    client = as_user("grid_worker")
    person = district.persons["g1"][0]
    r = client.get(reverse("people:detail", args=[person.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    _assert_no_inline_script(html)
    assert person.id_number_masked in html and person.phone_masked in html
    assert district.persons["g1"][1].name in html  # the spouse, same household
    assert "查看完整" in html and 'name="reason"' in html
    assert 'data-testid="audit-timeline"' in html and "登记人员" in html
    for value in _plain_values([person, district.persons["g1"][1]]):
        assert value not in html


def test_detail_of_an_out_of_scope_person_is_404(district, as_user):
    client = as_user("grid_worker")
    other = district.persons["g2"][0]
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("people:timeline", args=[other.pk])).status_code == 404
    r = client.post(reverse("people:reveal", args=[other.pk]), {"field": "id_number", "reason": "x"}, **HTMX)
    assert r.status_code == 404
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404
    assert not AuditEvent.objects.filter(event_type="people.person_revealed").exists()


def test_a_view_only_role_sees_no_reveal_button(district, as_user):
    client = as_user("auditor")
    person = district.persons["g1"][0]
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.id_number_masked in html and "查看完整" not in html
    r = client.post(reverse("people:reveal", args=[person.pk]), {"field": "phone", "reason": "看看"}, **HTMX)
    assert r.status_code == 403


def test_reveal_swaps_in_the_value_and_is_audited(district, as_user):
    client = as_user("grid_worker")
    person = district.persons["g1"][0]
    url = reverse("people:reveal", args=[person.pk])
    r = client.post(url, {"field": "id_number", "reason": ""}, **HTMX)
    assert r.status_code == 200 and "请填写查看原因" in r.content.decode()
    assert not AuditEvent.objects.filter(event_type="people.person_revealed").exists()

    r = client.post(url, {"field": "id_number", "reason": "入户核实"}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert ids.decrypt(person.id_number_encrypted) in html
    assert f'data-masked="{person.id_number_masked}"' in html
    assert r["HX-Trigger"] == "people:revealed" and r["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(event_type="people.person_revealed")
    assert event.actor == district.user("grid_worker") and event.data["reason"] == "入户核实"

    timeline = client.get(reverse("people:timeline", args=[person.pk])).content.decode()
    assert "查看完整个人信息" in timeline and "入户核实" in timeline
    assert client.post(url, {"field": "password", "reason": "x"}).status_code == 404
    assert client.get(url).status_code == 405


def test_import_page_dry_run_then_apply(district, as_user):
    client = as_user("grid_worker")
    page = client.get(reverse("people:import"))
    assert page.status_code == 200
    html = page.content.decode()
    _assert_no_inline_script(html)
    assert reverse("people:import_template") in html and 'hx-encoding="multipart/form-data"' in html
    g1 = district.grids["g1"].code
    content = xlsx_bytes([person_row(g1, "101", "页面导入", 1501), person_row(g1, "102", "页面导入二", 1502)])
    before = Person.objects.count()

    r = client.post(reverse("people:import"), {"file": upload(content), "action": "check"}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-status="checked"' in html and "校验通过" in html and "<html" not in html
    assert Person.objects.count() == before

    r = client.post(reverse("people:import"), {"file": upload(content), "action": "apply"}, **HTMX)
    html = r.content.decode()
    assert 'data-status="applied"' in html
    assert re.search(r'data-testid="import-created">2<', html)
    assert Person.objects.count() == before + 2

    # Without htmx the whole page comes back, with the result and the list of recent imports.
    r = client.post(reverse("people:import"), {"file": upload(content), "action": "apply"})
    html = r.content.decode()
    assert "<html" in html and "没有变化" in html and "最近的导入" in html
    assert re.search(r'data-testid="import-unchanged">2<', html)


def test_import_page_shows_row_errors_and_the_report_link(district, as_user):
    client = as_user("grid_worker")
    g1, g2 = district.grids["g1"].code, district.grids["g2"].code
    rows = [person_row(g1, "1", "甲", 1601), person_row(g2, "1", "乙", 1602), person_row(g1, "2", "丙", 1603)]
    rows[2][7] = "1234"
    r = client.post(reverse("people:import"), {"file": upload(xlsx_bytes(rows)), "action": "apply"}, **HTMX)
    html = r.content.decode()
    assert 'data-status="rejected"' in html and "未写入任何数据" in html
    assert "网格编码不存在或不在您的管辖范围内" in html and '<td class="num">3</td>' in html
    record = PopulationImport.objects.get()
    report_url = reverse("people:import_errors", args=[record.pk])
    assert report_url in html
    report = read_xlsx(client.get(report_url).content)
    assert [(row[0], row[1]) for row in report[1:]] == [(3, "网格编码"), (4, "联系电话")]
    assert client.get(report_url).status_code == 200
    client.force_login(district.user("grid_worker_g2"))
    assert client.get(report_url).status_code == 404


def test_import_page_takes_a_csv_file(district, as_user):
    client = as_user("grid_worker")
    g1 = district.grids["g1"].code
    rows = [
        person_row(g1, "101", "表格导入", 1511, phone="13900001511"),
        person_row(g1, "101", "表格导入二", 1512),
    ]
    before = Person.objects.count()
    content = csv_bytes(rows, encoding="utf-8-sig")
    r = client.post(
        reverse("people:import"), {"file": upload(content, "名单.csv"), "action": "apply"}, **HTMX
    )
    html = r.content.decode()
    assert 'data-status="applied"' in html and re.search(r'data-testid="import-created">2<', html)
    assert Person.objects.count() == before + 2
    assert Person.objects.get(name="表格导入").phone_masked == "139****1511"
    # A csv the page cannot read is refused on the page, in Chinese, and nothing is kept.
    broken = upload(b'\xe7\xbd\x91\xe6\xa0\xbc\xe7\xbc\x96\xe7\xa0\x81,"x"y\r\n', "坏.csv")
    r = client.post(reverse("people:import"), {"file": broken, "action": "apply"}, **HTMX)
    assert r.status_code == 200 and "CSV文件无法读取：第1行格式错误" in r.content.decode()
    assert PopulationImport.objects.count() == 1


def test_import_page_refuses_a_non_xlsx_file_in_chinese(district, as_user):
    client = as_user("grid_worker")
    bad = upload(b"hello", name="名单.txt")
    r = client.post(reverse("people:import"), {"file": bad, "action": "apply"}, **HTMX)
    assert r.status_code == 200
    assert "请上传 .xlsx 格式的Excel文件或 .csv 文件" in r.content.decode()
    r = client.post(reverse("people:import"), {"action": "apply"}, **HTMX)
    assert "请选择要上传的Excel文件" in r.content.decode()
    assert not PopulationImport.objects.exists()


def test_import_page_refuses_a_view_only_role(district, as_user):
    client = as_user("auditor")
    page = client.get(reverse("people:import")).content.decode()
    assert 'data-testid="import-forbidden"' in page and 'type="file"' not in page
    g1 = district.grids["g1"].code
    content = xlsx_bytes([person_row(g1, "1", "甲", 1701)])
    assert (
        client.post(reverse("people:import"), {"file": upload(content), "action": "apply"}).status_code == 403
    )


def test_console_export_and_template(district, as_user):
    client = as_user("grid_worker")
    r = client.get(reverse("people:export"), {"q": district.persons["g1"][0].name})
    assert r.status_code == 200
    rows = read_xlsx(r.content)
    assert [row[2] for row in rows[1:]] == [district.persons["g1"][0].name]
    assert AuditEvent.objects.filter(event_type="people.persons_exported").count() == 1
    assert client.get(reverse("people:export"), {"grid": district.grids["g2"].code}).status_code == 404
    template = client.get(reverse("people:import_template"))
    assert template.status_code == 200 and read_xlsx(template.content, "实有人口")[0][0] == "网格编码"


def test_console_export_over_the_limit_goes_back_with_a_message(district, as_user, monkeypatch):

    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 1)
    client = as_user("grid_worker")
    r = client.get(reverse("people:export"), {"tag": "veteran", "q": "测试"}, follow=True)
    assert r.status_code == 200
    r = client.get(reverse("people:export"), follow=True)
    assert r.redirect_chain[-1][0] == reverse("people:search")
    assert "超过单次导出上限1人" in r.content.decode()
