"""A 邻里纠纷 ticket transferred into mediation: linked to the case, left open while the case runs, and
closed when the case ends, with the case in its timeline. Other tickets cannot be transferred."""

from __future__ import annotations

import pytest

from gongzhi.core.errors import Conflict
from gongzhi.mediation.enums import CaseSource, CaseStatus, DisputeKind
from gongzhi.mediation.models import Case
from gongzhi.mediation.services.cases import CaseInput, case_admit, case_register, session_record
from gongzhi.mediation.services.outcomes import case_agree, case_close, case_follow_up, case_transfer
from gongzhi.mediation.tests.factories import make_org, parties
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import TicketStatus
from gongzhi.tickets.tests.helpers import report

pytestmark = pytest.mark.django_db


def _dispatched(district, code: str = "302005"):
    t = report(district, "resident", "楼上漏水到我家，沟通多次不理", category_code=code)
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk)
    svc.ticket_dispatch(actor=district.user("grid_worker"), ticket_id=t.pk, level="grid")
    t.refresh_from_db()
    assert t.status == TicketStatus.DISPATCHED
    return t


def _transfer(district, org, ticket):
    return case_register(
        actor=district.user("community_worker"),
        committee_id=org.committee.pk,
        data=CaseInput(
            source=CaseSource.VISIT,
            kind=DisputeKind.NEIGHBOURS,
            title="楼上漏水",
            facts=ticket.description,
            disputants=parties(district),
        ),
        ticket_id=ticket.pk,
    )


def test_the_ticket_closes_only_when_the_case_ends(district):
    org = make_org(district)
    ticket = _dispatched(district)
    cw = district.user("community_worker")
    case = _transfer(district, org, ticket)
    assert (
        case.source == CaseSource.TICKET
        and case.ticket_id == ticket.pk
        and case.grid_code == ticket.grid_code
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED
    assert "已转入人民调解" in ticket.events.order_by("-id").first().note
    case_admit(actor=cw, case_id=case.pk, mediator_ids=[org.mediators[0].pk])
    session_record(
        actor=cw, case_id=case.pk, held_on=case.registered_on, place="调解室", attendees="双方", record="协商"
    )
    case_agree(actor=cw, case_id=case.pk, terms="楼上修复防水并赔偿", performance="10日内")
    case_follow_up(actor=cw, case_id=case.pk, kept=True, note="已修复")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED  # the agreement alone does not close it
    case = case_close(actor=cw, case_id=case.pk, satisfaction="satisfied")
    ticket.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert ticket.status == TicketStatus.CLOSED and ticket.satisfaction == "satisfied"
    assert case.number in ticket.result


def test_a_transferred_case_hands_its_ticket_on(district):
    org = make_org(district)
    ticket = _dispatched(district)
    cw = district.user("community_worker")
    case = _transfer(district, org, ticket)
    case_admit(actor=cw, case_id=case.pk, mediator_ids=[org.mediators[0].pk])
    case_transfer(actor=cw, case_id=case.pk, kind="judicial", body="济阳区人民法院")
    ticket.refresh_from_db()
    # handled and verified with the case's result; the reporter is called back before it closes
    assert ticket.status == TicketStatus.VERIFIED and "司法调解" in ticket.result


def test_only_a_neighbour_dispute_in_handling_is_transferred(district):
    org = make_org(district)
    other = _dispatched(district, code="301015")  # 漏水渗水 (物业管理), not a neighbour dispute
    with pytest.raises(Conflict) as exc:
        _transfer(district, org, other)
    assert exc.value.message == "只有邻里纠纷类工单可以转入调解"
    fresh = report(district, "resident", "楼上噪音", category_code="302001")
    with pytest.raises(Conflict):
        _transfer(district, org, fresh)
    ticket = _dispatched(district)
    _transfer(district, org, ticket)
    with pytest.raises(Conflict) as twice:
        _transfer(district, org, ticket)
    assert twice.value.message == "该工单已转入调解"
    assert Case.objects.filter(ticket_id__isnull=False).count() == 1
