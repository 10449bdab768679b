"""Imports of units and in-service members: every bad row refused with row, column and a Chinese reason and
nothing written; a good file applied, the same file again changes nothing; a dry run writes nothing; a
changed row is updated; the error report masks phones and its download is audited."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.party.enums import MemberKind, RegistrationStatus
from gongzhi.party.models import MemberRegistration, PartyMember, Unit
from gongzhi.registers.enums import ImportStatus
from gongzhi.registers.services.imports import register_import
from gongzhi.registers.sheets import MEMBERS, UNITS
from gongzhi.registers.tests.helpers import cells, uscc, xlsx
from gongzhi.testing import build_small_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return build_small_district()


def units_file(d, rows=None) -> bytes:
    a1 = d.communities["A1"].code
    rows = rows or [
        [a1, "济阳区人民医院", uscc(1), "医院", "纬二路1号", "医院党委", d.grids["g1"].code],
        [a1, "济阳区实验小学", uscc(2), "学校", "", "", ""],
    ]
    return xlsx(UNITS.sheet, UNITS.headers, rows)


def members_file(d, unit_code: str, rows=None) -> bytes:
    g1 = d.grids["g1"].code
    rows = rows or [
        [
            g1,
            "王医生",
            "13800001111",
            "银山小区1号楼101",
            unit_code,
            "",
            "医疗健康、心理疏导",
            "医疗健康",
            "义诊",
            "周末",
        ],
        [
            g1,
            "赵老师",
            "13800002222",
            "银山小区2号楼202",
            "",
            "实验小学党支部",
            "教育辅导",
            "教育辅导",
            "",
            "",
        ],
    ]
    return xlsx(MEMBERS.sheet, MEMBERS.headers, rows)


def test_units_import_applies_then_is_idempotent_and_updates_changes(district):
    cw = district.user("community_worker")
    checked = register_import(
        actor=cw, kind="units", file_name="units.xlsx", content=units_file(district), dry_run=True
    )
    assert (checked.status, checked.created, Unit.objects.count()) == (ImportStatus.CHECKED, 2, 0)

    first = register_import(actor=cw, kind="units", file_name="units.xlsx", content=units_file(district))
    assert (first.status, first.created, first.updated, first.unchanged) == (ImportStatus.APPLIED, 2, 0, 0)
    hospital = Unit.objects.get(uscc=uscc(1))
    assert (hospital.kind, hospital.paired_grid_id, hospital.community_code) == (
        "hospital", district.grids["g1"].pk, district.communities["A1"].code,
    )  # fmt: skip
    assert AuditEvent.objects.filter(event_type="party.units_imported").count() == 1

    before = list(Unit.objects.order_by("id").values())
    again = register_import(actor=cw, kind="units", file_name="units.xlsx", content=units_file(district))
    assert (again.status, again.created, again.updated, again.unchanged) == (ImportStatus.APPLIED, 0, 0, 2)
    assert list(Unit.objects.order_by("id").values()) == before
    assert AuditEvent.objects.filter(event_type="party.units_imported").count() == 1  # nothing written

    a1 = district.communities["A1"].code
    changed = units_file(
        district, [[a1, "济阳区人民医院（总院）", uscc(1), "医院", "纬二路1号", "医院党委", ""]]
    )
    third = register_import(actor=cw, kind="units", file_name="units2.xlsx", content=changed)
    assert (third.created, third.updated) == (0, 1)
    hospital.refresh_from_db()
    assert (hospital.name, hospital.paired_grid_id) == ("济阳区人民医院（总院）", None)


def test_units_import_refuses_bad_rows_with_row_column_reason_and_writes_nothing(district, client):
    cw = district.user("community_worker")
    a1, b1 = district.communities["A1"].code, district.communities["B1"].code
    bad = units_file(
        district,
        [
            [a1, "好单位", uscc(3), "机关", "", "", ""],
            [b1, "别的社区", uscc(4), "机关", "", "", ""],  # outside the worker's community
            [a1, "", "91370100MA0000001X", "工厂", "", "", district.grids["g4"].code],
            [a1, "重复", uscc(3), "学校", "", "", ""],
        ],
    )
    record = register_import(actor=cw, kind="units", file_name="bad.xlsx", content=bad)
    assert record.status == ImportStatus.REJECTED and Unit.objects.count() == 0
    found = {(e["row"], e["column"]) for e in record.errors}
    assert (3, "社区编码") in found
    assert {(4, "单位名称"), (4, "统一社会信用代码"), (4, "单位类型")} <= found
    assert (5, "统一社会信用代码") in found
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in record.errors)
    assert (2, "社区编码") not in found

    # The error report: rows as typed, over the console and the API, each download audited.
    client.force_login(cw)
    for url in (
        f"/console/registers/imports/{record.pk}/errors.xlsx",
        f"/api/v1/registers/imports/{record.pk}/errors.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200
        rows = cells(response.content)
        assert rows[0][:3] == ("行号", "列", "错误原因") or list(rows[0][:3]) == ["行号", "列", "错误原因"]
        assert {r[0] for r in rows[1:]} == {3, 4, 5}
    events = AuditEvent.objects.filter(event_type="registers.import_report_downloaded")
    assert events.count() == 2 and {e.data["import_id"] for e in events} == {record.pk}
    # another community's worker cannot read it
    client.force_login(district.user("grid_worker_g2"))
    assert client.get(f"/console/registers/imports/{record.pk}/errors.xlsx").status_code == 404


def test_members_import_registers_accepts_and_is_idempotent(district):
    cw = district.user("community_worker")
    register_import(actor=cw, kind="units", file_name="units.xlsx", content=units_file(district))
    content = members_file(district, uscc(1))
    record = register_import(actor=cw, kind="members", file_name="members.xlsx", content=content)
    assert (record.status, record.created) == (ImportStatus.APPLIED, 2)
    regs = MemberRegistration.objects.filter(status=RegistrationStatus.ACCEPTED).select_related(
        "member", "unit"
    )
    assert {r.member.name for r in regs} == {"王医生", "赵老师"}
    doctor = next(r for r in regs if r.member.name == "王医生")
    assert (
        doctor.unit is not None and doctor.unit.uscc == uscc(1) and doctor.skills == ["medical", "psychology"]
    )
    assert doctor.grid_code == district.grids["g1"].code and doctor.card_number.startswith("BD-")
    assert doctor.member.phone_masked == "138****1111" and doctor.member.kind == MemberKind.IN_SERVICE
    assert doctor.decided_by_id == cw.pk

    state = (
        list(PartyMember.objects.order_by("id").values()),
        list(MemberRegistration.objects.order_by("id").values()),
    )
    again = register_import(actor=cw, kind="members", file_name="members.xlsx", content=content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        list(PartyMember.objects.order_by("id").values()),
        list(MemberRegistration.objects.order_by("id").values()),
    ) == state


def test_members_import_refuses_bad_rows_and_masks_phones_in_the_report(district):
    cw = district.user("community_worker")
    g1, g4 = district.grids["g1"].code, district.grids["g4"].code
    bad = members_file(
        district,
        "",
        [
            [
                g1,
                "钱某",
                "13800003333",
                "银山小区",
                "",
                "",
                "唱歌",
                "医疗健康",
                "",
                "",
            ],  # unknown skill, no workplace
            [
                g4,
                "孙某",
                "13800004444",
                "安大小区",
                "",
                "某党支部",
                "",
                "医疗健康",
                "",
                "",
            ],  # another community
            [
                g1,
                "周某",
                "1380000",
                "银山小区",
                "",
                "某党支部",
                "",
                "",
                "",
                "",
            ],  # bad phone, no classification
        ],
    )
    record = register_import(actor=cw, kind="members", file_name="bad.xlsx", content=bad)
    assert record.status == ImportStatus.REJECTED
    assert PartyMember.objects.count() == 0 and MemberRegistration.objects.count() == 0
    found = {(e["row"], e["column"]) for e in record.errors}
    assert {(2, "特长"), (2, "工作单位统一社会信用代码"), (3, "网格编码"), (4, "手机号码")} <= found
    assert "13800003333" not in str(record.error_rows) and "138****3333" in str(record.error_rows)


def test_a_file_that_is_not_a_register_is_refused(district):
    from gongzhi.core.errors import ValidationFailed

    cw = district.user("community_worker")
    with pytest.raises(ValidationFailed, match="缺少必填列"):
        register_import(actor=cw, kind="units", file_name="x.xlsx", content=xlsx("x", ["姓名"], [["张三"]]))
    with pytest.raises(ValidationFailed, match="不是有效的Excel"):
        register_import(actor=cw, kind="units", file_name="x.xlsx", content=b"not a zip at all")
    with pytest.raises(ValidationFailed, match=r"\.xlsx"):
        register_import(actor=cw, kind="units", file_name="x.csv", content=b"a,b\n1,2\n")
    from gongzhi.core.errors import Forbidden

    with pytest.raises(Forbidden):
        register_import(
            actor=district.user("grid_worker"), kind="units", file_name="u.xlsx", content=units_file(district)
        )


def test_import_pages_template_and_api(district, client):
    client.force_login(district.user("community_worker"))
    page = client.get("/console/registers/import/units/")
    assert page.status_code == 200 and "导入驻区单位".replace("导入", "") in page.content.decode()
    template = client.get("/console/registers/import/members/template.xlsx")
    assert template.status_code == 200 and list(cells(template.content)[0]) == list(MEMBERS.headers)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("units.xlsx", units_file(district))
    response = client.post("/api/v1/registers/import/units", {"file": upload, "dry_run": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "checked" and Unit.objects.count() == 0
    detail = client.get(f"/api/v1/registers/imports/{response.json()['id']}")
    assert detail.status_code == 200 and detail.json()["created"] == 2
    bad = SimpleUploadedFile(
        "bad.xlsx",
        units_file(district, [[district.communities["B1"].code, "某单位", uscc(9), "机关", "", "", ""]]),
    )
    refused = client.post("/api/v1/registers/import/units", {"file": bad})
    assert refused.status_code == 400 and refused.json()["code"] == "import_rejected"
    assert refused.json()["errors"][0]["column"] == "社区编码" and refused.json()["report_url"]
    upload = SimpleUploadedFile("units.xlsx", units_file(district))
    response = client.post("/console/registers/import/units/", {"file": upload, "action": "apply"})
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert Unit.objects.count() == 2
