"""12345 hotline import: real xlsx and csv files (UTF-8 with BOM, GBK), idempotency, row errors,
permission and scoping; the console page and the API."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.tickets import hotline
from gongzhi.tickets.enums import Channel, Level, TicketStatus
from gongzhi.tickets.models import HotlineImport, Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SH)
HEADERS = [
    "工单编号",
    "来电时间",
    "诉求内容",
    "诉求地址",
    "联系电话",
    "诉求类型",
    "办理时限",
    "来电人",
    "承办单位",
]
G1_ADDRESS = "银山社区小区1号楼1单元101室"
G4_ADDRESS = "安大社区小区1号楼1单元101室"


def _rows():
    return [
        [
            "GD001",
            "2026-11-20 09:30",
            "小区东门路灯不亮",
            "济南市济阳区" + G1_ADDRESS,
            "13912345678",
            "城市管理/路灯",
            "3个工作日",
            "张先生",
            "城管局",
        ],
        [
            "GD002",
            datetime(2026, 11, 21, 14, 5),
            "楼下饭店夜间噪音扰民",
            "不知道在哪里的地址",
            "0531-88889999",
            "噪音扰民",
            "24小时",
            "李女士",
            "",
        ],
        ["GD003", "昨天下午", "内容正常", G1_ADDRESS, "13912345678", "", "", "", ""],
        ["GD004", "2026-11-22 08:00", "", G1_ADDRESS, "13912345678", "", "", "", ""],
        ["GD005", "2026-11-22 08:00", "井盖丢了", G1_ADDRESS, "12345", "", "", "", ""],
        ["GD006", "2026-11-22 08:00", "井盖丢了", G1_ADDRESS, "13912345678", "", "很快", "", ""],
        [
            "GD007",
            "2026-11-23 10:00",
            "楼道堆放杂物",
            G1_ADDRESS,
            "13912345679",
            "其他",
            "2026-11-24 17:00",
            "",
            "",
        ],
    ]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, encoding: str) -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    for r in rows:
        w.writerow([v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in r])
    return buf.getvalue().encode(encoding)


def run(district, user="district_admin", content=None, name="12345.xlsx"):
    return hotline.hotline_import(
        actor=district.user(user), file_name=name, content=content or xlsx(_rows()), now=NOW
    )


def test_good_rows_go_in_bad_rows_come_back(district):
    record = run(district)
    assert (record.rows, record.created, record.skipped, record.error_count) == (7, 3, 0, 4)
    by_row = {(e["row"], e["column"]) for e in record.errors}
    assert by_row == {(4, "来电时间"), (5, "诉求内容"), (6, "联系电话"), (7, "办理时限")}
    messages = {e["row"]: e["message"] for e in record.errors}
    assert "格式不正确" in messages[4] and messages[5] == "请填写诉求内容"
    assert "12345" not in messages[6]  # the phone is not echoed into the stored report
    assert record.error_rows["6"][4] != "12345"

    t1 = Ticket.objects.get(external_id="GD001")
    assert (t1.channel, t1.channel_source, t1.status) == (Channel.HOTLINE, "12345", TicketStatus.REPORTED)
    assert t1.grid_code == district.grids["g1"].code and t1.level == Level.GRID
    assert t1.category is not None and t1.category.code == "101018"  # 路灯, by the last part of 城市管理/路灯
    assert t1.reporter_name == "张先生" and t1.reporter_phone_masked == "139****5678"
    assert t1.created_at == datetime(2026, 11, 20, 9, 30, tzinfo=SH)
    data = TicketEvent.objects.get(ticket=t1, move="report").data["hotline"]
    assert (data["limit_amount"], data["limit_unit"], data["import_id"]) == (3, "working_days", record.pk)
    assert hotline.hotline_limit(t1) == (3, "working_days")

    t2 = Ticket.objects.get(external_id="GD002")
    assert t2.grid_code == "" and t2.district_code == "370115" and t2.level == Level.DISTRICT
    assert (
        t2.category is not None
        and t2.category.code == "205015"
        and hotline.hotline_limit(t2) == (24, "hours")
    )
    assert t2.created_at == datetime(2026, 11, 21, 14, 5, tzinfo=SH)
    assert record.unplaced == 1

    t7 = Ticket.objects.get(external_id="GD007")
    assert t7.category is None  # 其他: no category by that name or keyword
    assert hotline.hotline_limit(t7) == (31, "hours")  # 10:00 → next day 17:00
    assert t7.reporter_name == "12345来电人"
    assert (
        AuditEvent.objects.filter(event_type="tickets.hotline_imported", target_id=str(record.pk)).count()
        == 1
    )


def test_reimport_is_idempotent(district):
    run(district)
    again = run(district)
    assert (again.created, again.skipped, again.error_count) == (0, 3, 4)
    assert {s["reason"] for s in again.skipped_rows} == {"已存在"}
    assert {s["external_id"] for s in again.skipped_rows} == {"GD001", "GD002", "GD007"}
    assert Ticket.objects.filter(channel=Channel.HOTLINE).count() == 3
    # The operator fixes the bad rows and uploads the whole file again: only those go in.
    fixed = _rows()
    fixed[2][1], fixed[3][2], fixed[4][4], fixed[5][6] = "2026/11/22 9:00", "井盖丢失", "13900001111", "5天"
    third = run(district, content=xlsx(fixed))
    assert (third.created, third.skipped, third.error_count) == (4, 3, 0)
    assert hotline.hotline_limit(Ticket.objects.get(external_id="GD006")) == (5, "natural_days")


def test_duplicate_number_inside_one_file_is_skipped(district):
    rows = _rows()[:1] * 2
    record = run(district, content=xlsx(rows))
    assert (record.created, record.skipped) == (1, 1)
    assert record.skipped_rows[0]["reason"] == "与第2行工单编号重复"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_and_gbk(district, encoding):
    content = csv_bytes(_rows(), encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    record = run(district, content=content, name="导出.csv")
    assert (record.created, record.error_count) == (3, 4)
    assert Ticket.objects.get(external_id="GD001").description == "小区东门路灯不亮"


def test_control_characters_in_a_csv_are_never_stored(district):
    """A csv can carry control characters (an xlsx cannot): \\x0b and ESC are stripped at reading like
    every input edge; a NUL marks a binary file, refused whole with nothing written."""
    rows = _rows()[:1]
    rows[0][2] = "小区东门\x0b路灯不亮\x1b"
    rows[0][7] = "张\x1b先生"
    record = run(district, content=csv_bytes(rows, "utf-8"), name="导出.csv")
    assert (record.created, record.error_count) == (1, 0)
    ticket = Ticket.objects.get(external_id="GD001")
    assert (ticket.description, ticket.reporter_name) == ("小区东门路灯不亮", "张先生")
    rows[0][0], rows[0][2] = "GD100", "路灯\x00不亮"
    with pytest.raises(ValidationFailed):
        run(district, content=csv_bytes(rows, "utf-8"), name="导出.csv")
    assert not Ticket.objects.filter(external_id="GD100").exists()


def test_header_aliases_and_missing_columns(district):
    headers = ["受理编号", "受理时间", "诉求详情", "事发地址", "来电号码", "诉求分类", "处理时限", "诉求人"]
    record = run(district, content=xlsx([_rows()[0][:8]], headers=headers))
    assert record.created == 1
    assert Ticket.objects.get(external_id="GD001").reporter_name == "张先生"
    with pytest.raises(ValidationFailed) as exc:
        run(district, content=xlsx([["GD9", "x"]], headers=["工单编号", "诉求地址"]))
    assert "来电时间" in exc.value.message and "诉求内容" in exc.value.message


def test_unreadable_and_oversized_files_record_nothing(district, settings):
    with pytest.raises(ValidationFailed):
        run(district, content=b"not a zip at all", name="a.xlsx")
    with pytest.raises(ValidationFailed):
        run(district, content=b"abc", name="a.xls")
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationFailed) as exc:
        run(district)
    assert "超过2行" in exc.value.message
    assert HotlineImport.objects.count() == 0 and Ticket.objects.count() == 0


@pytest.mark.parametrize("user", ["grid_worker", "grid_head", "resident", "department_handler", "auditor"])
def test_only_district_subdistrict_and_community_staff_import(district, user):
    with pytest.raises(Forbidden):
        run(district, user=user)
    assert Ticket.objects.count() == 0


def test_community_worker_cannot_import_into_another_community(district):
    rows = [
        ["GD101", "2026-11-20 09:30", "路灯不亮", G1_ADDRESS, "13912345678", "", "", "", ""],
        ["GD102", "2026-11-20 09:30", "路灯不亮", G4_ADDRESS, "13912345678", "", "", "", ""],
    ]
    record = run(district, user="community_worker", content=xlsx(rows))
    assert record.created == 1 and record.error_count == 1
    assert record.errors[0]["column"] == "诉求地址" and "不在您的管辖范围内" in record.errors[0]["message"]
    assert record.community_code == district.communities["A1"].code
    # The subdistrict staff of A sees the community's import; B's grid worker and the other subdistrict do not.
    sub = district.user("subdistrict_staff")
    assert [r.pk for r in hotline.hotline_import_list_for_actor(actor=sub)] == [record.pk]
    admin_record = run(district, content=xlsx([rows[1]]))
    assert admin_record.created == 1
    assert [r.pk for r in hotline.hotline_import_list_for_actor(actor=district.user("community_worker"))] == [
        record.pk
    ]
    with pytest.raises(NotFound):
        hotline.hotline_import_get_for_actor(
            actor=district.user("community_worker"), import_id=admin_record.pk
        )


def test_parse_limit_and_time():
    called = datetime(2026, 11, 20, 9, 0, tzinfo=SH)

    def limit(text: str) -> hotline.Limit:
        out = hotline.parse_limit(text, called)
        assert isinstance(out, hotline.Limit), out
        return out

    assert limit("3个工作日").unit == "working_days"
    assert limit("2个工作时").unit == "working_hours"
    assert limit("5 天内").amount == 5
    assert isinstance(hotline.parse_limit("2026-11-19 17:00", called), str)
    far = limit("2026-11-30 17:00")
    assert (far.amount, far.unit) == (11, "natural_days")
    assert hotline.parse_local_time("2026年11月20日 9时30分") == datetime(2026, 11, 20, 9, 30, tzinfo=SH)
    assert hotline.parse_local_time("20261120093000") == datetime(2026, 11, 20, 9, 30, tzinfo=SH)
    assert hotline.parse_local_time("2026-02-30 09:00") is None


def test_console_page_upload_history_and_report(district, client):
    client.force_login(district.user("community_worker"))
    page = client.get("/console/tickets/hotline/")
    assert page.status_code == 200 and "导入12345热线工单" in page.content.decode()
    template = client.get("/console/tickets/hotline/template.xlsx")
    ws = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in ws[1]][:7] == HEADERS[:7]
    upload = io.BytesIO(xlsx(_rows()))
    upload.name = "12345.xlsx"
    resp = client.post("/console/tickets/hotline/", {"file": upload})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="hotline-created">3<' in body
    record = HotlineImport.objects.get()
    report = client.get(f"/console/tickets/hotline/{record.pk}/errors.xlsx")
    rows = list(load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("行号", "列", "错误原因") and len(rows) == 5
    assert rows[1][0] == 4 and rows[1][1] == "来电时间"
    client.force_login(district.user("grid_worker"))
    assert client.get(f"/console/tickets/hotline/{record.pk}/errors.xlsx").status_code == 404
    assert "只有区级管理员" in client.get("/console/tickets/hotline/").content.decode()


def test_api_import_and_errors(district, client):
    client.force_login(district.user("district_admin"))
    upload = io.BytesIO(csv_bytes(_rows(), "gbk"))
    upload.name = "12345.csv"
    resp = client.post("/api/v1/tickets/hotline-import", {"file": upload})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["created"], body["error_count"]) == (3, 4)
    assert body["errors"][0] == {"row": 4, "column": "来电时间", "message": body["errors"][0]["message"]}
    report = client.get(body["error_report_url"])
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/api/v1/tickets/hotline-imports").json()[0]["id"] == body["id"]
    assert client.get(f"/api/v1/tickets/hotline-imports/{body['id']}").json()["created"] == 3
    assert client.get("/api/v1/tickets/hotline-import-template.xlsx").status_code == 200
    bad = io.BytesIO(b"x")
    bad.name = "a.txt"
    resp = client.post("/api/v1/tickets/hotline-import", {"file": bad})
    assert resp.status_code == 400 and resp.json()["fields"] == {"file": "文件格式不支持"}
    client.force_login(district.user("grid_worker"))
    upload.seek(0)
    assert client.post("/api/v1/tickets/hotline-import", {"file": upload}).status_code == 403
