"""The allowed moves of an incubation, a funded project and a contest: data only, checked by
``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.socialorgs.enums import ContestStatus, FundedProjectStatus, IncubationStatus

INCUBATION = Workflow(
    subject="孵化",
    states=IncubationStatus,
    moves={
        "graduate": {IncubationStatus.INCUBATING: IncubationStatus.GRADUATED},
        "exit": {IncubationStatus.INCUBATING: IncubationStatus.EXITED},
        "milestone": {IncubationStatus.INCUBATING: IncubationStatus.INCUBATING},
    },
    verbs={"graduate": "出壳", "exit": "退出孵化", "milestone": "记录孵化节点"},
)

FUNDED_PROJECT = Workflow(
    subject="公益创投项目",
    states=FundedProjectStatus,
    moves={
        "review": {FundedProjectStatus.APPLIED: FundedProjectStatus.APPLIED},
        "approve": {FundedProjectStatus.APPLIED: FundedProjectStatus.APPROVED},
        "reject": {FundedProjectStatus.APPLIED: FundedProjectStatus.REJECTED},
        "deliver": {FundedProjectStatus.APPROVED: FundedProjectStatus.APPROVED},
        "close": {FundedProjectStatus.APPROVED: FundedProjectStatus.CLOSED},
    },
    verbs={"review": "评审", "approve": "立项", "reject": "不予立项", "deliver": "登记服务", "close": "结项"},
)

CONTEST = Workflow(
    subject="项目大赛",
    states=ContestStatus,
    moves={
        "enter": {ContestStatus.OPEN: ContestStatus.OPEN},
        "judge": {ContestStatus.OPEN: ContestStatus.OPEN, ContestStatus.SCORING: ContestStatus.SCORING},
        "start_scoring": {ContestStatus.OPEN: ContestStatus.SCORING},
        "score": {ContestStatus.SCORING: ContestStatus.SCORING},
        "finish": {ContestStatus.SCORING: ContestStatus.FINISHED},
        "brand": {ContestStatus.FINISHED: ContestStatus.FINISHED},
    },
    verbs={
        "enter": "报名参赛",
        "judge": "增加评委",
        "start_scoring": "开始评审",
        "score": "评分",
        "finish": "揭晓名次",
        "brand": "评定品牌项目",
    },
)
