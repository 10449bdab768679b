"""API keys of the connected systems (Open311 GeoReport v2) and their per-minute request counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel


class ApiKey(PlacedModel):
    """One key per connected system. Only the SHA-256 of the key is stored; the key is shown once.

    The place codes (PlacedModel) are those of ``place_code`` and the levels above it, so the audit rows
    of the key's requests belong to its place and the district's auditor reads them.
    """

    name = models.CharField(_("接入系统名称"), max_length=100)
    # A district (6 digits), subdistrict or community (12) or grid (15): where the system may file tickets.
    place_code = models.CharField(_("授权范围"), max_length=15)
    place_label = models.CharField(_("授权范围名称"), max_length=100, blank=True)
    key_prefix = models.CharField(_("密钥前缀"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    rate_limit = models.PositiveIntegerField(_("每分钟请求上限"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def covers(self, row: object) -> bool:
        """The row's place (a ticket) lies inside the key's place scope."""
        code = self.place_code
        if len(code) == 6:
            return getattr(row, "district_code", "") == code
        if len(code) == 15:
            return getattr(row, "grid_code", "") == code
        if code.endswith("000"):
            return getattr(row, "subdistrict_code", "") == code
        return getattr(row, "community_code", "") == code


class ApiKeyMinute(models.Model):
    """Requests made with a key in one clock minute: the rate limit's counter (rows older than an hour
    are removed as new minutes start)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="minutes")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="apikey_minute_unique")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.minute:%H:%M} {self.count}"
