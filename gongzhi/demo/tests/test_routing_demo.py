"""The demo's routing: every demo ticket has its suggestion, the handlers' choices settled it (some kept,
some corrected), the district's mapping table is set, and the overview counts it."""

from gongzhi.routing.models import DepartmentMapping, Suggestion
from gongzhi.tickets.models import Ticket


def test_every_demo_ticket_has_a_suggestion_and_realistic_corrections(demo, client):
    tickets = Ticket.objects.count()
    assert tickets > 0 and Suggestion.objects.count() == tickets
    decided = Suggestion.objects.exclude(accepted_without_change=None)
    assert decided.filter(accepted_without_change=True).exists()
    assert decided.filter(accepted_without_change=False).exists()
    assert DepartmentMapping.objects.filter(department_type="城管").exists()
    body = client.get("/api/v1/overview").json()["routing"]
    assert body["suggestions"] == tickets
    assert 0 < body["accepted_without_change_share"] < 1
    assert "智能分拨" in demo
