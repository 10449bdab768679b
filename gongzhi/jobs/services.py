"""Writes of background jobs: started by a person (one audit row), run by a worker, cancelled by its
starter, its result downloaded by its starter (audited), its files dropped when they expire."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.codes import common_place
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.jobs import selectors
from gongzhi.jobs.enums import FINISHED, FileRole, JobPhase, JobStatus
from gongzhi.jobs.models import Job, JobFile
from gongzhi.jobs.tasks import kind_of, run_job
from gongzhi.jobs.transitions import JOB

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

logger = logging.getLogger(__name__)


def result_days() -> int:
    return int(getattr(settings, "JOBS_RESULT_DAYS", 7))


def stale_seconds() -> int:
    return int(getattr(settings, "JOBS_STALE_SECONDS", 90))


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 3))


def _enqueue(job_id: int) -> None:
    """Puts the job on the queue (after the commit that made it visible) and remembers the queue's id."""
    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def job_file_put(*, job_id: int, role: str, name: str, content: bytes, content_type: str = "") -> JobFile:
    f, _ = JobFile.objects.update_or_create(
        job_id=job_id,
        role=role,
        defaults={
            "name": name[-255:],
            "content": content,
            "content_type": content_type[:100],
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return f


@transaction.atomic
def job_start(
    *,
    actor: Actor | None,
    kind: str,
    label: str,
    params: dict[str, Any] | None = None,
    file: tuple[str, bytes, str] | None = None,
    rows_total: int = 0,
) -> Job:
    """Records a job for ``actor`` and queues it once this transaction commits."""
    k = kind_of(kind)
    if k is None:
        raise ApplicationError(gettext("未知的任务类型：%(kind)s") % {"kind": kind}, code="unknown_job_kind")
    codes = selectors.scope_codes_for(actor, kind)
    if actor is not None and not getattr(actor, "is_superuser", False) and not codes:
        raise Forbidden(gettext("您的角色不能发起此项任务"))
    job = Job.objects.create(
        kind=kind,
        label=label[:200] or k.label,
        actor_id=actor.pk if actor is not None and actor.pk else None,
        scope_codes=codes,
        params=params or {},
        rows_total=rows_total,
        **common_place(codes),
    )
    if file is not None:
        name, content, content_type = file
        job_file_put(
            job_id=job.pk, role=FileRole.INPUT, name=name, content=content, content_type=content_type
        )
    audit_record(
        actor=actor,
        target=job,
        event="jobs.job_started",
        data={"kind": kind, "label": job.label, **({"file_name": file[0][-255:]} if file else {})},
    )
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


@transaction.atomic
def job_begin(*, job_id: int) -> Job | None:
    """The worker takes the job: running, one attempt more. None when there is nothing to run."""
    job = Job.objects.select_for_update(of=("self",)).select_related("actor").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return None
    now = timezone.now()
    if job.cancel_requested:
        job.status, job.finished_at, job.message = JobStatus.CANCELLED, now, "已按发起人要求取消"
        job.save(update_fields=["status", "finished_at", "message"])
        return None
    job.status = check_move(JOB, JobStatus.RUNNING, job.status)
    job.attempts += 1
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.phase = JobPhase.READING
    job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "phase"])
    return job


@transaction.atomic
def job_end(
    *,
    job_id: int,
    ok: bool,
    cancelled: bool = False,
    message: str = "",
    fields: dict[str, str] | None = None,
    result: dict[str, Any] | None = None,
) -> Job:
    job = Job.objects.select_for_update().get(pk=job_id)
    now = timezone.now()
    target = JobStatus.SUCCEEDED if ok else JobStatus.CANCELLED if cancelled else JobStatus.FAILED
    job.status = check_move(JOB, target, job.status)
    job.finished_at = job.heartbeat_at = now
    job.phase = JobPhase.DONE
    job.message = (message or (result or {}).get("message", ""))[:500]
    if result is not None:
        result = dict(result)
        if "errors" in result:
            job.errors = list(result.pop("errors"))[:50]
        if "error_count" in result:
            job.error_count = int(result.pop("error_count"))
        job.result = {k: v for k, v in result.items() if k != "message"}
        job.rows_done = max(job.rows_done, int(result.get("rows", 0) or 0))
    if fields:
        job.errors = [{"row": None, "column": k, "message": v} for k, v in fields.items()][:50]
    has_file = JobFile.objects.filter(job_id=job_id, role=FileRole.RESULT).exists()
    job.result_expires_at = now + dt.timedelta(days=result_days()) if has_file else None
    job.save()
    audit_record(
        actor=None,
        target=job,
        event="jobs.job_finished",
        data={"kind": job.kind, "status": job.status, "message": job.message, "result": job.result},
    )
    return job


