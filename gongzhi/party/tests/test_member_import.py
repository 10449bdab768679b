"""The members' xlsx import: template, row · column · Chinese reason, all-or-nothing, dry run, idempotent."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.core.errors import ValidationFailed
from gongzhi.party import member_import as mi
from gongzhi.party.models import PartyMember


def xlsx(rows: list[list[object]], headers: tuple[str, ...] = mi.HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws: Any = wb.active
    ws.title = mi.SHEET
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def id_of(person) -> str:
    return ids.decrypt(person.id_number_encrypted)


def test_the_template_opens_and_its_example_row_is_refused(district):
    content = mi.template_workbook()
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert [c.value for c in wb[mi.SHEET][1]] == list(mi.HEADERS)
    record = mi.member_import(actor=district.user("community_worker"), file_name="t.xlsx", content=content)
    assert record.status == "rejected" and "示例行" in record.errors[0]["message"]
    assert not PartyMember.objects.exists()


def test_a_file_with_one_bad_row_writes_nothing_and_reports_row_column_reason(district):
    cw = district.user("community_worker")
    p1, p2 = district.persons["g1"][0], district.persons["g1"][1]
    outsider = district.persons["g4"][0]
    content = xlsx(
        [
            [id_of(p1), p1.name, "1998-07-01", "", "是"],
            [id_of(p2), "别人", "", "", ""],
            [id_of(outsider), outsider.name, "", "", ""],
            [id_of(p1), p1.name, "1998/13/01", "不存在的支部", "也许"],
        ]
    )
    record = mi.member_import(actor=cw, file_name="党员.xlsx", content=content)
    assert record.status == "rejected" and not PartyMember.objects.exists()
    got = {(e["row"], e["column"]) for e in record.errors}
    assert {(3, "姓名"), (4, "身份证号码"), (5, "入党日期"), (5, "党员中心户")} <= got
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in record.errors)
    report = openpyxl.load_workbook(io.BytesIO(mi.error_report_workbook(record)))
    sheet: Any = report.active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert id_of(p2) not in text and id_of(p2)[-4:] in text  # masked, never the full ID


def test_dry_run_then_apply_then_the_same_file_again_changes_nothing(district):
    cw = district.user("community_worker")
    persons = district.persons["g1"][:3]
    content = xlsx([[id_of(p), p.name, "2001-07-01", "", "否"] for p in persons])
    checked = mi.member_import(actor=cw, file_name="党员.xlsx", content=content, dry_run=True)
    assert (checked.status, checked.created) == ("checked", 3) and not PartyMember.objects.exists()
    applied = mi.member_import(actor=cw, file_name="党员.xlsx", content=content)
    assert (applied.status, applied.created) == ("applied", 3)
    members = PartyMember.objects.filter(person__in=persons)
    assert members.count() == 3 and {m.grid_code for m in members} == {district.grids["g1"].code}
    assert AuditEvent.objects.filter(event_type="party.member_import_applied").count() == 1
    again = mi.member_import(actor=cw, file_name="党员.xlsx", content=content)
    assert (again.status, again.created, again.updated, again.unchanged) == ("applied", 0, 0, 3)
    assert AuditEvent.objects.filter(event_type="party.member_import_applied").count() == 1


def test_unreadable_files_and_missing_columns_are_refused_as_a_whole(district):
    cw = district.user("community_worker")
    with pytest.raises(ValidationFailed):
        mi.member_import(actor=cw, file_name="a.xlsx", content=b"not a zip")
    with pytest.raises(ValidationFailed) as exc:
        mi.member_import(actor=cw, file_name="a.xlsx", content=xlsx([["x"]], headers=("姓名",)))
    assert "缺少必填列" in exc.value.message
    with pytest.raises(ValidationFailed):
        mi.member_import(actor=cw, file_name="a.doc", content=b"x")
