"""The uploads of the street office's registers (units, in-service members): one row per upload, kept so
the uploader (and whoever's scope covers theirs) can download its error report later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.registers.enums import ImportKind, ImportStatus


class RegisterImport(models.Model):
    """One upload of a register, applied or not. ``error_rows`` keeps the values of the rows with errors as
    typed, phones masked: the report must not become an unprotected copy of the register."""

    kind = models.CharField(_("台账"), max_length=16, choices=ImportKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="register_imports",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [{"row", "column", "message"}]
    error_rows = models.JSONField(_("出错行原始内容"), default=dict, blank=True)
    # The smallest place holding the uploader's places when uploading: the record is scoped like its data.
    district_code = models.CharField(_("区县代码"), max_length=6, blank=True, db_index=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, blank=True)
    community_code = models.CharField(_("社区代码"), max_length=12, blank=True)
    grid_code = models.CharField(_("网格编码"), max_length=15, blank=True)

    class Meta:
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