@transaction.atomic
def job_cancel(*, actor: Actor, job_id: int) -> Job:
    """The starter stops a job: a queued job at once; a running one at its next progress report, before
    it writes (an import already writing finishes its one transaction)."""
    selectors.job_get_for_actor(actor=actor, job_id=job_id)
    job = Job.objects.select_for_update().get(pk=job_id)
    require(actor, "jobs.cancel_job", job)
    if job.status in FINISHED or job.cancel_requested:
        raise Conflict(f"后台任务当前状态为“{job.get_status_display()}”，不能取消", code="illegal_transition")
    if job.status == JobStatus.QUEUED:
        job.status = check_move(JOB, JobStatus.CANCELLED, job.status)
        job.finished_at = timezone.now()
        job.phase = JobPhase.DONE
        job.message = "已按发起人要求取消，未写入任何数据"
    job.cancel_requested = True
    job.save(update_fields=["status", "finished_at", "phase", "message", "cancel_requested"])
    audit_record(actor=actor, target=job, event="jobs.job_cancelled", data={"kind": job.kind})
    return job


@transaction.atomic
def job_result_download(*, actor: Actor, job_id: int) -> JobFile:
    job = selectors.job_get_for_actor(actor=actor, job_id=job_id, perm="jobs.download_job")
    f = selectors.job_result_file(job=job)
    if f is None or job.result_expires_at is None or job.result_expires_at <= timezone.now():
        raise ApplicationError(
            gettext("结果文件已过期（保留%(result_days)s天）或没有结果文件，请重新发起")
            % {"result_days": result_days()},
            code="result_gone",
            status=410,
        )
    audit_record(
        actor=actor,
        target=job,
        event="jobs.result_downloaded",
        data={"file_name": f.name, "size": f.size, "sha256": f.sha256},
    )
    return f


def job_results_purge(now: dt.datetime | None = None) -> int:
    """Drops result files past their time, and the uploads of finished jobs (nothing reads them again)."""
    now = now or timezone.now()
    n, _ = JobFile.objects.filter(role=FileRole.RESULT, job__result_expires_at__lte=now).delete()
    m, _ = JobFile.objects.filter(role=FileRole.INPUT, job__status__in=FINISHED).delete()
    return n + m


def job_recover_stale(now: dt.datetime | None = None) -> dict[str, int]:
    """Jobs whose worker died: running with no heartbeat for JOBS_STALE_SECONDS go back to the queue (their
    runner writes nothing twice), up to JOBS_MAX_ATTEMPTS runs; queued jobs that never reached the queue
    (the process stopped between the commit and the enqueue) are queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=stale_seconds())
    requeued = failed = 0
    for job_id in list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id, status=JobStatus.RUNNING).first()
            if job is None or (job.heartbeat_at and job.heartbeat_at >= cutoff):
                continue
            if job.attempts >= max_attempts() or job.cancel_requested:
                cancelled = job.cancel_requested
                job.status = check_move(
                    JOB, JobStatus.CANCELLED if cancelled else JobStatus.FAILED, job.status
                )
                job.finished_at, job.phase = now, JobPhase.DONE
                job.message = (
                    "已取消" if cancelled else f"后台处理进程中断，已尝试{job.attempts}次，请重新发起"
                )
                job.save(update_fields=["status", "finished_at", "phase", "message"])
                failed += 1
                continue
            job.status = check_move(JOB, JobStatus.QUEUED, job.status)
            job.phase, job.task_id = JobPhase.WAITING, ""
            job.message = f"后台处理进程中断，第{job.attempts + 1}次运行"
            job.save(update_fields=["status", "phase", "task_id", "message"])
            transaction.on_commit(functools.partial(_enqueue, job_id))
            requeued += 1
    lost = Job.objects.filter(
        status=JobStatus.QUEUED, task_id="", cancel_requested=False, created_at__lt=cutoff
    )
    for job_id in list(lost.values_list("pk", flat=True)):
        _enqueue(job_id)
        requeued += 1
    if requeued or failed:
        logger.warning("jobs: %s requeued, %s failed after their worker stopped", requeued, failed)
    return {"requeued": requeued, "failed": failed}
