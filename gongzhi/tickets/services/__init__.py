"""Ticket services: the only code that writes the tickets app's models."""

from gongzhi.tickets.services.dispatch import ticket_dispatch, ticket_escalate, ticket_respond, ticket_return
from gongzhi.tickets.services.extensions import ticket_extend_decide, ticket_extend_request
from gongzhi.tickets.services.following import ticket_join
from gongzhi.tickets.services.handling import (
    callback_needed,
    ticket_callback,
    ticket_close,
    ticket_handle,
    ticket_verify,
)
from gongzhi.tickets.services.intake import Reported, TicketInput, ticket_report, ticket_report_rows
from gongzhi.tickets.services.moves import ACTIONS, ticket_move
from gongzhi.tickets.services.notes import ticket_note
from gongzhi.tickets.services.response import ticket_accept, ticket_decline, ticket_merge
from gongzhi.tickets.services.supervision import supervision_sweep

__all__ = [
    "ACTIONS",
    "Reported",
    "TicketInput",
    "callback_needed",
    "supervision_sweep",
    "ticket_accept",
    "ticket_callback",
    "ticket_close",
    "ticket_decline",
    "ticket_dispatch",
    "ticket_escalate",
    "ticket_extend_decide",
    "ticket_extend_request",
    "ticket_handle",
    "ticket_join",
    "ticket_merge",
    "ticket_move",
    "ticket_note",
    "ticket_report",
    "ticket_report_rows",
    "ticket_respond",
    "ticket_return",
    "ticket_verify",
]
