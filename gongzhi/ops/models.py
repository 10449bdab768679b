from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupKind(models.TextChoices):
    BACKUP = "backup", _("备份")
    RESTORE = "restore", _("恢复")


class BackupRecord(models.Model):
    """One backup made or one archive restored: what the audit row of that operation points at.

    A backup's own record is written after its snapshot, so it is in the next backup, not in its own;
    a restore's record is written into the restored database, after the check against the manifest.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    kind = models.CharField(_("类型"), max_length=8, choices=BackupKind.choices)
    archive = models.CharField(_("备份文件"), max_length=500)
    archive_sha256 = models.CharField(max_length=64, blank=True)
    engine = models.CharField(_("数据库"), max_length=16)
    tables = models.PositiveIntegerField(default=0)
    rows = models.PositiveBigIntegerField(default=0)
    media_files = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(_("成功"), default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("备份与恢复记录")
        verbose_name_plural = _("备份与恢复记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.archive.rsplit('/', 1)[-1]}"
