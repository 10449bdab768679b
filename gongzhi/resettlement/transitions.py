"""The allowed moves of a resettlement project: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.resettlement.enums import ProjectStatus

PROJECT = Workflow.from_pairs(
    subject="安置项目",
    states=ProjectStatus,
    allowed={
        ProjectStatus.PREPARING: (ProjectStatus.COMMITTED,),
        ProjectStatus.COMMITTED: (ProjectStatus.DRAWN,),
        ProjectStatus.DRAWN: (ProjectStatus.CLOSED,),
    },
    verbs={
        ProjectStatus.COMMITTED: "封存名单",
        ProjectStatus.DRAWN: "摇号",
        ProjectStatus.CLOSED: "办结",
    },
)
