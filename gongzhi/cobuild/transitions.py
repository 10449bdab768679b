"""The allowed status moves of needs, projects and matching plans: data only, checked by
``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.cobuild.enums import NeedStatus, PlanStatus, ProjectStatus
from gongzhi.core.workflow import Workflow

NEED = Workflow.from_pairs(
    subject="需求",
    states=NeedStatus,
    allowed={
        NeedStatus.OPEN: (NeedStatus.MATCHED, NeedStatus.WITHDRAWN),
        NeedStatus.MATCHED: (NeedStatus.IN_PROGRESS, NeedStatus.OPEN, NeedStatus.WITHDRAWN),
        NeedStatus.IN_PROGRESS: (NeedStatus.FULFILLED, NeedStatus.OPEN),
    },
)
PROJECT = Workflow.from_pairs(
    subject="项目",
    states=ProjectStatus,
    allowed={
        ProjectStatus.PROPOSED: (ProjectStatus.CLAIMED, ProjectStatus.CANCELLED),
        ProjectStatus.CLAIMED: (ProjectStatus.SIGNED, ProjectStatus.CANCELLED),
        ProjectStatus.SIGNED: (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED),
    },
)
PLAN = Workflow.from_pairs(
    subject="方案",
    states=PlanStatus,
    allowed={PlanStatus.DRAFT: (PlanStatus.APPLIED, PlanStatus.DISCARDED)},
)
# Needs that still hold a place in a project (a withdrawn or fulfilled one is done).
ACTIVE_PROJECT = (ProjectStatus.PROPOSED, ProjectStatus.CLAIMED, ProjectStatus.SIGNED)
