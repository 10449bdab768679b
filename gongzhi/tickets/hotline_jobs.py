"""The 12345 hotline import as a background job (``gongzhi.jobs``): a large upload on the hotline page, or
any file sent to ``POST /api/v1/tickets/hotline-import-jobs``, is imported by the task worker with its
progress (rows done of the file's rows, errors so far) on the job's page and in the jobs API.

The guarantees are the import's own (``hotline.hotline_import``): each row is one transaction (a ticket
whole or not at all); the import is idempotent on 工单编号; the job run again after its worker died
resumes the same record and reaches the result of one uninterrupted run. Cancelling stops between rows.
The error report (rows that failed, phone masked) is the job's result file: its starter downloads it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gongzhi.core.errors import ApplicationError
from gongzhi.tickets import hotline
from gongzhi.tickets import hotline_sheets as hs

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.jobs.models import Job
    from gongzhi.jobs.tasks import JobContext

JOB_KIND = "tickets.hotline_import"


def hotline_import_enqueue(*, actor: Actor, file_name: str, content: bytes) -> Job:
    """Starts the import as a job (queued once the caller's transaction commits): the actor's right and
    the file's size and type are checked now, the rows by the worker."""
    from gongzhi.jobs.services import job_start

    hotline._require_importer(actor)
    hs.check_upload(file_name, len(content))
    return job_start(
        actor=actor,
        kind=JOB_KIND,
        label=f"12345热线工单导入：{(file_name or '')[-80:]}",
        file=(file_name or "", content, ""),
    )


def hotline_import_job(ctx: JobContext) -> dict[str, Any]:
    """The job's runner: the import with progress; the error report as the result file."""
    if ctx.actor is None:  # the import is always someone's: their scope decides where rows may land
        raise ApplicationError("12345热线导入必须由工作人员发起", code="no_actor")
    name, content = ctx.input()
    record = hotline.hotline_import(
        actor=ctx.actor, file_name=name, content=content, progress=ctx.progress, job_id=ctx.job_id
    )
    if record.error_count:
        ctx.result_file(
            f"12345导入错误报告_{record.pk}.xlsx",
            hs.error_report_workbook(errors=record.errors, rows=record.error_rows),
            hs.XLSX_CONTENT_TYPE,
        )
        message = (
            f"导入完成：新建 {record.created} 条，跳过 {record.skipped} 条；"
            f"{record.error_count} 行未通过校验、未建单，请下载错误报告修改后重新上传"
        )
    else:
        message = f"导入完成：新建 {record.created} 条，跳过 {record.skipped} 条（已存在）"
    return {
        "message": message,
        "import_id": record.pk,
        "rows": record.rows,
        "created": record.created,
        "skipped": record.skipped,
        "unplaced": record.unplaced,
        "errors": record.errors[:50],
        "error_count": record.error_count,
    }
