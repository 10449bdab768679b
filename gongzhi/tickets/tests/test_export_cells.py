"""The ticket export and the 12345 template and error report hold text, never a formula, and survive a
control character or a NUL in what a resident or a hotline file put in: read back with openpyxl, with
python-calamine and as XML (gongzhi/testing/hostile_cells.py). An error report's download leaves one
audit row naming it, the export its one ``tickets.exported`` row."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.testing.audited import download, refused_without_row
from gongzhi.testing.hostile_cells import CONTROLS, FORMULAS, MIXED, assert_written_safely, read_back
from gongzhi.tickets import hotline
from gongzhi.tickets import hotline_sheets as hs
from gongzhi.tickets.exports import mask_name
from gongzhi.tickets.models import HotlineImport, Ticket
from gongzhi.tickets.tests.helpers import report
from gongzhi.tickets.tests.test_hotline import csv_bytes

EXPORT_URL = "/console/tickets/export.xlsx"


def _stored(texts: Iterable[str]) -> list[str]:
    """The control characters, NUL among them, as stored text: what an older row, an import or another
    input path left in the table, whatever today's forms refuse. PostgreSQL cannot hold a NUL at all."""
    return [t for t in texts if "\x00" not in t or connection.vendor != "postgresql"]


def test_the_ticket_export_holds_a_residents_formula_as_text(client, district):
    tickets = [report(district, "resident", formula, title=formula[:30]) for formula in FORMULAS]
    # A caller's name is typed by staff taking the report for them (a resident reports as themself).
    tickets.append(report(district, "grid_worker", "楼道灯不亮", reporter_name="=HYPERLINK(1)"))
    for text in [*_stored(CONTROLS), MIXED if connection.vendor != "postgresql" else MIXED[:-2]]:
        t = report(district, "resident", "门口路灯不亮")
        Ticket.objects.filter(pk=t.pk).update(description=text, title=text, address=text)
        tickets.append(t)
    assert reverse("tickets:export") == EXPORT_URL
    client.force_login(district.user("community_worker"))
    r = client.get(EXPORT_URL)
    assert r.status_code == 200, r.content[:300]
    back = assert_written_safely(r.content, *FORMULAS, *_stored(CONTROLS), MIXED)
    assert "'" + mask_name("=HYPERLINK(1)") in back.texts()  # the masked name starts with = too
    numbers = {v for (sheet, coord), v in back.openpyxl.items() if sheet == "工单列表" and coord[0] == "A"}
    assert {t.number for t in tickets} <= numbers
    assert AuditEvent.objects.filter(event_type="tickets.exported").count() == 1


def test_the_hotline_template_holds_no_formula(district, client):
    client.force_login(district.user("community_worker"))
    read_back(client.get("/console/tickets/hotline/template.xlsx").content)
    read_back(hs.template_workbook())


def test_a_hotline_error_report_holds_what_the_file_said_as_text_and_its_download_is_audited(
    district, client
):
    # Rows with an error each (no 来电时间), their content and caller hostile; a csv carries them as text.
    rows = [[f"GD90{i}", "", text, "", "13912345678", "", "", text, ""] for i, text in enumerate(FORMULAS)]
    worker = district.user("community_worker")
    record = hotline.hotline_import(actor=worker, file_name="12345.csv", content=csv_bytes(rows, "utf-8-sig"))
    assert record.error_count == len(FORMULAS)
    # What an older record holds: control characters and a NUL among the stored values.
    stored = _stored([*CONTROLS, MIXED])
    error_rows = {**record.error_rows, "99": ["GD999", "", *stored]}
    errors = [*record.errors, {"row": 99, "column": hs.CALLED_AT, "message": "请填写来电时间"}]
    HotlineImport.objects.filter(pk=record.pk).update(error_rows=error_rows, errors=errors)
    client.force_login(worker)
    for url in (
        f"/console/tickets/hotline/{record.pk}/errors.xlsx",
        f"/api/v1/tickets/hotline-imports/{record.pk}/errors.xlsx",
    ):
        r, row = download(
            client, url, event="tickets.hotline_report_downloaded", document="12345导入错误报告", user=worker
        )
        assert row.target_type == "tickets.hotlineimport" and row.target_id == str(record.pk)
        assert row.data["rows"] == len(FORMULAS) + 1 and row.data["file"] == "12345.csv"
        assert_written_safely(r.content, *FORMULAS, *stored)
    client.force_login(district.user("grid_worker"))
    refused_without_row(client, f"/api/v1/tickets/hotline-imports/{record.pk}/errors.xlsx")
