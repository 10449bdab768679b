"""The console pages: lists with their empty states, the case page and its moves, the parties masked and
revealed with a reason, downloads of the registers, the agreement and the case file audited."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.mediation.enums import CaseStatus
from gongzhi.mediation.models import Case
from gongzhi.mediation.services.outcomes import case_agree
from gongzhi.mediation.tests.factories import make_case, make_org, mediating_case

pytestmark = pytest.mark.django_db


def client_for(district, key: str) -> Client:
    c = Client()
    c.force_login(district.user(key))
    return c


def test_pages_render_and_empty_states_say_what_to_do(district):
    c = client_for(district, "community_worker")
    for path, text in (
        ("/console/mediation/", "没有符合条件的纠纷案件"),
        ("/console/mediation/committees/", "还没有人民调解委员会"),
        ("/console/mediation/screenings/", "还没有排查记录"),
        ("/console/mediation/warnings/", "本辖区暂无预警"),
        ("/console/mediation/figures/", "本年度还没有纠纷案件"),
    ):
        response = c.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode(), path
    assert client_for(district, "resident").get("/console/mediation/").status_code in (302, 404)
    assert client_for(district, "department_handler").get("/console/mediation/").status_code == 404


def test_register_a_case_on_the_console_and_move_it(district):
    org = make_org(district)
    c = client_for(district, "community_worker")
    before = Case.objects.count()
    bad = c.post(
        "/console/mediation/", {"committee_id": org.committee.pk, "source": "visit", "kind": "neighbours"}
    )
    assert bad.status_code == 200 and "请填写纠纷概要" in bad.content.decode()
    assert Case.objects.count() == before
    response = c.post(
        "/console/mediation/",
        {
            "committee_id": org.committee.pk,
            "source": "visit",
            "kind": "neighbours",
            "title": "楼上漏水",
            "facts": "卫生间漏水",
            "applicant_name": "张三",
            "applicant_phone": "13912340002",
            "respondent_name": "李四",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/mediation/cases/{case.pk}/"
    html = c.get(f"/console/mediation/cases/{case.pk}/").content.decode()
    assert "139****0002" in html and "13912340002" not in html
    c.post(f"/console/mediation/cases/{case.pk}/admit/", {"mediator_ids": [org.mediators[0].pk]})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    # an agreement before any session: the Chinese 409 on the page, nothing changed
    page = c.post(
        f"/console/mediation/cases/{case.pk}/agree/", {"terms": "x", "performance": "y"}, follow=True
    )
    assert "纠纷案件当前状态为“已受理”，不能达成协议" in page.content.decode()
    applicant = case.disputants.get(side="applicant")
    revealed = c.post(
        f"/console/mediation/parties/{applicant.pk}/reveal/", {"field": "phone", "reason": "通知到场"}
    )
    assert "13912340002" in revealed.content.decode() and revealed["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(event_type="mediation.disputant_revealed").count() == 1
    # the subdistrict office reads the case but has no reveal
    other = client_for(district, "subdistrict_staff")
    assert other.get(f"/console/mediation/cases/{case.pk}/").status_code == 200
    assert (
        other.post(
            f"/console/mediation/parties/{applicant.pk}/reveal/", {"field": "phone", "reason": "x"}
        ).status_code
        == 302
    )
    assert AuditEvent.objects.filter(event_type="mediation.disputant_revealed").count() == 1
    assert client_for(district, "grid_worker").get(f"/console/mediation/cases/{case.pk}/").status_code == 404


def test_downloads_are_audited(district):
    org = make_org(district)
    case = mediating_case(district, org)
    case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日")
    c = client_for(district, "community_worker")
    paths = [
        f"/console/mediation/cases/{case.pk}/agreement.pdf",
        f"/console/mediation/cases/{case.pk}/case-file.pdf",
        *[
            f"/console/mediation/committees/{org.committee.pk}/{k}.{e}"
            for k in ("visits", "consultations", "cases", "meetings")
            for e in ("pdf", "xlsx")
        ],
    ]
    for path in paths:
        response = c.get(path)
        assert response.status_code == 200, path
    assert AuditEvent.objects.filter(event_type="mediation.document_downloaded").count() == len(paths)
    for path in paths:
        assert client_for(district, "subdistrict_staff").get(path).status_code == 404


def test_figures_count_from_the_records(district):
    org = make_org(district)
    agreed = mediating_case(district, org)
    case_agree(actor=None, case_id=agreed.pk, terms="赔偿", performance="当日")
    from gongzhi.mediation.services.outcomes import case_end_unresolved

    failed = mediating_case(district, org, title="噪音")
    case_end_unresolved(actor=None, case_id=failed.pk, note="告知诉讼途径")
    make_case(district, org, title="宠物")
    page = client_for(district, "community_worker").get("/console/mediation/figures/").content.decode()
    assert org.committee.name in page and "50%" in page
