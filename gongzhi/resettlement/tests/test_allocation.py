"""Allocation in draw order within the entitlement, bundles chosen as a whole, the settlement statement
and the public notice read back as PDFs (names masked on the notice), the key handover, and bad input
answered in Chinese with nothing written."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError
from gongzhi.resettlement.models import EligibleHousehold, HousingUnit, KeyHandover, SettlementStatement
from gongzhi.resettlement.services import allocation, draws, households
from gongzhi.resettlement.tests.factories import SEED, drawn_project, make_project

pytestmark = pytest.mark.django_db


def _hh(project, key):
    return EligibleHousehold.objects.get(project=project, key=key)


def _unit(project, number):
    return HousingUnit.objects.get(project=project, number=number)


def _refused(call, status, text):
    with pytest.raises(ApplicationError) as exc:
        call()
    assert exc.value.status == status and text in exc.value.message, exc.value.message
    return exc.value


def test_choosing_in_draw_order_within_the_entitlement(district):
    admin = district.user("community_worker")
    project = drawn_project(district)
    first, second = _hh(project, "T-003"), _hh(project, "T-007")
    assert (first.draw_position, second.draw_position) == (1, 2)
    choose = allocation.unit_choose
    _refused(
        lambda: choose(actor=admin, household_id=second.pk, unit_id=_unit(project, "1-1-101").pk),
        409,
        "未到选房顺序",
    )
    _refused(
        lambda: choose(actor=admin, household_id=first.pk, unit_id=_unit(project, "P-001").pk),
        409,
        "超出安置标准",
    )
    # 93.50 entitled + 10 allowed above it: 1-1-110 (105.00 ㎡) is beyond
    _refused(
        lambda: choose(actor=admin, household_id=first.pk, unit_id=_unit(project, "1-1-110").pk),
        409,
        "超出安置标准",
    )
    choose(actor=admin, household_id=first.pk, unit_id=_unit(project, "1-1-101").pk)
    _refused(
        lambda: choose(actor=admin, household_id=first.pk, unit_id=_unit(project, "1-1-102").pk),
        409,
        "超出安置标准",
    )
    choose(actor=admin, household_id=first.pk, unit_id=_unit(project, "C-001").pk)
    allocation.household_choosing_finish(actor=admin, household_id=first.pk)
    _refused(
        lambda: choose(actor=admin, household_id=second.pk, unit_id=_unit(project, "1-1-101").pk),
        409,
        "已被选定",
    )
    assert _unit(project, "1-1-101").household_id == first.pk
    assert AuditEvent.objects.filter(event_type="resettlement.unit_chosen").count() == 2
    # someone outside the project's place cannot choose at all (missing = forbidden = 404)
    _refused(
        lambda: choose(
            actor=district.user("grid_worker"), household_id=second.pk, unit_id=_unit(project, "1-1-102").pk
        ),
        404,
        "不存在",
    )


def test_a_bundle_is_chosen_as_a_whole(district):
    admin = district.user("district_admin")
    project = make_project(district)
    bundle = households.bundle_create(
        actor=admin,
        project_id=project.pk,
        code="D-01",
        unit_ids=[_unit(project, "1-1-102").pk, _unit(project, "C-002").pk],
    )
    with pytest.raises(ApplicationError):  # a unit in two bundles
        households.bundle_create(
            actor=admin,
            project_id=project.pk,
            code="D-02",
            unit_ids=[_unit(project, "C-002").pk, _unit(project, "C-003").pk],
        )
    draws.draw_commit(actor=admin, project_id=project.pk, seed=SEED)
    for name in ("李公证", "王代表"):
        draws.draw_witness_add(actor=admin, project_id=project.pk, name=name, capacity="见证人")
    draws.draw_run(actor=admin, project_id=project.pk)
    first = _hh(project, "T-003")
    taken = allocation.unit_choose(actor=admin, household_id=first.pk, unit_id=_unit(project, "1-1-102").pk)
    assert {u.number for u in taken} == {"1-1-102", "C-002"}
    assert set(HousingUnit.objects.filter(bundle=bundle).values_list("household_id", flat=True)) == {first.pk}


@pytest.mark.pdf
def test_statement_and_notice_read_back_and_are_audited(district, client, tmp_path):
    staff = district.user("community_worker")
    project = drawn_project(district)
    first = _hh(project, "T-003")  # entitled 93.50 ㎡
    allocation.unit_choose(
        actor=staff, household_id=first.pk, unit_id=_unit(project, "1-1-101").pk
    )  # 96.00 ㎡
    _refused(lambda: allocation.settlement_issue(actor=staff, household_id=first.pk), 409, "尚未确认选房")
    allocation.household_choosing_finish(actor=staff, household_id=first.pk)
    _refused(
        lambda: allocation.key_handover_sign(actor=staff, household_id=first.pk, signed_by_name="张三3"),
        409,
        "结算单",
    )
    statement = allocation.settlement_issue(actor=staff, household_id=first.pk)
    # 2.50 ㎡ above the entitlement, all in the first band: 2.50 × 3000.00 = 7500.00
    assert statement.difference == Decimal("2.50") and statement.amount == Decimal("7500.00")
    _refused(lambda: allocation.settlement_issue(actor=staff, household_id=first.pk), 409, "已出具")
    client.force_login(staff)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"

    def text_of(url: str) -> str:
        r = client.get(url)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.status_code
        path = tmp_path / "x.pdf"
        path.write_bytes(r.content)
        out = subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603
        return out.replace(" ", "")

    text = text_of(f"/console/resettlement/households/{first.pk}/statement.pdf")
    for expected in (
        "安置房面积差结算单",
        statement.number,
        first.head_name,
        "1-1-101",
        "93.50",
        "96.00",
        "2.50",
        "7,500.00",
        "合计应缴",
    ):
        assert expected in text, (expected, text)
    notice = text_of(f"/console/resettlement/{project.pk}/notice.pdf")
    assert "摇号及选房结果公示" in notice and SEED in notice and "1-1-101" in notice
    assert first.head_name_masked in notice and first.head_name not in notice
    events = AuditEvent.objects.filter(event_type="resettlement.document_downloaded")
    assert sorted(e.data["document"] for e in events) == ["摇号及选房结果公示", "面积差结算单"]
    # keys: signed once
    allocation.key_handover_sign(actor=staff, household_id=first.pk, signed_by_name="张三3")
    _refused(
        lambda: allocation.key_handover_sign(actor=staff, household_id=first.pk, signed_by_name="张三3"),
        409,
        "已交付",
    )
    assert KeyHandover.objects.get(household=first).units == "住房1-1-101"
    # out of scope: the statement is a 404 and no row is written
    client.force_login(district.user("grid_worker"))
    assert client.get(f"/console/resettlement/households/{first.pk}/statement.pdf").status_code == 404
    assert events.count() == 2


def test_bad_input_is_answered_in_chinese_and_nothing_is_written(district, client):
    project = make_project(district)
    client.force_login(district.user("community_worker"))
    before = EligibleHousehold.objects.count(), HousingUnit.objects.count()
    r = client.post(f"/console/resettlement/{project.pk}/households/", {"key": "", "entitled_area": "九十"})
    assert r.status_code == 400 and "安置编号应为1到20位" in r.content.decode()
    r = client.post(
        f"/console/resettlement/{project.pk}/households/",
        {"key": "X-1", "former_village": "东村", "head_name": "赵一", "entitled_area": "90.123"},
    )
    assert r.status_code == 400 and "最多保留2位小数" in r.content.decode()
    r = client.post(
        f"/console/resettlement/{project.pk}/units/", {"rows": "住房,9-9-901,9,9,89.5,\n别墅,V-1,,1,300,"}
    )
    assert r.status_code == 400 and "房源类别" in r.content.decode()
    r = client.post(f"/console/resettlement/{project.pk}/bands/", {"bands": "0,5,3000,一档\n4,,4000,二档"})
    assert r.status_code == 400 and "重叠" in r.content.decode()
    r = client.post(
        "/api/v1/resettlement/households/999999/choices", {"unit_id": 1}, content_type="application/json"
    )
    assert r.status_code == 404 and "不存在" in r.json()["message"]
    assert (EligibleHousehold.objects.count(), HousingUnit.objects.count()) == before
    assert not SettlementStatement.objects.exists()


def test_the_demo_path_allocates_everyone_in_order(district):
    admin = district.user("district_admin")
    project = drawn_project(district)
    n = allocation.allocation_apply_in_order(actor=admin, project_id=project.pk)
    assert n == 16  # eight flats and eight storage rooms; the one parking space is nobody's entitlement
    first = _hh(project, "T-003")
    assert sorted(first.units.values_list("number", flat=True)) == ["1-1-101", "C-001"]
    assert not EligibleHousehold.objects.filter(project=project, choosing_done=False).exists()
    allocation.resettlement_project_close(actor=admin, project_id=project.pk)
