"""Smart-community devices (智慧社区设备): the registry, the monitoring platforms that push their events
and the platforms' signing keys, the events, the incidents (one per storm of the same event from one
device, which becomes one ticket) and the signatures already seen (replay refusal)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.devices.enums import DeviceKind, DeviceStatus, EventKind, EventOutcome, EventState


class Platform(PlacedModel):
    """A monitoring platform (监控平台) that pushes its devices' events. ``place_code`` (a district,
    subdistrict, community or grid) bounds the devices it may report for; the place codes of the row are
    those of that place, so its audit rows belong there."""

    name = models.CharField(_("平台名称"), max_length=100)
    vendor = models.CharField(_("厂商"), max_length=60, blank=True)
    place_code = models.CharField(_("覆盖范围"), max_length=15)
    place_label = models.CharField(_("覆盖范围名称"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("监控平台")
        verbose_name_plural = _("监控平台")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    def covers(self, row: object) -> bool:
        code = self.place_code
        if len(code) == 6:
            return getattr(row, "district_code", "") == code
        if len(code) == 15:
            return getattr(row, "grid_code", "") == code
        if code.endswith("000"):
            return getattr(row, "subdistrict_code", "") == code
        return getattr(row, "community_code", "") == code


class PlatformKey(models.Model):
    """A platform's signing key. The secret is shown once when issued and never stored: the row keeps
    the public key id, a random salt and the SHA-256 of the secret (``signing.py`` says how the secret
    is derived and checked). Two active keys of one platform let it rotate without a gap."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField(_("密钥编号"), max_length=32, unique=True)
    salt = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("平台签名密钥")
        verbose_name_plural = _("平台签名密钥")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.key_id

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Device(PlacedModel):
    """One device of the registry: where it is (grid, building, place), whose platform reports for it,
    when it was last heard and how often it should be."""

    code = models.CharField(_("设备编码"), max_length=40, unique=True)  # e.g. the GB/T 28181 20-digit id
    name = models.CharField(_("设备名称"), max_length=100)
    kind = models.CharField(_("设备类型"), max_length=24, choices=DeviceKind.choices)
    vendor = models.CharField(_("厂商"), max_length=60, blank=True)
    place = models.CharField(_("安装位置"), max_length=120, blank=True)
    building = models.CharField(_("楼栋"), max_length=60, blank=True)
    platform = models.ForeignKey(
        Platform,
        verbose_name=_("接入平台"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DeviceStatus.choices, default=DeviceStatus.ONLINE
    )
    heartbeat_minutes = models.PositiveIntegerField(_("心跳间隔（分钟）"))
    last_heard_at = models.DateTimeField(_("最近上报"), null=True, blank=True)
    offline_since = models.DateTimeField(_("离线时间"), null=True, blank=True)
    # PIPL Art. 26 / 公共安全视频图像信息系统管理条例: a camera in a public place has a conspicuous sign.
    sign_posted_on = models.DateField(_("提示标识设置日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("智慧社区设备")
        verbose_name_plural = _("智慧社区设备")
        ordering = ["community_code", "kind", "code"]
        indexes = [
            models.Index(fields=["community_code", "kind"], name="devices_community_kind_idx"),
            models.Index(fields=["status", "last_heard_at"], name="devices_status_heard_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class EventRoute(models.Model):
    """The district admin's edit of an event kind's route (``routing.DEFAULT_ROUTES`` holds the shipped
    table): whether the kind raises a ticket, in which category, urgent or not, and the storm window."""

    kind = models.CharField(_("事件类型"), max_length=24, choices=EventKind.choices, unique=True)
    raise_ticket = models.BooleanField(_("生成工单"), default=True)
    category = models.ForeignKey(
        "tickets.Category", verbose_name=_("工单分类"), null=True, blank=True, on_delete=models.SET_NULL
    )
    urgent = models.BooleanField(_("紧急"), default=False)
    storm_minutes = models.PositiveIntegerField(_("合并窗口（分钟）"), default=30)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("设备事件分类对应")
        verbose_name_plural = _("设备事件分类对应")

    def __str__(self) -> str:
        return self.kind


class Incident(PlacedModel):
    """A storm of one event kind from one device: the first event raises the ticket, the next ones within
    the window only add to ``count``. At most one open incident per device and kind (the constraint),
    which with the device's row lock makes two simultaneous events one ticket."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(_("事件类型"), max_length=24, choices=EventKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_at = models.DateTimeField(_("首次发生"))
    last_at = models.DateTimeField(_("最近发生"))
    count = models.PositiveIntegerField(_("次数"), default=1)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("设备事件（合并）")
        verbose_name_plural = _("设备事件（合并）")
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=Q(ended_at__isnull=True),
                name="devices_one_open_incident",
            )
        ]
        indexes = [models.Index(fields=["community_code", "last_at"], name="devices_incident_comm_idx")]

    def __str__(self) -> str:
        return f"{self.device_id}·{self.kind}×{self.count}"


class DeviceEvent(PlacedModel):
    """One event a platform pushed, as received: no face, no identity, no vendor free text (PIPL)."""

    platform = models.ForeignKey(Platform, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("事件编号"), max_length=64)  # the platform's idempotency key
    kind = models.CharField(_("事件类型"), max_length=24, choices=EventKind.choices)
    state = models.CharField(_("状态"), max_length=8, choices=EventState.choices, default=EventState.START)
    occurred_at = models.DateTimeField(_("发生时间"))
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    zone = models.CharField(_("区域"), max_length=60, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=EventOutcome.choices)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    snapshot = models.ForeignKey(
        "tickets.TicketPhoto", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Names of the payload fields dropped because they carry faces or identities (never their values).
    stripped = models.JSONField(_("已剔除字段"), default=list, blank=True)

    class Meta:
        verbose_name = _("设备事件")
        verbose_name_plural = _("设备事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "event_id"], name="devices_event_once"),
        ]
        indexes = [
            models.Index(fields=["community_code", "occurred_at"], name="devices_event_comm_idx"),
            models.Index(fields=["district_code", "occurred_at"], name="devices_event_dist_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}"


class SeenSignature(models.Model):
    """A signature accepted within the timestamp window: the same one again is a replay (409). Rows older
    than the window are removed as new ones arrive."""

    key = models.ForeignKey(PlatformKey, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("已用签名")
        verbose_name_plural = _("已用签名")

    def __str__(self) -> str:
        return self.signature[:12]
