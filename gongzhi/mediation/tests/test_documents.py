"""The four registers, the agreement and the case file rendered by poppler and readable (pdftotext),
the registers as xlsx through core.cells; every download audited, need-to-know for the case documents."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.mediation import books
from gongzhi.mediation.services.outcomes import case_agree
from gongzhi.mediation.services.registers import (
    analysis_record,
    consultation_record,
    screening_fill,
    visitor_record,
)
from gongzhi.mediation.tests.factories import make_case, make_org, mediating_case

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603
    return "".join(out.split())


def _fill(d, org):
    today = timezone.localdate()
    visitor_record(
        actor=None,
        committee_id=org.committee.pk,
        visited_on=today,
        visitor="张大妈",
        phone="13912340001",
        matter="楼上装修噪音大",
        handling="约双方到调解室面谈",
        handler="卜哥",
    )
    consultation_record(
        actor=None,
        committee_id=org.committee.pk,
        consulted_on=today,
        visitor="刘先生",
        question="工资被拖欠怎么办",
        answer="可申请劳动仲裁",
        staff="王律师",
    )
    screening_fill(
        actor=None,
        grid_id=d.grids["g1"].pk,
        week_start=today,
        disputes_found=1,
        findings="3号楼漏水纠纷",
        risks="可能激化",
    )
    analysis_record(
        actor=None,
        level="community",
        place_code=d.communities["A1"].code,
        held_on=today,
        place="社区会议室",
        attendees="书记、调解员、网格员",
        cases_reviewed="3号楼漏水纠纷",
        decisions="由卜哥牵头调解",
        assignments="网格员跟进",
    )


@pytest.mark.pdf
def test_the_four_registers_read_in_poppler(district, tmp_path):
    org = make_org(district)
    _fill(district, org)
    case = mediating_case(district, org)
    cw = district.user("community_worker")
    expected = {
        "visits": ["接访登记簿", "张大妈", "楼上装修噪音大", "139****0001"],
        "consultations": ["法律服务登记簿", "工资被拖欠怎么办", "可申请劳动仲裁"],
        "cases": ["调解案件登记簿", case.number, "楼上漏水", "卜哥"],
        "meetings": ["会议记录簿", "每周排查", "3号楼漏水纠纷", "由卜哥牵头调解"],
    }
    since = timezone.localdate() - dt.timedelta(days=60)
    for kind, words in expected.items():
        _name, pdf = books.register_pdf(actor=cw, committee_id=org.committee.pk, kind=kind, since=since)
        text = text_of(pdf, tmp_path)
        assert org.committee.name in text and "第1页" in text
        for word in words:
            assert word in text, (kind, word)
        assert "13912340001" not in text
    assert AuditEvent.objects.filter(event_type="mediation.document_downloaded").count() == 4


@pytest.mark.pdf
def test_agreement_and_case_file_read_in_poppler(district, tmp_path):
    org = make_org(district)
    cw = district.user("community_worker")
    case = mediating_case(district, org)
    with pytest.raises(Conflict):
        books.agreement_pdf(actor=cw, case_id=case.pk)
    case = case_agree(actor=cw, case_id=case.pk, terms="楼上赔偿维修费两千元", performance="七日内现金支付")
    _name, pdf = books.agreement_pdf(actor=cw, case_id=case.pk)
    text = text_of(pdf, tmp_path)
    for word in (
        "人民调解协议书",
        case.agreement_number,
        "申请人",
        "被申请人",
        "李四",
        "楼上赔偿维修费两千元",
        "七日内现金支付",
        "卜哥",
        org.committee.name,
    ):
        assert word in text, word
    assert "13912345678" not in text
    _name, pdf = books.case_file_pdf(actor=cw, case_id=case.pk)
    text = text_of(pdf, tmp_path)
    for word in ("人民调解卷宗", case.number, "卷内文件目录", "调解记录", "已在卷", "双方陈述了漏水经过"):
        assert word in text, word


def test_registers_as_xlsx_and_need_to_know(district):
    org = make_org(district)
    _fill(district, org)
    make_case(district, org)
    cw = district.user("community_worker")
    name, data = books.register_xlsx(actor=cw, committee_id=org.committee.pk, kind="visits")
    assert name.endswith("接访登记簿.xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert (
        rows[1][:3] == ("序号", "日期", "来访人") and rows[2][2] == "张大妈" and rows[2][3] == "139****0001"
    )
    for key in ("grid_worker", "resident", "party_member", "subdistrict_staff"):
        with pytest.raises(NotFound):
            books.register_xlsx(actor=district.user(key), committee_id=org.committee.pk, kind="visits")
    case = make_case(district, org, title="宠物")
    with pytest.raises(NotFound):
        books.case_file_pdf(actor=district.user("subdistrict_staff"), case_id=case.pk)
    assert AuditEvent.objects.filter(event_type="mediation.document_downloaded").count() == 1
