"""Population import from xlsx: real files written with openpyxl, sent through the API and the service."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.core.errors import Forbidden, ValidationFailed
from gongzhi.people import imports, sheets
from gongzhi.people.enums import ImportStatus, Relation, ResidenceType
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.tests.helpers import csv_bytes, login, person_row, read_xlsx, upload, xlsx_bytes
from gongzhi.places.models import Household
from gongzhi.testing import id_number_for

IMPORT_URL = "/api/v1/persons/import"


def _valid_rows(district) -> list[list[object]]:
    g1 = district.grids["g1"].code
    return [
        person_row(g1, "101", "王一", 101, phone="13800001111", tags="党员、志愿者"),
        person_row(g1, "101", "王二", 102, relation="配偶", tags="退役军人,党员"),
        person_row(g1, "101", "王小三", None, relation="子女"),
        person_row(g1, "102", "李四", 103, relation="租户", residence="流动人口", phone="0531-88886666"),
        # An existing household of the fixture: 银山社区小区 1号楼 1单元 101室.
        person_row(
            g1, "101", "测试新人", 104, estate="银山社区小区", building="1", entrance="1", relation="子女"
        ),
    ]


def _post(client, content: bytes, *, name: str = "实有人口.xlsx", dry_run: bool = False):
    data: dict[str, object] = {"file": upload(content, name)}
    if dry_run:
        data["dry_run"] = "true"
    return client.post(IMPORT_URL, data)


def _snapshot() -> tuple[int, int, int]:
    return Person.objects.count(), Household.objects.count(), AuditEvent.objects.count()


def test_valid_import_creates_households_and_persons(district, client):
    login(client, "grid_worker")
    persons_before = Person.objects.count()
    r = _post(client, xlsx_bytes(_valid_rows(district)))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "applied"
    assert (body["created"], body["updated"], body["unchanged"]) == (5, 0, 0)
    assert body["households_created"] == 2
    assert body["errors"] == [] and body["report_url"] is None
    assert Person.objects.count() == persons_before + 5

    g1 = district.grids["g1"]
    hh = Household.objects.get(grid=g1, address="新建小区8号楼2单元101室")
    assert hh.building is not None and hh.building.estate is not None
    assert hh.building.estate.name == "新建小区"
    members = {p.name: p for p in Person.objects.filter(household=hh)}
    assert set(members) == {"王一", "王二", "王小三"}
    wang = members["王一"]
    assert wang.tags == ["party_member", "volunteer"]
    assert wang.grid_code == g1.code and wang.community_code == g1.community_code
    assert wang.id_number_masked == ids.mask_id_number(id_number_for(101, birth="19920315"))
    assert wang.phone_masked == "138****1111"
    assert wang.gender and wang.birth_date is not None
    assert wang.name_initials == "wy"
    assert members["王二"].relation == Relation.SPOUSE
    assert members["王小三"].id_number_hash == ""
    li = Person.objects.get(name="李四")
    assert li.residence_type == ResidenceType.MIGRANT and li.relation == Relation.TENANT
    assert li.phone_masked.endswith("6666")
    # The fixture's household got the new member rather than a second household at the same address.
    assert Person.objects.get(name="测试新人").household == district.households["g1"][0]

    record = PopulationImport.objects.get(pk=body["id"])
    assert record.actor == district.user("grid_worker")
    assert record.status == ImportStatus.APPLIED and record.grid_code == g1.code
    events = AuditEvent.objects.filter(event_type="people.import_applied")
    assert events.count() == 1
    event = events.get()
    assert event.data["created"] == 5 and event.data["households_created"] == 2
    assert event.data["sha256"] == record.sha256 and len(record.sha256) == 64
    assert event.grid_code == g1.code  # scoped like the data it changed
    # One summary row, nothing per person.
    assert not AuditEvent.objects.filter(event_type="people.person_created", target_id=str(wang.pk)).exists()


def test_reimport_of_the_same_file_changes_nothing(district, client):
    login(client, "grid_worker")
    content = xlsx_bytes(_valid_rows(district))
    assert _post(client, content).status_code == 200
    before = _snapshot()
    stamps = dict(Person.objects.values_list("id", "updated_at"))

    r = _post(client, content)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["created"], body["updated"], body["unchanged"], body["households_created"]) == (0, 0, 5, 0)
    assert _snapshot() == before  # no person, no household, no audit row
    assert dict(Person.objects.values_list("id", "updated_at")) == stamps


def test_reimport_updates_only_changed_persons(district, client):
    login(client, "grid_worker")
    rows = _valid_rows(district)
    assert _post(client, xlsx_bytes(rows)).status_code == 200
    first = Person.objects.get(name="王一")
    untouched = Person.objects.get(name="王二")

    rows[0][7] = "13900002222"  # 联系电话
    rows[0][10] = "党员"  # 标签
    rows[2][5] = "王小三"  # no ID: matched by name within the household, unchanged
    rows[3][7] = ""  # 联系电话 left empty: the registered one stays
    r = _post(client, xlsx_bytes(rows))
    assert r.status_code == 200, r.content
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 1, 4)
    first.refresh_from_db()
    assert first.phone_masked == "139****2222" and first.tags == ["party_member"]
    assert ids.decrypt(first.phone_encrypted) == "13900002222"
    untouched_again = Person.objects.get(pk=untouched.pk)
    assert untouched_again.updated_at == untouched.updated_at
    assert Person.objects.get(name="李四").phone_masked.endswith("6666")
    event = AuditEvent.objects.filter(event_type="people.import_applied").latest("id")
    assert event.data["updated"] == 1 and event.data["created"] == 0


def test_name_change_is_matched_by_id_number(district):
    grid_worker = district.user("grid_worker")
    rows = _valid_rows(district)
    imports.population_import(actor=grid_worker, file_name="a.xlsx", content=xlsx_bytes(rows))
    pk = Person.objects.get(name="王一").pk
    rows[0][5] = "王壹"
    record = imports.population_import(actor=grid_worker, file_name="a.xlsx", content=xlsx_bytes(rows))
    assert (record.created, record.updated) == (0, 1)
    renamed = Person.objects.get(pk=pk)
    assert renamed.name == "王壹" and renamed.name_pinyin == "wangyi"


def test_an_id_number_added_to_a_person_registered_without_one(district):
    grid_worker = district.user("grid_worker")
    rows = _valid_rows(district)
    imports.population_import(actor=grid_worker, file_name="a.xlsx", content=xlsx_bytes(rows))
    child = Person.objects.get(name="王小三")
    rows[2][6] = id_number_for(105, birth="19920315")
    record = imports.population_import(actor=grid_worker, file_name="a.xlsx", content=xlsx_bytes(rows))
    assert (record.created, record.updated, record.unchanged) == (0, 1, 4)
    child.refresh_from_db()
    assert child.id_number_masked.endswith(id_number_for(105, birth="19920315")[-4:])


def test_bad_rows_are_rejected_with_a_report_and_nothing_is_written(district, client):
    login(client, "grid_worker")
    g1 = district.grids["g1"].code
    bad_id = id_number_for(205, birth="19920315")
    bad_id = bad_id[:17] + ("0" if bad_id[17] != "0" else "1")  # wrong check digit
    rows = [person_row(g1, f"6{i:02d}", f"赵{i}", 200 + i) for i in range(7)]  # Excel rows 2–8
    rows[3][6] = bad_id  # row 5
    rows[5][7] = "12345"  # row 7
    before = _snapshot()

    r = _post(client, xlsx_bytes(rows))
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "import_rejected"
    assert "未写入任何数据" in body["message"] and body["fields"] == {}
    assert body["status"] == "rejected" and body["error_count"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(5, "身份证号码"), (7, "联系电话")]
    assert body["errors"][0]["message"] == "身份证号码校验位错误"
    assert "电话号码" in body["errors"][1]["message"] and "12345" not in body["errors"][1]["message"]
    assert _snapshot() == before
    record = PopulationImport.objects.get(pk=body["id"])
    assert record.status == ImportStatus.REJECTED and record.created == 0

    report = client.get(body["report_url"])
    assert report.status_code == 200
    assert report["Content-Type"] == sheets.XLSX_CONTENT_TYPE
    sheet = read_xlsx(report.content)
    assert sheet[0] == ("行号", "列", "错误原因", *sheets.HEADERS)
    assert [(row[0], row[1]) for row in sheet[1:]] == [(5, "身份证号码"), (7, "联系电话")]
    assert sheet[1][2] == "身份证号码校验位错误"
    assert sheet[1][3 + sheets.HEADERS.index("姓名")] == "赵3"
    cells = {str(c) for row in sheet for c in row if c is not None}
    assert bad_id not in cells and "12345" not in cells  # original values are kept masked
    assert ids.mask_id_number(bad_id) in cells


def test_every_row_is_validated_and_all_errors_collected(district):
    g1 = district.grids["g1"].code
    rows = [
        person_row(g1, "1", "", 301),  # row 2: no name
        person_row(g1, "", "甲", 302),  # row 3: no door
        person_row(g1, "3", "乙", 303, relation=""),  # row 4: no relation
        person_row(g1, "4", "丙", 304, relation="邻居", residence="暂住", tags="党员、富豪"),  # row 5
        person_row("12345", "5", "丁", 305),  # row 6: malformed grid code
        person_row(g1, "6", "戊", None, id_number="37012519"),  # row 7: short ID
        person_row(g1, "7", "己", 307, phone="abc"),  # row 8
    ]
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.xlsx", content=xlsx_bytes(rows)
    )
    assert record.status == ImportStatus.REJECTED
    found = {(e["row"], e["column"]): e["message"] for e in record.errors}
    assert found[(2, "姓名")] == "请填写姓名"
    assert found[(3, "门牌号")] == "请填写门牌号"
    assert found[(4, "与户主关系")] == "请填写与户主关系"
    assert found[(5, "与户主关系")].startswith("与户主关系“邻居”无效")
    assert found[(5, "居住类型")].startswith("居住类型“暂住”无效")
    assert found[(5, "标签")].startswith("未知标签：富豪")
    assert found[(6, "网格编码")].startswith("网格编码应为15位数字")
    assert found[(7, "身份证号码")] == "身份证号码应为18位，收到8位"
    assert "电话号码" in found[(8, "联系电话")]
    assert record.error_count == len(record.errors) == 9


def test_out_of_scope_grid_is_rejected_for_a_grid_worker(district, client):
    login(client, "grid_worker")
    g1, g2 = district.grids["g1"].code, district.grids["g2"].code
    rows = [
        person_row(g1, "101", "本网格", 401),
        person_row(g2, "101", "邻网格", 402),
        person_row("370115001001099", "101", "没有的网格", 403),
    ]
    before = _snapshot()
    r = _post(client, xlsx_bytes(rows))
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors == [
        {"row": 3, "column": "网格编码", "message": "网格编码不存在或不在您的管辖范围内"},
        {"row": 4, "column": "网格编码", "message": "网格编码不存在或不在您的管辖范围内"},
    ]
    assert _snapshot() == before

    # The community worker's scope covers both grids of the community.
    record = imports.population_import(
        actor=district.user("community_worker"), file_name="a.xlsx", content=xlsx_bytes(rows[:2])
    )
    assert record.status == ImportStatus.APPLIED and record.created == 2


def test_duplicates_and_registrations_elsewhere_are_errors(district):
    g1 = district.grids["g1"].code
    other_household_person = id_number_for(3)  # fixture: g1, household 201
    g2_person = id_number_for(7)  # fixture: g2
    rows = [
        person_row(g1, "901", "甲", 501),
        person_row(g1, "902", "乙", 501),  # row 3: same ID as row 2
        person_row(g1, "903", "丙", None, id_number=other_household_person),  # row 4
        person_row(g1, "904", "丁", None, id_number=g2_person),  # row 5
        person_row(g1, "905", "戊", None),
        person_row(g1, "905", "戊", None, relation="子女"),  # row 7: same name, no ID, same household
    ]
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.xlsx", content=xlsx_bytes(rows)
    )
    found = {(e["row"], e["column"]): e["message"] for e in record.errors}
    assert found == {
        (3, "身份证号码"): "身份证号码与第2行重复",
        (4, "身份证号码"): "该身份证号码已登记在其他住户，不能通过导入变更住址，请先核实",
        (5, "身份证号码"): "该身份证号码已在其他网格登记，不能重复登记",
        (7, "姓名"): "同一住户内与第6行同名且都未填身份证号码，请填写身份证号码以便区分",
    }


def test_dry_run_validates_and_counts_but_writes_nothing(district, client):
    login(client, "grid_worker")
    before = _snapshot()
    r = _post(client, xlsx_bytes(_valid_rows(district)), dry_run=True)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "checked" and body["dry_run"] is True
    assert (body["created"], body["households_created"]) == (5, 2)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.txt", "姓名,身份证号码\n张三,1\n".encode(), "请上传 .xlsx 格式的Excel文件或 .csv 文件"),
        ("people.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "暂不支持旧版 .xls 文件"),
        ("people.xlsx", b"not a spreadsheet at all", "文件不是有效的Excel（.xlsx）文件"),
        ("people.xlsx", b"", "上传的文件是空的"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused_in_chinese(district, client, name, content, message):
    login(client, "grid_worker")
    r = _post(client, content, name=name)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid" and body["message"].startswith(message)
    assert "file" in body["fields"]
    assert not PopulationImport.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(district, client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("hello.txt", "你好")
    login(client, "grid_worker")
    r = _post(client, buf.getvalue())
    assert r.status_code == 400
    assert r.json()["message"].startswith("文件不是有效的Excel（.xlsx）文件")


def test_missing_file_and_missing_columns(district, client):
    login(client, "grid_worker")
    r = client.post(IMPORT_URL, {})
    assert r.status_code == 400 and r.json()["message"] == "请选择要上传的Excel文件"
    r = _post(client, xlsx_bytes([["370115001001001", "张三"]], headers=["网格编码", "姓名"]))
    assert r.status_code == 400
    assert r.json()["message"].startswith("第1行缺少必填列：门牌号、与户主关系")


def test_too_many_rows_and_too_large_files_are_refused(district, client, settings):
    login(client, "grid_worker")
    g1 = district.grids["g1"].code
    settings.IMPORT_MAX_ROWS = 3
    r = _post(client, xlsx_bytes([person_row(g1, str(i), f"人{i}", 600 + i) for i in range(4)]))
    assert r.status_code == 400 and r.json()["message"] == "文件数据超过3行，请拆分成多个文件分批导入"
    settings.IMPORT_MAX_ROWS = 50_000
    settings.IMPORT_MAX_BYTES = 1024
    r = _post(client, xlsx_bytes([person_row(g1, "1", "人", 600)]))
    assert r.status_code == 400 and r.json()["message"].startswith("文件过大")


def test_a_role_that_cannot_edit_population_cannot_import(district, client):
    content = xlsx_bytes(_valid_rows(district))
    for username in ("auditor", "resident", "department_handler"):
        client.logout()
        login(client, username)
        r = _post(client, content)
        assert r.status_code == 403, username
        assert r.json()["message"] == "您的角色不能导入人口数据"
    with pytest.raises(Forbidden):
        imports.population_import(actor=district.user("auditor"), file_name="a.xlsx", content=content)


def test_cells_excel_mangled_are_reported(district):
    g1 = district.grids["g1"].code
    rows = [person_row(g1, "101", "数字身份证", None)]
    rows[0][6] = 3.70125199001011e17  # what Excel keeps of an ID typed into a number cell
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.xlsx", content=xlsx_bytes(rows)
    )
    assert record.errors == [
        {
            "row": 2,
            "column": "身份证号码",
            "message": "身份证号码被Excel存成了数字，末几位已丢失；请将该列设为“文本”格式后重新填写",
        }
    ]


def test_numbers_typed_as_numbers_still_match(district):
    """Excel stores 101 and 1 as numbers unless the column is text; they mean the same household."""
    g1 = district.grids["g1"].code
    row = person_row(g1, "101", "测试新人", 104, estate="银山社区小区", building="1", entrance="1")
    row[2], row[3], row[4], row[0] = 1, 1, 101, int(g1)
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.xlsx", content=xlsx_bytes([row])
    )
    assert record.status == ImportStatus.APPLIED and record.households_created == 0
    assert Person.objects.get(name="测试新人").household == district.households["g1"][0]


def test_empty_rows_are_skipped_and_row_numbers_stay_excel_rows(district):
    g1 = district.grids["g1"].code
    empty: list[object] = [None] * 11
    rows = [person_row(g1, "1", "甲", 701), empty, empty, person_row(g1, "2", "", 702)]
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.xlsx", content=xlsx_bytes(rows)
    )
    assert record.rows == 2
    assert record.errors == [{"row": 5, "column": "姓名", "message": "请填写姓名"}]


def test_header_aliases_and_optional_columns(district):
    g1 = district.grids["g1"].code
    headers = ["网格编号", "门牌", "姓名 *", "户主关系", "身份证号"]
    content = xlsx_bytes(
        [[g1, "808", "别名列", "本人", id_number_for(801, birth="19920315")]], headers=headers
    )
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.xlsx", content=content
    )
    assert record.status == ImportStatus.APPLIED, record.errors
    person = Person.objects.get(name="别名列")
    assert person.relation == Relation.HEAD and person.residence_type == ResidenceType.REGISTERED
    assert person.household is not None and person.household.address == "808室"


def test_tags_column_absent_keeps_tags_present_and_empty_clears_them(district):
    grid_worker = district.user("grid_worker")
    g1 = district.grids["g1"].code
    row = person_row(g1, "909", "标签人", 901, tags="党员")
    imports.population_import(actor=grid_worker, file_name="a.xlsx", content=xlsx_bytes([row]))
    without_tags = xlsx_bytes([row[:10]], headers=sheets.HEADERS[:10])
    record = imports.population_import(actor=grid_worker, file_name="a.xlsx", content=without_tags)
    assert record.unchanged == 1
    assert Person.objects.get(name="标签人").tags == ["party_member"]
    row[10] = ""
    record = imports.population_import(actor=grid_worker, file_name="a.xlsx", content=xlsx_bytes([row]))
    assert record.updated == 1
    assert Person.objects.get(name="标签人").tags == []


def test_template_download(district, client):
    login(client, "grid_worker")
    r = client.get("/api/v1/persons/import-template.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"] == sheets.XLSX_CONTENT_TYPE
    assert "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["实有人口", "填写说明"]
    ws = wb["实有人口"]
    assert [c.value for c in ws[1]] == list(sheets.HEADERS)
    assert ws["A2"].value == district.grids["g1"].code  # an example in the user's own grid
    assert ws.column_dimensions["G"].width >= 20  # 身份证号码
    assert ws["G2"].number_format == "@"
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "本人（户主）" in validations["I2"] and "配偶" in validations["I2"]
    assert "流动人口" in validations["J2"]
    help_rows = [row[0].value for row in wb["填写说明"].iter_rows(min_row=2)]
    assert "身份证号码" in help_rows

    # Uploading the template as it is points at the example row instead of importing it.
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="模板.xlsx", content=r.content
    )
    assert record.errors == [
        {"row": 2, "column": "身份证号码", "message": "这是导入模板中的示例行，请删除后再导入"}
    ]


def test_error_report_is_scoped_to_the_uploader_and_their_scope(district, client):
    g1 = district.grids["g1"].code
    record = imports.population_import(
        actor=district.user("grid_worker"),
        file_name="a.xlsx",
        content=xlsx_bytes([person_row(g1, "1", "", 1001)]),
    )
    url = f"/api/v1/persons/imports/{record.pk}/errors.xlsx"
    for username, status in (
        ("grid_worker", 200),
        ("community_worker", 200),
        ("district_admin", 200),
        ("grid_worker_g2", 404),
        ("resident", 404),
    ):
        client.logout()
        login(client, username)
        assert client.get(url).status_code == status, username
        assert client.get(f"/api/v1/persons/imports/{record.pk}").status_code == status, username


def test_import_queries_do_not_grow_with_rows(district, django_assert_max_num_queries):
    grid_worker = district.user("grid_worker")
    g1 = district.grids["g1"].code
    rows = [
        person_row(g1, f"{i // 3}", f"批量{i}", 1100 + i, building=str(i // 60), phone=f"1370000{i:04d}")
        for i in range(600)
    ]
    content = xlsx_bytes(rows)
    # 600 persons in 200 households of 10 buildings: the bulk inserts, a few lookups, the places
    # services for each new estate/building — never a query per row.
    with django_assert_max_num_queries(100):
        record = imports.population_import(actor=grid_worker, file_name="a.xlsx", content=content)
    assert (record.created, record.households_created) == (600, 200)
    with django_assert_max_num_queries(10):
        again = imports.population_import(actor=grid_worker, file_name="a.xlsx", content=content)
    assert again.unchanged == 600


def test_file_level_refusals_raise_validation_failed(district):
    with pytest.raises(ValidationFailed):
        imports.population_import(actor=None, file_name="a.xlsx", content=xlsx_bytes([]))


# --- csv ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_a_csv_file_imports_like_the_workbook(district, client, encoding):
    """Excel on Chinese Windows saves "CSV" in GBK and "CSV UTF-8" with a BOM; both read the same."""
    login(client, "grid_worker")
    rows = _valid_rows(district)
    content = csv_bytes(rows, encoding=encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")  # really GBK, not UTF-8 by chance
    persons_before = Person.objects.count()
    r = _post(client, content, name="实有人口.csv")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "applied" and (body["created"], body["households_created"]) == (5, 2)
    assert Person.objects.count() == persons_before + 5
    wang = Person.objects.get(name="王一")
    assert wang.tags == ["party_member", "volunteer"] and wang.phone_masked == "138****1111"
    assert Person.objects.get(name="李四").residence_type == ResidenceType.MIGRANT
    # The same rows as a workbook find every person unchanged: the two formats mean the same thing.
    again = _post(client, xlsx_bytes(rows)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    r = _post(client, content, name="实有人口.csv")
    assert r.json()["unchanged"] == 5 and Person.objects.count() == persons_before + 5


def test_csv_row_errors_are_reported_by_row_and_column(district, client):
    login(client, "grid_worker")
    g1 = district.grids["g1"].code
    rows: list[list[object]] = [
        person_row(g1, "101", "甲", 1301),
        person_row(g1, "102", "乙", 1302, relation="邻居"),
        person_row(g1, "103", "丙", None, id_number="3.70102E+17"),  # Excel kept the ID as a number
        ["", "", "", "", "", "", "", "", "", "", ""],  # an empty line, skipped; row numbers stay
        person_row(g1, "104", "丁", 1304, phone="12"),
    ]
    snapshot = _snapshot()
    r = _post(client, csv_bytes(rows, encoding="gbk"), name="有错.csv")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "import_rejected"
    got = [(e["row"], e["column"]) for e in body["errors"]]
    assert got == [(3, "与户主关系"), (4, "身份证号码"), (6, "联系电话")]
    assert "存成了数字" in body["errors"][1]["message"]
    assert _snapshot()[:2] == snapshot[:2]
    record = PopulationImport.objects.get()
    assert record.status == ImportStatus.REJECTED and record.file_name == "有错.csv"
    report = read_xlsx(client.get(body["report_url"]).content)
    assert [row[:2] for row in report[1:]] == [(3, "与户主关系"), (4, "身份证号码"), (6, "联系电话")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # An unclosed quote in the header: not a csv Excel wrote.
        ('网格编码,门牌号,"姓名,与户主关系\r\n1,2,3,4\r\n'.encode("utf-8-sig"), "CSV文件无法读取：第"),
        ('网格编码,门牌号,"姓"名,与户主关系\r\n'.encode(), "CSV文件无法读取：第1行格式错误"),
        ("网格编码,门牌号\r\n".encode("utf-16"), "CSV文件无法读取：文件是UTF-16编码"),
        (b"\x81\xff\xfe\x00garbage", "CSV文件无法读取：文件编码既不是UTF-8也不是GBK"),
        (b"PK\x03\x04" + b"\0" * 40, "CSV文件无法读取：这是Excel文件而不是CSV文件"),
        ("姓名,身份证号码\r\n张三,1\r\n".encode("gbk"), "第1行缺少必填列：网格编码、门牌号、与户主关系"),
        ("网格编码,门牌号,姓名,与户主关系\r\n".encode("gbk"), "文件中没有数据行"),
    ],
)
def test_a_csv_that_cannot_be_read_is_refused_in_chinese(district, client, content, message):
    login(client, "grid_worker")
    r = _post(client, content, name="名单.csv")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["message"].startswith(message), body["message"]
    assert "file" in body["fields"]
    assert not PopulationImport.objects.exists()


def test_csv_limits_are_the_workbook_limits(district, client, settings):
    login(client, "grid_worker")
    g1 = district.grids["g1"].code
    settings.IMPORT_MAX_ROWS = 3
    rows = [person_row(g1, str(i), f"人{i}", 600 + i) for i in range(4)]
    r = _post(client, csv_bytes(rows), name="多.csv")
    assert r.status_code == 400 and r.json()["message"] == "文件数据超过3行，请拆分成多个文件分批导入"
    settings.IMPORT_MAX_ROWS = 50_000
    settings.IMPORT_MAX_BYTES = 200
    r = _post(client, csv_bytes(rows), name="大.csv")
    assert r.status_code == 400 and r.json()["message"].startswith("文件过大")


def test_the_copy_columns_are_every_column_of_the_tables():
    """The PostgreSQL COPY path names its columns; a field added to either model must be added there."""
    household = [f.column for f in Household._meta.concrete_fields]
    person = [f.column for f in Person._meta.concrete_fields if f.column != "id"]
    assert list(imports.HOUSEHOLD_COPY_COLUMNS) == household
    assert list(imports.PERSON_COPY_COLUMNS) == person


def test_an_imported_person_is_stored_as_the_person_services_store_one(district):
    """Whichever way the rows are written (COPY on PostgreSQL, the ORM elsewhere), every column equals
    what build_person + save writes for the same input."""
    from gongzhi.people.services import PersonInput, build_person, clean_person

    g1 = district.grids["g1"]
    row = person_row(
        g1.code, "901", "对照人", 1901, phone="13900001901", tags="党员、志愿者", relation="配偶"
    )
    record = imports.population_import(
        actor=district.user("grid_worker"), file_name="a.csv", content=csv_bytes([row])
    )
    assert record.status == ImportStatus.APPLIED
    imported = Person.objects.get(name="对照人")
    household = imported.household
    assert household is not None and household.grid_id == g1.pk and household.address_key
    reference = build_person(
        clean_person(
            PersonInput(
                name="对照人",
                id_number=str(row[6]),
                phone="13900001901",
                relation=Relation.SPOUSE,
                residence_type=ResidenceType.REGISTERED,
                tags=["party_member", "volunteer"],
            )
        ),
        household,
    )
    skip = {"id", "created_at", "updated_at", "id_number_encrypted", "phone_encrypted"}  # random nonces
    for f in Person._meta.concrete_fields:
        if f.attname not in skip:
            assert getattr(imported, f.attname) == getattr(reference, f.attname), f.attname
    assert ids.decrypt(imported.id_number_encrypted) == row[6]
    assert ids.decrypt(imported.phone_encrypted) == "13900001901"
    assert imported.created_at is not None and household.created_at is not None
