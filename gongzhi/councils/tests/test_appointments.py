"""书记有约: a demand at the booth → a ticket with the duty secretary as first responder → solved → on the
next session's callback list → the callback recorded; a many-party demand → a council topic; figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import Conflict, NotFound
from gongzhi.councils import selectors
from gongzhi.councils.enums import DemandStatus, TopicSource, TopicStatus
from gongzhi.councils.models import AppointmentDemand, Topic
from gongzhi.councils.services import (
    DemandInput,
    SessionInput,
    appointment_callback_record,
    appointment_demand_record,
    appointment_place_create,
    appointment_schedule,
    appointment_session_record,
)
from gongzhi.councils.tests.factories import make_council
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _sessions(d, days=(14, 0)):
    worker = d.user("community_worker")
    place = appointment_place_create(
        actor=worker, community_id=d.communities["A1"].pk, name="银山社区连心亭", address="银山路与济北路路口"
    )
    today = timezone.localdate()
    return appointment_schedule(
        actor=worker,
        place_id=place.pk,
        sessions=[
            SessionInput(
                date=today - dt.timedelta(days=n),
                secretary_name="张书记",
                secretary_kind="community",
                secretary_id=d.user("community_secretary").pk,
            )
            for n in days
        ],
    )


def test_demand_to_ticket_solved_then_called_back(district):
    d = district
    first, second = _sessions(d)
    worker, secretary = d.user("community_worker"), d.user("community_secretary")
    appointment_session_record(actor=worker, session_id=first.pk, visitors=23, activities="医保政策宣讲")
    demand = appointment_demand_record(
        actor=worker,
        session_id=first.pk,
        data=DemandInput(
            demand_type="leak",
            description="3号楼顶层漏水",
            resident_name="王秀英",
            resident_phone="13912345678",
            grid_id=d.grids["g1"].pk,
            category_code="301005",
        ),
    )
    assert demand.status == DemandStatus.TICKETED and demand.resident_name == "王**"
    assert demand.phone_masked == "139****5678" and "13912345678" not in demand.phone_encrypted
    ticket = Ticket.objects.get(pk=demand.ticket_id or 0)
    # 谁受理: the duty secretary is the ticket's first responder.
    assert ticket.first_responder_id == secretary.pk and ticket.channel == "appointment"
    assert ticket.channel_source.startswith("书记有约") and "张书记" in ticket.channel_source
    # Not yet solved: on the next day's list, in progress.
    listed = selectors.callback_list(second)
    assert [x.demand.pk for x in listed] == [demand.pk] and not listed[0].done
    from gongzhi.tickets import services as tsvc
    from gongzhi.tickets.enums import Level

    tsvc.ticket_dispatch(actor=secretary, ticket_id=ticket.pk, level=Level.GRID)
    tsvc.ticket_handle(actor=d.user("grid_worker"), ticket_id=ticket.pk, result="已修补防水层")
    tsvc.ticket_verify(actor=d.user("subdistrict_staff"), ticket_id=ticket.pk, passed=True)
    listed = selectors.callback_list(second)
    assert listed[0].done and "已核查" in listed[0].progress
    figures = {f["type"]: f for f in selectors.demand_figures_by_type(actor=worker)}
    assert (figures["leak"]["received"], figures["leak"]["solved"]) == (1, 1)
    # A callback on the same day as the demand is refused.
    with pytest.raises(Exception) as exc:
        appointment_callback_record(
            actor=worker, demand_id=demand.pk, session_id=first.pk, result="reached", opinion="satisfied"
        )
    assert "之后" in str(exc.value)
    appointment_callback_record(
        actor=worker,
        demand_id=demand.pk,
        session_id=second.pk,
        result="reached",
        opinion="satisfied",
        note="屋顶不漏了",
    )
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SOLVED and demand.callbacks.get().opinion == "satisfied"
    assert selectors.callback_list(second) == []
    with pytest.raises(Conflict):
        appointment_callback_record(
            actor=worker, demand_id=demand.pk, session_id=second.pk, result="reached", opinion="basic"
        )


def test_many_party_demand_becomes_a_topic_and_answers_need_no_callback(district):
    d = district
    council = make_council(d)
    first, second = _sessions(d)
    worker = d.user("community_worker")
    demand = appointment_demand_record(
        actor=worker,
        session_id=first.pk,
        data=DemandInput(
            demand_type="parking",
            description="小区停车难，需物业、业委会、交警共同商量",
            resident_name="李建国",
            resident_phone="13812345678",
            route="topic",
            council_id=council.pk,
        ),
    )
    topic = Topic.objects.get(pk=demand.topic_id or 0)
    assert topic.source_kind == TopicSource.APPOINTMENT and topic.source_id == demand.pk
    assert topic.status == TopicStatus.PROPOSED and demand.status == DemandStatus.TOPIC
    answered = appointment_demand_record(
        actor=worker,
        session_id=first.pk,
        data=DemandInput(
            demand_type="policy",
            description="咨询高龄补贴",
            resident_name="赵大妈",
            resident_phone="13712345678",
            route="answer",
            answer="已当场说明申领条件",
        ),
    )
    assert answered.status == DemandStatus.ANSWERED
    assert [x.demand.pk for x in selectors.callback_list(second)] == [demand.pk]


def test_another_community_cannot_record_at_the_booth(district):
    d = district
    first, _second = _sessions(d)
    with pytest.raises(NotFound):
        appointment_demand_record(
            actor=d.user("grid_worker_g2"),
            session_id=first.pk,
            data=DemandInput(
                demand_type="other", description="x", resident_name="x", resident_phone="13712345678"
            ),
        )
    assert AppointmentDemand.objects.count() == 0
    # A day in the future cannot take demands yet.
    place = first.place
    future = appointment_schedule(
        actor=d.user("community_worker"),
        place_id=place.pk,
        sessions=[SessionInput(date=timezone.localdate() + dt.timedelta(days=7), secretary_name="李书记")],
    )[0]
    with pytest.raises(Conflict):
        appointment_session_record(actor=d.user("community_worker"), session_id=future.pk, visitors=1)
