"""The allowed moves of a background job: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.jobs.enums import JobStatus

JOB = Workflow.from_pairs(
    subject="后台任务",
    states=JobStatus,
    allowed={
        JobStatus.QUEUED: (JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED),
        # back to the queue: its worker died and the job is run again (it writes nothing twice)
        JobStatus.RUNNING: (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.QUEUED),
    },
    verbs={JobStatus.CANCELLED: "取消", JobStatus.RUNNING: "开始", JobStatus.QUEUED: "重新排队"},
)
