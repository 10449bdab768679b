"""The console page /console/workdays/, the banner on the console home, and the JSON API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.console.tests.helpers import assert_no_inline_script
from gongzhi.workdays.calendar import SHANGHAI, year_warning
from gongzhi.workdays.models import HolidayYear
from gongzhi.workdays.services import holiday_year_set

PAGE = "/console/workdays/"
API = "/api/v1/workdays"
LINES = "2027-01-01~2027-01-03 元旦\n调休 2027-01-10 元旦调休"
THIS_YEAR = dt.datetime.now(SHANGHAI).year


def signed_in(district, key: str) -> Client:
    client = Client()
    client.force_login(district.user(key))
    return client


def enter_2027() -> None:
    holiday_year_set(
        actor=None,
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        holidays=[(dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦")],
        workdays=[(dt.date(2027, 1, 10), "元旦调休")],
    )


# --- console ---------------------------------------------------------------------------------------


def test_page_lists_years_with_their_source(district):
    enter_2027()
    response = signed_in(district, "district_admin").get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert_no_inline_script(body)
    assert 'data-year="2024" data-source="chinesecalendar"' in body
    assert 'data-year="2026" data-source="chinesecalendar"' in body
    assert 'data-year="2027" data-source="table"' in body
    assert "国务院办公厅关于2027年部分节假日安排的通知" in body
    assert 'data-testid="year-form"' in body
    assert 'is-current" href="/console/workdays/"' in body  # the nav link


def test_weekend_fallback_year_shows_the_banner_and_its_label(district):
    body = signed_in(district, "community_worker").get(PAGE).content.decode()
    if THIS_YEAR + 1 >= 2027:
        assert f'data-year="{THIS_YEAR + 1}" data-source="weekends"' in body
        assert "仅周末·警告" in body
    # a community worker reads the page but gets no form and no nav link
    assert 'data-testid="year-form"' not in body
    assert 'is-current" href="/console/workdays/"' not in body


def test_banner_on_the_console_home(district, settings):
    # only the district admin, who can enter the calendar, is warned; nobody else can act on it
    client = signed_in(district, "district_admin")
    for key in ("community_worker", "grid_worker", "department_handler"):
        assert (
            'data-testid="calendar-warnings"'
            not in signed_in(district, key).get("/console/").content.decode()
        )
    expected = bool(
        [y for y in ([THIS_YEAR, THIS_YEAR + 1] if dt.date.today().month >= 11 else [THIS_YEAR]) if y >= 2027]
    )
    body = client.get("/console/").content.decode()
    assert ('data-testid="calendar-warnings"' in body) is expected
    if expected:
        assert year_warning(max(2027, THIS_YEAR)) in body
    # entering every year that falls back silences it
    for year in range(2027, THIS_YEAR + 2):
        holiday_year_set(
            actor=None,
            year=year,
            notice=f"国务院办公厅关于{year}年部分节假日安排的通知",
            holidays=[(dt.date(year, 1, 1), dt.date(year, 1, 1), "元旦")],
            workdays=[],
        )
    assert 'data-testid="calendar-warnings"' not in client.get("/console/").content.decode()


def test_admin_enters_a_year_from_the_notice_lines(district):
    client = signed_in(district, "district_admin")
    response = client.post(
        PAGE, {"year": "2027", "notice": "国务院办公厅关于2027年部分节假日安排的通知", "lines": LINES}
    )
    assert response.status_code == 302
    entry = HolidayYear.objects.get(year=2027)
    assert entry.entered_by == district.user("district_admin")
    assert entry.days.count() == 4
    assert AuditEvent.objects.filter(event_type="workdays.holiday_year_set").count() == 1
    # the edit link fills the form with the stored table
    body = client.get(PAGE + "?edit=2027").content.decode()
    assert LINES in body


def test_bad_lines_show_the_row_and_write_nothing(district):
    client = signed_in(district, "district_admin")
    response = client.post(PAGE, {"year": "2027", "notice": "通知", "lines": "2027-01-01 元旦\n放假三天"})
    assert response.status_code == 400
    assert "第2行：格式应为" in response.content.decode()
    response = client.post(
        PAGE, {"year": "2027", "notice": "通知", "lines": "2027-01-01 元旦\n调休 2027-01-06 调休"}
    )
    assert response.status_code == 400
    assert "周六或周日" in response.content.decode()
    response = client.post(PAGE, {"year": "", "notice": "通知", "lines": LINES})
    assert response.status_code == 400
    assert not HolidayYear.objects.exists()


@pytest.mark.parametrize("key", ["community_worker", "subdistrict_staff", "department_handler"])
def test_others_get_404_on_post(district, key):
    enter_2027()
    client = signed_in(district, key)
    assert client.get(PAGE).status_code == 200
    assert client.post(PAGE, {"year": "2028", "notice": "通知", "lines": LINES}).status_code == 404
    assert client.post(f"{PAGE}2027/delete/").status_code == 404
    assert list(HolidayYear.objects.values_list("year", flat=True)) == [2027]


def test_resident_is_sent_to_h5(district):
    response = signed_in(district, "resident").get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/h5/")


def test_admin_deletes_a_year(district):
    enter_2027()
    client = signed_in(district, "district_admin")
    assert client.post(f"{PAGE}2027/delete/").status_code == 302
    assert not HolidayYear.objects.exists()
    assert client.post(f"{PAGE}2027/delete/").status_code == 404


def test_calculator_on_the_page(district):
    client = signed_in(district, "community_worker")
    body = client.get(
        PAGE, {"start": "2026-09-30T10:00", "amount": "3", "unit": "working_days"}
    ).content.decode()
    assert "2026年10月10日 17:30" in body
    body = client.get(
        PAGE, {"start": "2026-12-30T10:00", "amount": "5", "unit": "working_days"}
    ).content.decode()
    assert "2027年1月6日 17:30" in body
    assert year_warning(2027) in body
    body = client.get(
        PAGE, {"start": "2026-09-30T10:00", "amount": "0", "unit": "working_days"}
    ).content.decode()
    assert 'data-testid="calc-error"' in body
    body = client.get(PAGE, {"start": "昨天", "amount": "1", "unit": "hours"}).content.decode()
    assert "开始时间格式" in body


# --- API -------------------------------------------------------------------------------------------


def test_api_years(district):
    enter_2027()
    response = signed_in(district, "grid_worker").get(f"{API}/years")
    assert response.status_code == 200
    rows = {row["year"]: row for row in response.json()}
    assert rows[2026]["source"] == "chinesecalendar"
    assert "2026-10-10" in rows[2026]["working_weekends"]
    assert rows[2027] == {
        "year": 2027,
        "source": "table",
        "source_label": "录入表",
        "holidays": 3,
        "working_weekends": ["2027-01-10"],
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice_number": "",
        "warning": "",
    }


def test_api_year_days(district):
    client = signed_in(district, "grid_worker")
    body = client.get(f"{API}/years/2026").json()
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-10-01"] == {"date": "2026-10-01", "is_workday": False, "name": "国庆节"}
    assert days["2026-10-10"]["is_workday"] is True
    body = client.get(f"{API}/years/2027").json()
    assert (body["source"], body["days"], body["warning"]) == ("weekends", [], year_warning(2027))
    assert client.get(f"{API}/years/1900").status_code == 404


def test_api_put_year(district):
    payload = {
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": [{"start": "2027-01-01", "end": "2027-01-03", "name": "元旦"}],
        "workdays": [{"date": "2027-01-10", "name": "元旦调休"}],
    }
    admin = signed_in(district, "district_admin")
    response = admin.put(f"{API}/years/2027", json.dumps(payload), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["source"] == "table"
    assert len(response.json()["days"]) == 4
    bad = {**payload, "workdays": [{"date": "2027-01-06", "name": "调休"}]}
    response = admin.put(f"{API}/years/2027", json.dumps(bad), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "周六或周日" in response.json()["fields"]["workdays"]
    worker = signed_in(district, "community_worker")
    response = worker.put(f"{API}/years/2028", json.dumps(payload), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == "只有区级管理员可以维护节假日安排"
    assert worker.delete(f"{API}/years/2027").status_code == 403
    assert admin.delete(f"{API}/years/2027").status_code == 204
    assert admin.delete(f"{API}/years/2027").status_code == 404


def test_api_deadline(district):
    client = signed_in(district, "department_handler")
    response = client.get(
        f"{API}/deadline", {"start": "2026-09-30T10:00:00+08:00", "amount": "3", "unit": "working_days"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "at": "2026-10-10T17:30:00+08:00",
        "warnings": [],
        "amount": 3,
        "unit": "working_days",
        "unit_label": "工作日",
    }
    response = client.get(
        f"{API}/deadline", {"start": "2026-12-30T10:00", "amount": "5", "unit": "working_days"}
    )
    assert response.json()["warnings"] == [year_warning(2027)]
    response = client.get(
        f"{API}/deadline", {"start": "2026-12-01T11:00", "amount": "2", "unit": "working_hours"}
    )
    assert response.json()["at"] == "2026-12-01T14:30:00+08:00"
    response = client.get(
        f"{API}/deadline", {"start": "2026-12-01T11:00", "amount": "0", "unit": "working_hours"}
    )
    assert response.status_code == 400
    assert "time_limit" in response.json()["fields"]
    response = client.get(
        f"{API}/deadline", data={"start": "2026-12-01T11:00", "amount": "2", "unit": "weeks"}
    )
    assert response.status_code == 400
    assert "time_limit_unit" in response.json()["fields"]


def test_api_needs_staff(district):
    assert Client().get(f"{API}/years").status_code == 401
    resident = signed_in(district, "resident")
    assert resident.get(f"{API}/years").status_code == 404
    assert (
        resident.get(
            f"{API}/deadline", {"start": "2026-12-01T11:00", "amount": "2", "unit": "hours"}
        ).status_code
        == 404
    )
