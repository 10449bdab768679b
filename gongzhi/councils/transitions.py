"""The allowed moves of topics (the deliberation engine), meetings, 党群提案, 书记有约 sessions and demands:
data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.councils import enums

A = enums.AppointmentStatus
D = enums.DemandStatus
M = enums.MeetingStatus
P = enums.ProposalStatus
T = enums.TopicStatus

# proposed → accepted onto the agenda (or declined with a reason) → study and consultation → meeting →
# resolved (or voted down) → implementation → completed → result published (residents rate it).
TOPIC = Workflow(
    subject="议题",
    states=T,
    moves={
        "accept": {T.PROPOSED: T.ACCEPTED},
        "decline": {T.PROPOSED: T.DECLINED, T.ACCEPTED: T.DECLINED},
        "consult": {T.ACCEPTED: T.CONSULTING},
        "schedule": {T.ACCEPTED: T.SCHEDULED, T.CONSULTING: T.SCHEDULED},
        "adopt": {T.SCHEDULED: T.RESOLVED},
        "reject": {T.SCHEDULED: T.VOTED_DOWN},
        "defer": {T.SCHEDULED: T.CONSULTING},
        "implement": {T.RESOLVED: T.IMPLEMENTING},
        "complete": {T.IMPLEMENTING: T.COMPLETED},
        "publish": {T.COMPLETED: T.PUBLISHED},
    },
    verbs={
        "accept": "列入议程",
        "decline": "不予受理",
        "consult": "开始调研协商",
        "schedule": "提交会议表决",
        "adopt": "形成决议",
        "reject": "表决不通过",
        "defer": "暂缓表决",
        "implement": "开始实施",
        "complete": "办结",
        "publish": "公开结果",
    },
)
# Moves that are not a change of state but need the topic in one of these states.
OPINION_STATES = (T.CONSULTING,)
VISIT_STATES = (T.ACCEPTED, T.CONSULTING, T.SCHEDULED)
NOTICE_STATES = (T.RESOLVED, T.IMPLEMENTING, T.COMPLETED, T.PUBLISHED)
MILESTONE_STATES = (T.RESOLVED, T.IMPLEMENTING)

MEETING = Workflow(
    subject="会议",
    states=M,
    moves={"hold": {M.PLANNED: M.HELD}, "cancel": {M.PLANNED: M.CANCELLED}},
    verbs={"hold": "记录纪要并结束会议", "cancel": "取消"},
)
PROPOSAL = Workflow(
    subject="党群提案",
    states=P,
    moves={"accept": {P.SUBMITTED: P.ACCEPTED}, "answer": {P.SUBMITTED: P.ANSWERED}},
    verbs={"accept": "转为议题", "answer": "答复"},
)
APPOINTMENT = Workflow(
    subject="书记有约场次",
    states=A,
    moves={"hold": {A.PLANNED: A.HELD}, "cancel": {A.PLANNED: A.CANCELLED}},
    verbs={"hold": "记录接待情况", "cancel": "取消"},
)
DEMAND = Workflow(
    subject="诉求",
    states=D,
    moves={
        "ticket": {D.OPEN: D.TICKETED},
        "topic": {D.OPEN: D.TOPIC},
        "answer": {D.OPEN: D.ANSWERED},
        "solve": {D.TICKETED: D.SOLVED, D.TOPIC: D.SOLVED},
    },
    verbs={"ticket": "转为工单", "topic": "提交议事会", "answer": "当场答复", "solve": "办结"},
)
