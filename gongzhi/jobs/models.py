"""Background jobs as people see them: who started what, in which scope, how far it is, what came out.

The task queue (django-tasks: the database backend by default, RQ when REDIS_URL is set) runs them; this
table is what the pages and the API read, so a job's progress, errors and result outlive the worker that
ran it. Files (the upload a job reads, the file it produces) are rows of ``JobFile`` in the database, so
every web node and worker sees them without a shared folder.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.jobs.enums import FileRole, JobPhase, JobStatus


class Job(models.Model):
    kind = models.CharField(_("任务类型"), max_length=40)
    label = models.CharField(_("任务名称"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    # The starter's place codes for the kind's roles when starting; the result is theirs within these.
    scope_codes = models.JSONField(_("发起人管辖范围"), default=list, blank=True)
    district_code = models.CharField(_("区县代码"), max_length=6, blank=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, blank=True)
    community_code = models.CharField(_("社区代码"), max_length=12, blank=True)
    grid_code = models.CharField(_("网格编码"), max_length=15, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(_("阶段"), max_length=16, choices=JobPhase.choices, default=JobPhase.WAITING)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # the first errors found so far: [{"row": 5, "column": "身份证号码", "message": "…"}]
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    result_expires_at = models.DateTimeField(_("结果保留至"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    # when the current phase began (checking, writing …): the ETA is the pace of this phase
    phase_started_at = models.DateTimeField(_("本阶段开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [
            models.Index(fields=["actor", "-created_at"], name="jobs_job_actor_created"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_job_status_beat"),
        ]

    def __str__(self) -> str:
        return f"{self.label}（#{self.pk}）"


class JobFile(models.Model):
    job = models.ForeignKey(Job, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="files")
    role = models.CharField(_("用途"), max_length=8, choices=FileRole.choices)
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    content = models.BinaryField(_("内容"))
    size = models.PositiveIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务文件")
        verbose_name_plural = _("任务文件")
        constraints = [models.UniqueConstraint(fields=["job", "role"], name="jobs_file_one_per_role")]

    def __str__(self) -> str:
        return self.name


class ScheduledRun(models.Model):
    """One due run of a scheduled task (the supervision sweep every 5 minutes, the weekly warnings …):
    the worker that inserts the (name, slot) row first enqueues it, so several workers run it once."""

    name = models.CharField(_("计划任务"), max_length=40)
    slot = models.BigIntegerField(_("时段"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("计划任务运行")
        verbose_name_plural = _("计划任务运行")
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="jobs_scheduled_once")]

    def __str__(self) -> str:
        return f"{self.name}@{self.slot}"
