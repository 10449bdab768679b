"""Reads of background jobs: a person sees the jobs they started, while their scope still covers them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.jobs.models import Job, JobFile
from gongzhi.jobs.tasks import kind_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def scope_codes_for(actor: Actor | None, kind: str) -> list[str]:
    """The actor's place codes for the kind's roles (all their roles when the kind names none)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return []
    k = kind_of(kind)
    codes = scope_of(actor).codes(k.roles if k is not None else None)
    return sorted(c for level in codes.values() for c in level)


def _still_in_scope(actor: Actor, job: Job) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return set(job.scope_codes) <= set(scope_codes_for(actor, job.kind))


def job_list_for_actor(*, actor: Actor, limit: int = 20) -> QuerySet[Job]:
    return Job.objects.filter(actor_id=actor.pk).order_by("-created_at", "-id")[:limit]


def job_get_for_actor(*, actor: Actor, job_id: int, perm: str = "jobs.view_job") -> Job:
    job = Job.objects.filter(pk=job_id).select_related("actor").first()
    if job is None or not allowed(actor, perm, job) or not _still_in_scope(actor, job):
        raise NotFound(gettext("任务不存在或无权查看"))
    return job


def job_result_file(*, job: Job) -> JobFile | None:
    from gongzhi.jobs.enums import FileRole

    return JobFile.objects.filter(job=job, role=FileRole.RESULT).first()


def system_jobs_running() -> list[Job]:
    """The system's own public jobs still running (the demo build), for the login and home pages."""
    from gongzhi.jobs.enums import FINISHED
    from gongzhi.jobs.tasks import public_kinds

    kinds = public_kinds()
    if not kinds:
        return []
    return list(
        Job.objects.filter(actor__isnull=True, kind__in=kinds)
        .exclude(status__in=FINISHED)
        .order_by("-created_at")[:3]
    )


def job_context(job: Job) -> dict[str, Any]:
    """What a page and the API show of a job: percent done, the ETA from the pace so far, a result."""
    from gongzhi.jobs.enums import FINISHED

    total = job.rows_total or 0
    percent = (
        min(100, round(job.rows_done * 100 / total)) if total else (100 if job.status in FINISHED else 0)
    )
    eta = None
    began = job.phase_started_at or job.started_at
    if began and job.heartbeat_at and total and 0 < job.rows_done < total and job.status not in FINISHED:
        spent = (job.heartbeat_at - began).total_seconds()
        eta = round(spent / job.rows_done * (total - job.rows_done))
    return {
        "job": job,
        "percent": percent,
        "eta_seconds": eta,
        "finished": job.status in FINISHED,
        "has_result": job.result_expires_at is not None,
    }
