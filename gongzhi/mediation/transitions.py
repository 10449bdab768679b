"""The allowed moves of a mediation case and of a warning: data only, checked by
``gongzhi.core.workflow.check_move``.

registered → accepted (受理) or declined (a side refuses: 不予受理) → mediating (first session) →
agreed (调解协议书) → kept or broken (履行回访) → closed (回访满意度); or failed (调解不成) → closed; or
transferred (三调联动, ends the case); or reported up (上报街道) → mediating again on the reply.
A broken agreement may be mediated again.
"""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.mediation.enums import CaseStatus as S
from gongzhi.mediation.enums import WarningStatus as W

MOVES: dict[str, dict[str, str]] = {
    "accept": {S.REGISTERED: S.ACCEPTED},
    "decline": {S.REGISTERED: S.DECLINED},
    "session": {S.ACCEPTED: S.MEDIATING, S.MEDIATING: S.MEDIATING, S.BROKEN: S.MEDIATING},
    "extend": {S.ACCEPTED: S.ACCEPTED, S.MEDIATING: S.MEDIATING},
    "agree": {S.MEDIATING: S.AGREED},
    "fail": {S.MEDIATING: S.FAILED, S.BROKEN: S.FAILED},
    "transfer": dict.fromkeys((S.ACCEPTED, S.MEDIATING, S.FAILED, S.BROKEN), S.TRANSFERRED),
    "report_up": {S.ACCEPTED: S.REPORTED, S.MEDIATING: S.REPORTED},
    "reply": {S.REPORTED: S.MEDIATING},
    "follow_kept": {S.AGREED: S.KEPT},
    "follow_broken": {S.AGREED: S.BROKEN},
    "close": dict.fromkeys((S.KEPT, S.BROKEN, S.FAILED), S.CLOSED),
}
VERBS = {
    "accept": "受理",
    "decline": "不予受理",
    "session": "记录调解",
    "extend": "延期",
    "agree": "达成协议",
    "fail": "终结调解",
    "transfer": "移交",
    "report_up": "上报街道",
    "reply": "批复",
    "follow_kept": "履行回访",
    "follow_broken": "履行回访",
    "close": "结案",
}
CASE = Workflow(subject="纠纷案件", states=S, moves=MOVES, verbs=VERBS)

WARNING = Workflow(
    subject="预警",
    states=W,
    moves={
        "take": {W.OPEN: W.TAKEN, W.TAKEN: W.TAKEN},
        "close": {W.OPEN: W.CLOSED, W.TAKEN: W.CLOSED},
    },
    verbs={"take": "指派", "close": "化解"},
)
