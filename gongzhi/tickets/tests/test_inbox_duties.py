"""The inbox keeps duties apart as the services do (issue 17): the 待核查 tab does not offer a ticket to
whoever reported or handled it, the 待回访 tab not to whoever handled it — the services would refuse them
(403 ``own_work``) — while another worker finds it there; with the district's setting off they are offered
again. And the deadline's calendar warning is shown only to whom can enter the calendar.
"""

from __future__ import annotations

from gongzhi.core.permissions import allowed
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.selectors.tickets import clean_filters, inbox_counts, ticket_list_for_actor
from gongzhi.tickets.services.policy import ticket_policy_set
from gongzhi.tickets.tests.test_duties import _handled_by_grid_worker


def _tab(district, user_key: str, inbox: str) -> list[int]:
    actor = district.user(user_key)
    return [t.pk for t in ticket_list_for_actor(actor=actor, filters=clean_filters(inbox=inbox))]


def test_the_verify_and_callback_tabs_leave_out_the_viewers_own_work(district, client):
    t = _handled_by_grid_worker(district)  # reported by the community worker, handled by the grid worker
    # 待核查: not the handler, not the reporter; the grid head (same grid, did nothing) has it.
    assert t.pk not in _tab(district, "grid_worker", "verify")
    assert t.pk not in _tab(district, "community_worker", "verify")
    assert t.pk in _tab(district, "grid_head", "verify")
    assert inbox_counts(actor=district.user("grid_worker"))["verify"] == 0
    assert inbox_counts(actor=district.user("grid_head"))["verify"] == 1
    client.force_login(district.user("grid_worker"))
    page = client.get("/console/tickets/", {"inbox": "verify"}).content.decode()
    assert f"/console/tickets/{t.pk}/" not in page and 'data-testid="count-verify">0<' in page

    svc.ticket_verify(actor=district.user("grid_head"), ticket_id=t.pk, passed=True)
    # 待回访: not the handler (its first responder too); the community worker who took the call has it.
    assert t.pk not in _tab(district, "grid_worker", "callback")
    assert t.pk in _tab(district, "community_worker", "callback")
    assert inbox_counts(actor=district.user("grid_worker"))["callback"] == 0

    # The district switches the separation off: the handler is offered the callback again.
    ticket_policy_set(actor=district.user("district_admin"), district_code="370115", separate_duties=False)
    assert t.pk in _tab(district, "grid_worker", "callback")


def test_a_handler_of_an_earlier_round_is_left_out_too(district):
    """Someone who submitted a handling result in any round (not the named handler any more) did work on
    the ticket: the verify tab leaves it out for them too."""
    t = _handled_by_grid_worker(district)
    Ticket.objects.filter(pk=t.pk).update(handler=None)  # the named handler moved on; the event stays
    assert t.pk not in _tab(district, "grid_worker", "verify")
    assert t.pk in _tab(district, "grid_head", "verify")


def test_the_calendar_warning_only_for_whom_can_enter_the_calendar(district, client):
    t = _handled_by_grid_worker(district)
    warning = "2027年节假日安排尚未录入，暂按周一至周五计算工作日"
    Ticket.objects.filter(pk=t.pk).update(deadline_warning=warning)
    admin, worker = district.user("district_admin"), district.user("grid_worker")
    assert allowed(admin, "workdays.change_holidayyear") and not allowed(
        worker, "workdays.change_holidayyear"
    )
    for user, shown in ((admin, True), (worker, False)):
        client.force_login(user)
        detail = client.get(f"/console/tickets/{t.pk}/").content.decode()
        assert ('data-testid="deadline-warning"' in detail) is shown
        assert (warning in detail) is shown
        inbox = client.get("/console/tickets/").content.decode()
        assert f"/console/tickets/{t.pk}/" in inbox
        assert ("日历提示" in inbox) is shown
