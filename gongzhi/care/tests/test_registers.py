"""The registers: 走访台账 of a grid and month, 重点人群花名册 (masked) and 慰问花名册 as xlsx and PDF; each
download leaves one audit row (care.register_downloaded); a place outside the scope is a 404 with none."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.care.services import CareVisitInput, care_visit_record
from gongzhi.care.tests.factories import days_ago, enter, visit
from gongzhi.core import ids
from gongzhi.testing.audited import download, refused_without_row

pytestmark = pytest.mark.django_db


def _setup(d):
    p = d.persons["g1"][0]
    enter(d, p, on=days_ago(40))
    visit(
        d,
        p,
        on=timezone.localdate(),
        living_conditions="独居平房",
        difficulties="冬季取暖困难",
        follow_up="referral",
        referral="街道民政办",
    )
    care_visit_record(
        actor=d.user("community_secretary"),
        data=CareVisitInput(
            person_id=p.pk,
            occasion="spring_festival",
            visited_on=days_ago(0),
            visitors="李书记、王网格员",
            given="米面油一份",
        ),
    )
    return p


def _pdf_text(content: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    out = subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603
    return "".join(out.split())


def _urls(d):
    month = f"{timezone.localdate():%Y-%m}"
    g1, a1 = d.grids["g1"].code, d.communities["A1"].code
    return {
        "走访台账": f"/console/care/registers/visits.{{fmt}}?grid_code={g1}&month={month}",
        "重点人群花名册": f"/console/care/registers/roster.{{fmt}}?place={a1}",
        "慰问花名册": f"/console/care/registers/care-visits.{{fmt}}?place={a1}",
    }


def test_registers_as_xlsx_are_masked_and_audited(district, client):
    d = district
    p = _setup(d)
    worker = d.user("community_worker")
    client.force_login(worker)
    full_id = ids.decrypt(p.id_number_encrypted)
    for title, url in _urls(d).items():
        r, row = download(
            client, url.format(fmt="xlsx"), event="care.register_downloaded", document=title, user=worker
        )
        ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
        cells = [str(c) for row_ in ws.iter_rows(values_only=True) for c in row_ if c is not None]
        assert cells[0] == title and p.name in cells and full_id not in " ".join(cells)
        assert row.data["rows"] == 1
    roster = load_workbook(
        io.BytesIO(client.get(_urls(d)["重点人群花名册"].format(fmt="xlsx")).content)
    ).worksheets[0]
    values = [c for row_ in roster.iter_rows(values_only=True) for c in row_]
    assert p.id_number_masked in values and p.phone_masked in values


@pytest.mark.pdf
def test_registers_as_pdf_read_back_in_poppler(district, client, tmp_path):
    d = district
    p = _setup(d)
    worker = d.user("grid_worker")
    client.force_login(worker)
    expected = {
        "走访台账": ["冬季取暖困难", "街道民政办", "独居平房"],
        "重点人群花名册": [p.id_number_masked, "独居老人", "已脱敏"],
        "慰问花名册": ["春节", "米面油一份", "签收"],
    }
    for title, url in _urls(d).items():
        if title != "走访台账":
            url = url.replace(d.communities["A1"].code, d.grids["g1"].code)  # a grid worker prints their grid
        r, _row = download(
            client, url.format(fmt="pdf"), event="care.register_downloaded", document=title, user=worker
        )
        assert r["Content-Type"] == "application/pdf"
        text = _pdf_text(r.content, tmp_path)
        for word in [title, p.name, *expected[title]]:
            assert word.replace(" ", "") in text, (title, word)


def test_a_register_outside_the_scope_is_refused_without_a_row(district, client):
    d = district
    _setup(d)
    client.force_login(d.user("grid_worker_g2"))
    for url in _urls(d).values():
        refused_without_row(client, url.format(fmt="xlsx"))
    client.force_login(d.user("unit_liaison"))
    refused_without_row(client, _urls(d)["重点人群花名册"].format(fmt="pdf"), status=302)


DOWNLOADS = {
    "/console/care/registers/visits.xlsx": "走访台账",
    "/console/care/registers/visits.pdf": "走访台账",
    "/console/care/registers/roster.xlsx": "重点人群花名册",
    "/console/care/registers/roster.pdf": "重点人群花名册",
    "/console/care/registers/care-visits.xlsx": "慰问花名册",
    "/console/care/registers/care-visits.pdf": "慰问花名册",
}


def test_every_register_download_leaves_one_care_register_downloaded_row(district, client):
    d = district
    _setup(d)
    admin = d.user("district_admin")
    client.force_login(admin)
    g1 = d.grids["g1"].code
    for path, title in DOWNLOADS.items():
        query = f"?grid_code={g1}" if "visits." in path and "care-" not in path else f"?place={g1}"
        _r, row = download(client, path + query, event="care.register_downloaded", document=title, user=admin)
        assert row.target_id == str(d.grids["g1"].pk)
