"""The one table of allowed moves of a ticket. Services ask ``core.workflow.check_move(TICKET, move, status)``;
nothing else decides.

reported → accepted (or declined, or merged into another ticket) → dispatched to a handler (or escalated
up one level first: 吹哨) → in progress once the handler responds (报到) → handled → verified on site
(or back to in progress: rework) → called back (dissatisfied: back to in progress) → closed.
A handler can return a wrong dispatch (back to the dispatching level) or escalate what it cannot handle.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from gongzhi.core.workflow import Workflow
from gongzhi.tickets.enums import TicketStatus as S

# move (with its outcome where it has one) → {from status: to status}
MOVES: dict[str, dict[str, str]] = {
    "accept": {S.REPORTED: S.ACCEPTED},
    "decline": {S.REPORTED: S.DECLINED},
    "merge": dict.fromkeys((S.REPORTED, S.ACCEPTED, S.ESCALATED, S.RETURNED), S.MERGED),
    "dispatch": dict.fromkeys((S.ACCEPTED, S.ESCALATED, S.RETURNED), S.DISPATCHED),
    "escalate": dict.fromkeys(
        (S.ACCEPTED, S.ESCALATED, S.RETURNED, S.DISPATCHED, S.IN_PROGRESS), S.ESCALATED
    ),
    "respond": {S.DISPATCHED: S.IN_PROGRESS},
    "return": {S.DISPATCHED: S.RETURNED, S.IN_PROGRESS: S.RETURNED},
    "handle": {S.DISPATCHED: S.HANDLED, S.IN_PROGRESS: S.HANDLED},
    "verify_pass": {S.HANDLED: S.VERIFIED},
    "verify_fail": {S.HANDLED: S.IN_PROGRESS},
    "callback_ok": {S.VERIFIED: S.CALLED_BACK},
    "callback_dissatisfied": {S.VERIFIED: S.IN_PROGRESS},
    "close": {S.VERIFIED: S.CLOSED, S.CALLED_BACK: S.CLOSED},
    # Extensions change the deadline, not the status.
    "extend": {S.DISPATCHED: S.DISPATCHED, S.IN_PROGRESS: S.IN_PROGRESS},
}

VERBS = {
    "accept": gettext_noop("受理"),
    "decline": gettext_noop("不予受理"),
    "merge": gettext_noop("合并"),
    "dispatch": gettext_noop("派遣"),
    "escalate": gettext_noop("吹哨上报"),
    "respond": gettext_noop("报到"),
    "return": gettext_noop("退回"),
    "handle": gettext_noop("提交处置结果"),
    "verify_pass": gettext_noop("核查"),
    "verify_fail": gettext_noop("核查"),
    "callback_ok": gettext_noop("回访"),
    "callback_dissatisfied": gettext_noop("回访"),
    "close": gettext_noop("结案"),
    "extend": gettext_noop("申请延期"),
}


TICKET = Workflow(subject=gettext_noop("工单"), states=S, moves=MOVES, verbs=VERBS)
