from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


FINISHED = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class JobPhase(models.TextChoices):
    WAITING = "waiting", _("等待后台处理")
    READING = "reading", _("读取文件")
    CHECKING = "checking", _("逐行校验")
    WRITING = "writing", _("写入数据库")
    RENDERING = "rendering", _("生成文件")
    DONE = "done", _("完成")


class FileRole(models.TextChoices):
    INPUT = "input", _("上传文件")
    RESULT = "result", _("结果文件")
