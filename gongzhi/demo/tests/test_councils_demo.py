"""The demo's co-governance: a council in every community with topics in every state (清华园 heating and
parking first), meetings with minutes, an overdue milestone, rated results, 党群提案 and 书记有约 with
tickets the duty secretary accepted and callbacks, reaching the overview."""

from gongzhi.councils.enums import TopicStatus
from gongzhi.councils.models import AppointmentDemand, Council, DemandCallback, Meeting, Topic
from gongzhi.councils.selectors import overdue_milestones
from gongzhi.places.models import Community
from gongzhi.tickets.models import Ticket


def test_demo_councils_in_every_community_and_every_state(demo, client):
    # the property app's joint meetings (联席会议, kind joint_meeting) are councils of their estates beside these
    community_councils = Council.objects.exclude(kind="joint_meeting")
    assert community_councils.count() == Community.objects.count()
    states = set(Topic.objects.values_list("status", flat=True))
    for state in (
        "proposed",
        "declined",
        "consulting",
        "resolved",
        "voted_down",
        "implementing",
        "published",
    ):
        assert state in states, state
    assert Topic.objects.filter(title="清华园小区供热管网改造", status=TopicStatus.PUBLISHED).exists()
    assert Topic.objects.filter(title="清华园小区停车难治理").exists()
    held = Meeting.objects.filter(status="held", council__in=community_councils).exclude(minutes="")
    assert held.count() == 2 * community_councils.count()
    assert overdue_milestones().exists()
    assert "协商议事" in demo
    body = client.get("/api/v1/overview").json()["councils"]
    assert body["councils"] == Council.objects.count()
    assert body["resolutions_done"] >= community_councils.count()
    assert (
        body["proposals"] > 0 and body["appointment_sessions"] > 0 and body["appointment_demands_solved"] > 0
    )


def test_demo_appointment_tickets_have_the_duty_secretary_first(demo):
    ticketed = AppointmentDemand.objects.exclude(ticket_id=None)
    assert ticketed.exists()
    for demand in ticketed[:10]:
        ticket = Ticket.objects.get(pk=demand.ticket_id or 0)
        assert ticket.channel == "appointment"
        assert ticket.first_responder_id == demand.session.secretary_id
    assert DemandCallback.objects.exists()
