"""Every register as xlsx: opened with openpyxl, a title row with the place and period, the Chinese header
row frozen below it, widths; phones masked and never a full phone or ID in any cell; only the downloader's
places; one labelled audit row per download (console /console/registers/export/…, API /api/v1/registers/…)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from gongzhi.audit.enums import EVENT_LABELS
from gongzhi.audit.models import AuditEvent
from gongzhi.cobuild.services.needs import NeedInput, need_raise
from gongzhi.cobuild.services.resources import ResourceInput, resource_register
from gongzhi.core import ids
from gongzhi.people.models import Person
from gongzhi.places.services.teams import grid_team_member_add
from gongzhi.registers.exports import REGISTERS, register_export
from gongzhi.registers.services.imports import register_import
from gongzhi.registers.tests.helpers import uscc
from gongzhi.registers.tests.test_imports import members_file, units_file
from gongzhi.testing import build_small_district

pytestmark = pytest.mark.django_db

PHONES = ("13912345678", "13800001111", "13800002222", "13700007777", "13600006666")


@pytest.fixture
def district():
    d = build_small_district()
    cw = d.user("community_worker")
    register_import(actor=cw, kind="units", file_name="u.xlsx", content=units_file(d))
    register_import(actor=cw, kind="members", file_name="m.xlsx", content=members_file(d, uscc(1)))
    grid_team_member_add(actor=None, grid=d.grids["g1"], role="grid_worker", name="网格员甲", phone=PHONES[0])
    grid_team_member_add(
        actor=None, grid=d.grids["g4"], role="grid_worker", name="安大网格员", phone=PHONES[3]
    )
    need_raise(actor=cw, data=NeedInput(title="独居老人助浴", category="elderly_care"), source="community",
               community_id=d.communities["A1"].pk)  # fmt: skip
    from gongzhi.party.models import Unit

    resource_register(
        actor=cw, community_id=d.communities["A1"].pk, provider_kind="unit",
        provider_id=Unit.objects.get(uscc=uscc(1)).pk,
        data=ResourceInput(title="义诊", kind="service", categories=["medical"], contact_name="刘主任", contact_phone=PHONES[4]),
    )  # fmt: skip
    return d


def _every_cell(content: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(content))
    return [
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]


def _no_full_phone_or_id(content: bytes) -> None:
    text = "\n".join(_every_cell(content))
    for phone in PHONES:
        assert phone not in text
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # no 11-digit mobile number at all
    for person in Person.objects.exclude(id_number_encrypted=""):
        assert ids.decrypt(person.id_number_encrypted) not in text
        assert ids.decrypt(person.phone_encrypted) not in text if person.phone_encrypted else True


def test_every_register_opens_with_title_frozen_headers_and_masked_values(district):
    cw = district.user("community_worker")
    for key, register in REGISTERS.items():
        name, content = register_export(actor=cw, key=key)
        assert name.endswith(".xlsx") and "银山社区" in name
        wb = load_workbook(io.BytesIO(content))
        for ws in wb.worksheets:
            title = str(ws.cell(row=1, column=1).value)
            assert title.startswith("银山社区" + register.title) and "（" in title  # place and period
            assert ws.freeze_panes == "A3"
            header = [str(c.value or "") for c in ws[2]]
            assert all(re.search(r"[\u4e00-\u9fff]|1\+X\+N", h) for h in header)
            assert ws.column_dimensions["A"].width > 0
        _no_full_phone_or_id(content)
    assert AuditEvent.objects.filter(event_type="registers.exported").count() == len(REGISTERS)
    assert "registers.exported" in EVENT_LABELS


def test_members_units_lists_and_roster_hold_the_rows_masked(district):
    cw = district.user("community_worker")
    wb = load_workbook(io.BytesIO(register_export(actor=cw, key="members")[1]))
    basic = [[c.value for c in r] for r in wb["基本信息"].iter_rows(min_row=3)]
    assert {r[1] for r in basic} == {"王医生", "赵老师"}
    assert {r[2] for r in basic} == {"138****1111", "138****2222"}
    skills = {r[1]: r for r in ([c.value for c in r] for r in wb["特长与服务"].iter_rows(min_row=3))}
    assert skills["王医生"][3] == "医疗健康、心理疏导" and skills["王医生"][4] == "医疗健康"
    by_type = {r[0].value: r[1].value for r in wb["按服务类型统计"].iter_rows(min_row=3)}
    assert by_type["医疗健康"] == 1 and by_type["教育辅导"] == 1

    roster = load_workbook(io.BytesIO(register_export(actor=cw, key="roster")[1])).worksheets[0]
    rows = [[c.value for c in r] for r in roster.iter_rows(min_row=3)]
    assert [(r[6], r[7], r[5]) for r in rows] == [("网格员甲", "139****5678", "X")]  # not B1's grid worker

    lists = load_workbook(io.BytesIO(register_export(actor=cw, key="lists")[1]))
    assert lists.sheetnames == ["需求清单", "资源清单", "项目清单"]
    assert lists["需求清单"].cell(row=3, column=4).value == "独居老人助浴"
    assert lists["资源清单"].cell(row=3, column=11).value == "136****6666"
    assert lists["项目清单"].cell(row=3, column=1).value == "（暂无数据）"

    units = load_workbook(io.BytesIO(register_export(actor=cw, key="units")[1])).worksheets[0]
    assert {(r[1].value, r[8].value) for r in units.iter_rows(min_row=3)} == {
        ("济阳区人民医院", 1), ("济阳区实验小学", 0)
    }  # fmt: skip


def test_scope_a_grid_worker_of_another_community_sees_none_of_a1(district):
    other = district.user("grid_worker_g2")  # g2 is in A1 too: sees A1's g2 rows only
    wb = load_workbook(io.BytesIO(register_export(actor=other, key="roster")[1]))
    assert wb.worksheets[0].cell(row=3, column=1).value == "（暂无数据）"
    wb = load_workbook(io.BytesIO(register_export(actor=other, key="members")[1]))
    assert wb["基本信息"].cell(row=3, column=1).value == "（暂无数据）"  # members were placed on g1
    from gongzhi.core.errors import NotFound

    with pytest.raises(NotFound):
        register_export(actor=other, key="nothing")


def test_console_and_api_downloads_are_audited_and_refused_to_others(district, client):
    client.force_login(district.user("community_worker"))
    page = client.get("/console/registers/")
    assert page.status_code == 200 and "导出台账" in page.content.decode()
    response = client.get("/console/registers/export/hours.xlsx", {"year": 2026})
    assert response.status_code == 200
    _no_full_phone_or_id(response.content)
    response = client.get("/api/v1/registers/patrols.xlsx", {"month": "2026-11"})
    assert response.status_code == 200
    assert "2026年11月" in str(load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value)
    rows = list(
        AuditEvent.objects.filter(event_type="registers.exported")
        .order_by("id")
        .values_list("data", flat=True)
    )
    assert [r["register"] for r in rows] == ["hours", "patrols"] and rows[1]["period"] == "2026年11月"
    bad = client.get("/api/v1/registers/patrols.xlsx", {"month": "2026-13"})
    assert bad.status_code == 400 and "月份" in bad.json()["message"]

    client.force_login(district.user("resident"))
    assert client.get("/console/registers/export/roster.xlsx").status_code in (302, 403)
    assert client.get("/api/v1/registers/roster.xlsx").status_code == 403


def test_the_ticket_indicators_and_patrol_registers_hold_the_records(district):
    from django.utils import timezone

    from gongzhi.tickets import services as svc
    from gongzhi.tickets.services.patrols import patrol_check_in, patrol_end, patrol_start
    from gongzhi.tickets.tests.helpers import G1_POINT

    g1, g2 = district.grids["g1"], district.grids["g2"]
    svc.ticket_report(
        actor=district.user("resident"),
        data=svc.TicketInput(description="楼道路灯不亮", lng=G1_POINT[0], lat=G1_POINT[1]),
    )
    worker = district.user("grid_worker")
    patrol = patrol_start(actor=worker, grid_code=g1.code)
    patrol_check_in(actor=worker, patrol_id=patrol.pk, lng=G1_POINT[0], lat=G1_POINT[1])
    patrol_end(actor=worker, patrol_id=patrol.pk, note="巡查正常")
    cw = district.user("community_worker")

    _name, content = register_export(actor=cw, key="indicators")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[2]]
    rows = {r[0]: r for r in ([c.value for c in r] for r in sheet.iter_rows(min_row=3))}
    reported = header.index("上报")
    assert rows[district.communities["A1"].code][1] == "银山社区"
    assert rows[district.communities["A1"].code][reported] == 1  # the place itself, then its grids
    assert (rows[g1.code][reported], rows[g2.code][reported]) == (1, 0)
    _no_full_phone_or_id(content)

    month = f"{timezone.localdate():%Y-%m}"
    _name, content = register_export(actor=cw, key="patrols", month=month)
    wb = load_workbook(io.BytesIO(content))
    header = [c.value for c in wb["按网格"][2]]
    grids = {r[0]: r for r in ([c.value for c in r] for r in wb["按网格"].iter_rows(min_row=3))}
    counted = [grids[g1.code][header.index(h)] for h in ("巡查天数", "巡查次数", "打卡次数")]
    assert counted == [1, 1, 1]
    assert g2.code not in grids or grids[g2.code][header.index("巡查次数")] == 0
    communities = {r[0].value: r for r in wb["按社区"].iter_rows(min_row=3)}
    assert communities[district.communities["A1"].code][header.index("巡查次数")].value == 1
    assert f"{timezone.localdate():%Y年%m月}" in str(wb["按网格"]["A1"].value)
