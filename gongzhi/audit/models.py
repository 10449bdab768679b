from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One row per state change, written by the service in the same transaction as the change."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=64, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象编号"), max_length=64)
    target_label = models.CharField(_("对象名称"), max_length=200, blank=True)
    # Place codes of the target, so that reading the audit trail is scoped like reading the target.
    district_code = models.CharField(max_length=6, blank=True, db_index=True)
    subdistrict_code = models.CharField(max_length=12, blank=True)
    community_code = models.CharField(max_length=12, blank=True, db_index=True)
    grid_code = models.CharField(max_length=15, blank=True)
    data = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="audit_target_idx")]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.target_type}#{self.target_id}"
