"""The case workflow through the services on hand-made cases: agreement then broken, transfer,
report-up with an overdue reply, a ticket-linked case closing its ticket; illegal moves a Chinese 409;
bad input refused in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.mediation import selectors
from gongzhi.mediation.enums import CaseStatus, Outcome, Side, TransferKind
from gongzhi.mediation.models import Case, Disputant, MediationSession
from gongzhi.mediation.services.cases import (
    DisputantInput,
    case_extend,
    case_refuse,
    case_report_reply,
    case_report_up,
    disputant_add,
    session_record,
)
from gongzhi.mediation.services.outcomes import (
    case_agree,
    case_close,
    case_end_unresolved,
    case_follow_up,
    case_transfer,
    disputant_reveal,
)
from gongzhi.mediation.tests.factories import make_case, make_org, mediating_case

pytestmark = pytest.mark.django_db


def test_agreement_numbered_then_broken_then_mediated_again(district):
    org = make_org(district)
    cw = district.user("community_worker")
    case = mediating_case(district, org, actor=cw)
    assert case.status == CaseStatus.MEDIATING
    assert case.number == f"（{case.year}）银山人调字第1号"
    assert case.due_at is not None and case.accepted_on is not None
    assert case.due_at.date() > case.accepted_on
    case = case_agree(actor=cw, case_id=case.pk, terms="楼上赔偿维修费2000元", performance="7日内现金支付")
    assert case.status == CaseStatus.AGREED and case.agreement_number == f"银山调协〔{case.year}〕1号"
    second = mediating_case(district, org, actor=cw, title="噪音扰民")
    second = case_agree(actor=cw, case_id=second.pk, terms="晚十点后不装修", performance="即日起")
    assert second.agreement_seq == 2
    case = case_follow_up(actor=cw, case_id=case.pk, kept=False, note="楼上未按期支付")
    assert case.status == CaseStatus.BROKEN and case.kept is False
    # a broken agreement is mediated again
    session_record(
        actor=cw,
        case_id=case.pk,
        held_on=timezone.localdate(),
        place="卜哥调解室",
        attendees="双方",
        record="再次调解，楼上承诺月底前支付。",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    events = set(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("event_type", flat=True))
    assert {"mediation.agreement_made", "mediation.case_followed_up", "mediation.session_recorded"} <= events


def test_illegal_moves_are_a_chinese_409(district):
    org = make_org(district)
    case = make_case(district, org)
    with pytest.raises(Conflict) as exc:
        case_agree(actor=None, case_id=case.pk, terms="x", performance="y")
    assert exc.value.code == "illegal_transition" and "纠纷案件当前状态为“已登记”" in exc.value.message
    case = mediating_case(district, org, title="宠物扰民")
    case_end_unresolved(actor=None, case_id=case.pk, note="已告知可向法院起诉")
    with pytest.raises(Conflict):
        case_follow_up(actor=None, case_id=case.pk, kept=True, note="x")


def test_a_session_before_the_case_was_accepted_is_refused_in_chinese(district):
    org = make_org(district)
    case = make_case(district, org)
    before = MediationSession.objects.count()
    with pytest.raises(Conflict) as exc:
        session_record(
            actor=None, case_id=case.pk, held_on=timezone.localdate(), place="x", attendees="x", record="x"
        )
    assert "不能记录调解" in exc.value.message
    case = mediating_case(district, org, title="停车纠纷")
    assert case.accepted_on is not None
    with pytest.raises(ValidationFailed) as bad:
        session_record(
            actor=None,
            case_id=case.pk,
            held_on=case.accepted_on - dt.timedelta(days=1),
            place="调解室",
            attendees="双方",
            record="调解",
        )
    assert "不能早于受理日期" in bad.value.fields["held_on"]
    assert MediationSession.objects.count() == before + 1  # only the one mediating_case recorded


def test_an_agreement_without_parties_is_refused_and_nothing_is_written(district):
    org = make_org(district)
    case = mediating_case(district, org, with_parties=False)
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日")
    assert exc.value.fields["disputants"] == "协议须有申请人和被申请人双方"
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and case.agreement_seq is None
    assert AuditEvent.objects.count() == audits
    disputant_add(actor=None, case_id=case.pk, data=DisputantInput(side=Side.APPLICANT, name="张三"))
    disputant_add(actor=None, case_id=case.pk, data=DisputantInput(side=Side.RESPONDENT, name="李四"))
    assert (
        case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日").outcome == Outcome.AGREEMENT
    )


def test_bad_party_input_is_refused_whole(district):
    org = make_org(district)
    before = (Case.objects.count(), Disputant.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        make_case(district, org, title="")
    assert exc.value.fields["title"] == "请填写纠纷概要"
    from gongzhi.mediation.services.cases import CaseInput, case_register

    with pytest.raises(ValidationFailed) as exc:
        case_register(
            actor=None,
            committee_id=org.committee.pk,
            data=CaseInput(
                source="visit",
                kind="neighbours",
                title="漏水",
                facts="漏水",
                disputants=[DisputantInput(side=Side.RESPONDENT, name="李四", phone="12345")],
            ),
        )
    assert "第1位当事人" in exc.value.fields["disputants.1"]
    assert (Case.objects.count(), Disputant.objects.count()) == before


def test_transfer_ends_the_case_with_its_receiving_body(district):
    org = make_org(district)
    case = mediating_case(district, org)
    case = case_transfer(
        actor=None,
        case_id=case.pk,
        kind=TransferKind.JUDICIAL,
        body="济阳区人民法院诉前调解中心",
        note="涉及金额较大",
    )
    assert case.status == CaseStatus.TRANSFERRED and case.outcome == Outcome.TRANSFER and case.closed_on
    with pytest.raises(Conflict):
        session_record(
            actor=None, case_id=case.pk, held_on=timezone.localdate(), place="x", attendees="x", record="x"
        )


def test_report_up_overdue_reply_then_the_subdistrict_answers(district):
    org = make_org(district)
    cw, sub = district.user("community_worker"), district.user("subdistrict_staff")
    case = mediating_case(district, org, actor=cw)
    long_ago = timezone.localdate() - dt.timedelta(days=30)
    case = case_report_up(actor=cw, case_id=case.pk, reason="涉及多户，矛盾可能激化", on=long_ago)
    assert case.status == CaseStatus.REPORTED
    assert case.reply_due is not None and case.reply_due < timezone.now()
    assert [c.pk for c in selectors.overdue_reports_for_actor(actor=sub)] == [case.pk]
    # the community worker cannot answer their own report; the subdistrict office does
    with pytest.raises(NotFound):
        case_report_reply(actor=cw, case_id=case.pk, reply="同意")
    case = case_report_reply(actor=sub, case_id=case.pk, reply="由街道司法所派员参与调解")
    assert case.status == CaseStatus.MEDIATING and case.replied_on == timezone.localdate()
    assert selectors.overdue_reports_for_actor(actor=sub).count() == 0


def test_extension_moves_the_deadline_on_working_days(district):
    org = make_org(district)
    case = mediating_case(district, org)
    before = case.due_at
    assert before is not None
    case = case_extend(actor=None, case_id=case.pk, working_days=10, reason="当事人外出务工，经双方同意延期")
    assert case.due_at is not None and case.due_at > before + dt.timedelta(days=13)
    with pytest.raises(ValidationFailed):
        case_extend(actor=None, case_id=case.pk, working_days=0, reason="x")


def test_refused_case_ends_it(district):
    org = make_org(district)
    case = make_case(district, org)
    case = case_refuse(actor=None, case_id=case.pk, reason="被申请人拒绝调解")
    assert case.status == CaseStatus.DECLINED


def test_close_with_satisfaction_after_follow_up(district):
    org = make_org(district)
    case = mediating_case(district, org)
    case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日")
    case_follow_up(actor=None, case_id=case.pk, kept=True, note="已支付")
    with pytest.raises(ValidationFailed):
        case_close(actor=None, case_id=case.pk, satisfaction="great")
    case = case_close(actor=None, case_id=case.pk, satisfaction="satisfied", note="双方满意")
    assert case.status == CaseStatus.CLOSED


def test_scope_grid_worker_sees_only_the_cases_they_reported(district):
    org = make_org(district)
    gw, other = district.user("grid_worker"), district.user("grid_worker_g2")
    mine = make_case(district, org, actor=gw, grid_code=district.grids["g1"].code)
    theirs = make_case(
        district, org, actor=other, grid_code=district.grids["g2"].code, title="噪音", party_grid="g2"
    )
    staff = make_case(district, org, actor=district.user("community_worker"), title="宠物")
    assert [c.pk for c in selectors.case_list_for_actor(actor=gw)] == [mine.pk]
    assert [c.pk for c in selectors.case_list_for_actor(actor=other)] == [theirs.pk]
    with pytest.raises(NotFound):
        selectors.case_get_for_actor(actor=gw, case_id=staff.pk)
    # a grid worker reports without handling: they may not admit the case
    from gongzhi.mediation.services.cases import case_admit

    with pytest.raises(NotFound):
        case_admit(actor=gw, case_id=mine.pk, mediator_ids=[org.mediators[0].pk])
    # nobody outside sees it
    assert not selectors.case_list_for_actor(actor=district.user("resident")).exists()
    assert not selectors.case_list_for_actor(actor=district.user("party_member")).exists()


def test_reveal_is_need_to_know_and_audited(district):
    org = make_org(district)
    case = make_case(district, org)
    respondent = case.disputants.get(side=Side.RESPONDENT)
    assert respondent.phone_masked == "139****5678"
    cw = district.user("community_worker")
    assert (
        disputant_reveal(actor=cw, disputant_id=respondent.pk, field_name="phone", reason="通知调解")
        == "13912345678"
    )
    row = AuditEvent.objects.filter(event_type="mediation.disputant_revealed").get()
    assert row.data["reason"] == "通知调解" and "13912345678" not in str(row.data)
    admin = district.user("district_admin")
    assert disputant_reveal(actor=admin, disputant_id=respondent.pk, field_name="phone", reason="督查")
    # the subdistrict office and the auditor read the case, but not the parties' full data
    for key in ("subdistrict_staff", "auditor"):
        with pytest.raises(Forbidden):
            disputant_reveal(
                actor=district.user(key), disputant_id=respondent.pk, field_name="phone", reason="看看"
            )
    with pytest.raises(NotFound):
        disputant_reveal(
            actor=district.user("grid_worker"), disputant_id=respondent.pk, field_name="phone", reason="x"
        )
    assert AuditEvent.objects.filter(event_type="mediation.disputant_revealed").count() == 2
    applicant = case.disputants.get(side=Side.APPLICANT)
    assert applicant.person_id == district.persons["g1"][0].pk
    assert applicant.id_number_masked == district.persons["g1"][0].id_number_masked
