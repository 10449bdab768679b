"""Evaluation: feedback letters per period (idempotent, scoped, xlsx, PDF) and the yearly unit assessment
(weights, normalised indicators, shared ranks, xlsx ranking)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden
from gongzhi.core.http import XLSX_CONTENT_TYPE
from gongzhi.party.enums import MemberKind
from gongzhi.party.models import AssessmentScheme, FeedbackLetter, ServiceRecord, UnitAssessment
from gongzhi.party.selectors import evaluation as evaluation_selectors
from gongzhi.party.services import evaluation, serving
from gongzhi.party.tests.test_serving import TODAY, build_world, confirmed_record, make_member, publish

LAST = TODAY().year - 1
QUARTER = f"{LAST}-Q3"
EQUAL = {
    "members_registered": 20,
    "share_served": 20,
    "hours": 20,
    "projects_claimed": 10,
    "projects_completed": 10,
    "rating": 20,
}


@pytest.fixture
def ev(district):
    """Last year's third quarter: 张三 (hospital) 4 h on a claimed item + 2 h, 李四 (hospital) 2 h still
    pending, 王五 (school) 6 h; 赵六 (B1) 1 h; a community-managed member 1 h (no letter)."""
    d = build_world(district)
    item = publish(d)
    claim = serving.claim_create(
        actor=d.user("community_worker"), item_id=item.pk, pledge="每周上门", member_id=d.zhang.pk
    )
    confirmed_record(d, d.zhang, "4", dt.date(LAST, 8, 3), claim=claim, rating=5)
    confirmed_record(d, d.zhang, "2", dt.date(LAST, 9, 30), rating=3)
    d.li_pending = serving.service_record_submit(
        actor=d.user("community_worker"),
        served_on=dt.date(LAST, 8, 5),
        hours="2",
        content="宣讲",
        member_id=d.li.pk,
    )
    confirmed_record(d, d.wang, "6", dt.date(LAST, 7, 1), rating=4)
    rec = serving.service_record_submit(
        actor=d.user("b1_worker"),
        served_on=dt.date(LAST, 8, 8),
        hours="1",
        content="清扫",
        member_id=d.zhao.pk,
    )
    serving.service_record_confirm(actor=d.user("b1_worker"), record_id=rec.pk)
    local = make_member(d, "自管党员甲")
    local.kind = MemberKind.COMMUNITY_MANAGED
    local.save(update_fields=["kind"])
    confirmed_record(d, local, "1", dt.date(LAST, 8, 9))
    # Outside the quarter: not in the letter.
    confirmed_record(d, d.zhang, "3", dt.date(LAST, 10, 1))
    return d


def _letters(d, key: str) -> set[str]:
    return {
        letter.member.name
        for letter in evaluation_selectors.feedback_letter_list_for_actor(actor=d.user(key)).select_related(
            "member"
        )
    }


# --- periods and letters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2025-q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2024-2", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_periods(text, start, end):
    p = evaluation.parse_period(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["", "2025-13", "2025Q3", "Q3", f"{TODAY().year + 1}"])
def test_bad_periods_have_a_chinese_field_message(text):
    with pytest.raises(ApplicationError) as exc:
        evaluation.parse_period(text)
    assert "period" in exc.value.fields


def test_letters_are_issued_once_per_member_and_period(ev):
    d = ev
    result = evaluation.feedback_letters_issue(actor=d.user("community_worker"), period=QUARTER)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    zhang = FeedbackLetter.objects.get(member=d.zhang)
    assert zhang.unit == d.hospital and zhang.period == QUARTER
    s = zhang.summary
    assert (s["hours"], s["count"], s["items"]) == ("6", 2, ["助老服务岗"])
    assert s["ratings"] == {"count": 2, "average": 4.0} and s["workplace_org"] == "济阳区人民医院党委"
    again = evaluation.feedback_letters_issue(actor=d.user("community_secretary"), period=QUARTER.lower())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    serving.service_record_confirm(actor=d.user("community_worker"), record_id=d.li_pending.pk)
    third = evaluation.feedback_letters_issue(actor=d.user("community_worker"), period=QUARTER)
    assert (third.created, third.unchanged) == (1, 2)
    assert FeedbackLetter.objects.count() == 3
    assert AuditEvent.objects.filter(event_type="party.feedback_letters_issued").count() == 3
    with pytest.raises(Forbidden):
        evaluation.feedback_letters_issue(actor=d.user("unit_liaison"), period=QUARTER)


def test_letters_are_seen_by_the_unit_liaison_the_member_and_the_community(ev):
    d = ev
    evaluation.feedback_letters_issue(actor=d.user("community_worker"), period=QUARTER)
    evaluation.feedback_letters_issue(actor=d.user("b1_worker"), period=QUARTER)
    assert _letters(d, "unit_liaison") == {"张三"}
    assert _letters(d, "school_liaison") == {"王五"}
    assert _letters(d, "b_liaison") == {"赵六"}
    assert _letters(d, "party_member") == {"张三"}
    assert _letters(d, "community_worker") == {"张三", "王五"}
    assert _letters(d, "b1_worker") == {"赵六"}
    assert _letters(d, "district_admin") == {"张三", "王五", "赵六"}
    assert _letters(d, "resident") == set()


def test_letters_export_opens_in_openpyxl_with_the_unit_column(ev, client):
    d = ev
    evaluation.feedback_letters_issue(actor=d.user("district_admin"), period=QUARTER)
    client.force_login(d.user("unit_liaison"))
    listed = client.get(f"/api/v1/party/letters?period={QUARTER}").json()
    assert [x["member_name"] for x in listed] == ["张三"]
    r = client.get(f"/api/v1/party/letters/export.xlsx?period={QUARTER}")
    assert r.status_code == 200 and r["Content-Type"] == XLSX_CONTENT_TYPE
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位名称", "单位党组织", "姓名")
    assert [row[:6] for row in rows[1:]] == [("济阳区人民医院", "济阳区人民医院党委", "张三", QUARTER, 2, 6)]
    other = FeedbackLetter.objects.get(member=d.wang)
    assert client.get(f"/api/v1/party/letters/{other.pk}.pdf").status_code == 404


@pytest.mark.pdf
def test_the_letter_pdf_carries_the_member_name_in_chinese(ev, client, tmp_path):
    d = ev
    evaluation.feedback_letters_issue(actor=d.user("community_worker"), period=QUARTER)
    letter = FeedbackLetter.objects.get(member=d.zhang)
    client.force_login(d.user("unit_liaison"))
    r = client.get(f"/api/v1/party/letters/{letter.pk}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    path = tmp_path / "letter.pdf"
    path.write_bytes(r.content)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    text = subprocess.run(  # noqa: S603 -- a fixed tool on a file this test wrote
        [pdftotext, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    compact = "".join(text.split())
    assert "张三" in compact and "济阳区人民医院党委" in compact and "助老服务岗" in compact
    assert "反馈函" in compact


# --- unit assessment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "field", "message"),
    [
        ({**EQUAL, "hours": -5, "rating": 45}, "weights.hours", "“服务时长（小时）”的权重不能为负数"),
        ({**EQUAL, "hours": 30}, "weights", "权重之和应为100（当前110）"),
        ({**EQUAL, "bogus": 0}, "weights", "无法识别的考核指标：bogus"),
        ({**EQUAL, "hours": "很多"}, "weights.hours", "“服务时长（小时）”的权重应为数字"),
    ],
)
def test_bad_weights_are_refused_in_chinese_and_nothing_is_written(district, weights, field, message):
    d = district
    with pytest.raises(ApplicationError) as exc:
        evaluation.assessment_scheme_set(actor=d.user("district_admin"), year=LAST, weights=weights)
    assert exc.value.fields[field] == message
    assert not AssessmentScheme.objects.exists()
    assert not AuditEvent.objects.filter(event_type="party.assessment_scheme_set").exists()


def test_only_a_district_admin_sets_the_scheme(district):
    with pytest.raises(Forbidden):
        evaluation.assessment_scheme_set(actor=district.user("community_worker"), year=LAST, weights=EQUAL)
    with pytest.raises(Conflict):
        evaluation.units_assess(actor=district.user("district_admin"), year=LAST)


def test_units_are_scored_ranked_and_exported(ev, client):
    d = ev
    admin = d.user("district_admin")
    serving.service_record_confirm(actor=d.user("community_worker"), record_id=d.li_pending.pk)
    evaluation.assessment_scheme_set(actor=admin, year=LAST, weights=EQUAL)
    scheme = evaluation.units_assess(actor=admin, year=LAST)
    results = {r.unit.name: r for r in UnitAssessment.objects.filter(scheme=scheme).select_related("unit")}
    hospital, school, b_unit = results["济阳区人民医院"], results["济阳区实验中学"], results["安大公司"]
    assert hospital.indicators["members_registered"]["value"] == 2
    assert hospital.indicators["hours"]["value"] == 11.0  # 4 + 2 + 3 (October) + 2 (李四)
    assert hospital.indicators["projects_claimed"]["value"] == 1
    assert hospital.indicators["projects_completed"]["value"] == 1
    assert school.indicators["share_served"]["value"] == 100.0
    assert b_unit.indicators["rating"]["value"] == 0.0
    # hospital: best on every indicator (its rating, (5 + 3) / 2 = 4, equals the school's)
    assert hospital.indicators["rating"] == {"value": 4.0, "score": 100.0}
    assert str(hospital.score) == "100.00" and hospital.rank == 1
    # school: 10 (1 of 2 members) + 20 + 20 * 6 / 11 + 0 + 0 + 20 = 60.91
    assert str(school.score) == "60.91" and school.rank == 2
    # B1's unit: 10 (members) + share 100 (赵六 served, 1 of 1) 20 + hours 20 * 1/11 = 31.82
    assert str(b_unit.score) == "31.82" and b_unit.rank == 3

    # Ties share a rank; running again replaces the previous results.
    evaluation.assessment_scheme_set(
        actor=admin,
        year=LAST,
        weights={**dict.fromkeys(EQUAL, 0), "rating": 100},
    )
    evaluation.units_assess(actor=admin, year=LAST)
    assert UnitAssessment.objects.count() == 3
    ranks = dict(UnitAssessment.objects.values_list("unit__name", "rank"))
    assert ranks == {"济阳区人民医院": 1, "济阳区实验中学": 1, "安大公司": 3}
    assert AuditEvent.objects.filter(event_type="party.units_assessed").count() == 2

    evaluation.assessment_scheme_set(actor=admin, year=LAST, weights=EQUAL)
    client.force_login(admin)
    r = client.post(
        "/api/v1/party/assessment/run", json.dumps({"year": LAST}), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert [(x["unit_name"], x["rank"]) for x in r.json()["results"]] == [
        ("济阳区人民医院", 1),
        ("济阳区实验中学", 2),
        ("安大公司", 3),
    ]
    r = client.get(f"/api/v1/party/assessment/ranking.xlsx?year={LAST}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == ["济阳区人民医院", "济阳区实验中学", "安大公司"]
    scores = [float(str(row[4])) for row in rows]
    assert scores == sorted(scores, reverse=True) == [100.0, 60.91, 31.82]
    assert [row[0] for row in rows] == [1, 2, 3]

    # A liaison sees their own unit's line only; community staff their community's units.
    client.force_login(d.user("school_liaison"))
    ranking = client.get(f"/api/v1/party/assessment/ranking?year={LAST}").json()["results"]
    assert [(x["unit_name"], x["rank"]) for x in ranking] == [("济阳区实验中学", 2)]
    client.force_login(d.user("b1_worker"))
    ranking = client.get(f"/api/v1/party/assessment/ranking?year={LAST}").json()["results"]
    assert [x["unit_name"] for x in ranking] == ["安大公司"]
    r = client.put(
        "/api/v1/party/assessment/scheme",
        json.dumps({"year": LAST, "weights": EQUAL}),
        content_type="application/json",
    )
    assert r.status_code in (403, 404)


def test_serving_figures_count_confirmed_records_in_scope(ev):
    from gongzhi.core.scope import scope_of

    d = ev
    figures = evaluation_selectors.serving_figures(scope_of(d.user("community_worker")))
    assert figures == {"records_confirmed": 5, "hours_confirmed": "16", "records_pending": 1}
    assert evaluation_selectors.serving_figures(scope_of(d.user("b1_worker")))["records_confirmed"] == 1
    assert ServiceRecord.objects.count() == 7
