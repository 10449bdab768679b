"""The ticket a case came from (a 邻里纠纷 ticket transferred into mediation), closed when the case ends:
the tickets services called as the system on the case's behalf, with the case's number in the timeline.
Private to the mediation services (cases and outcomes both end cases)."""

from __future__ import annotations

from gongzhi.mediation.models import Case


def finish_ticket(case: Case, result: str) -> None:
    """The linked ticket: handled and verified with the case's result, rated with the parties'
    satisfaction where the ticket has someone to call back, and closed (left for the callback if it has
    none yet). A ticket already moved on by its handlers is left as it is."""
    if not case.ticket_id:
        return
    from gongzhi.tickets.enums import HANDLING, TicketStatus
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.services import (
        callback_needed,
        ticket_callback,
        ticket_close,
        ticket_handle,
        ticket_verify,
    )

    ticket = Ticket.objects.filter(pk=case.ticket_id).first()
    if ticket is None or ticket.status not in HANDLING:
        return
    said = f"人民调解案件{case.number}：{result}"[:500]
    ticket_handle(actor=None, ticket_id=ticket.pk, result=said)
    ticket = ticket_verify(actor=None, ticket_id=ticket.pk, passed=True, note="调解结束，经调委会核实")
    if callback_needed(ticket):
        if not case.satisfaction:
            return  # the community calls the reporter back, then closes
        ticket = ticket_callback(
            actor=None, ticket_id=ticket.pk, satisfaction=case.satisfaction, note="调解回访时当事人评价"
        )
    if ticket.status in (TicketStatus.VERIFIED, TicketStatus.CALLED_BACK):
        ticket_close(actor=None, ticket_id=ticket.pk, note=f"人民调解案件{case.number}已结案")
