"""The ticket loop: categories, tickets with their place, assignments, timeline, photos, supervision,
extension requests, patrols, and the daily rollups the indicators read."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel, TimeStampedModel
from gongzhi.tickets.enums import (
    AssignmentRole,
    CategoryKind,
    Channel,
    ExtensionStatus,
    Level,
    Move,
    PatrolStatus,
    PhotoStage,
    Satisfaction,
    SupervisionKind,
    SupervisionLevel,
    TicketStatus,
)

LIMIT_UNITS = [
    ("working_hours", _("工作时")),
    ("working_days", _("工作日")),
    ("natural_days", _("自然日")),
    ("hours", _("小时")),
]


class Category(TimeStampedModel):
    """Two levels: a major class (parent empty) and its small classes. Shipped with the default taxonomy
    (urban-management event and component classes, community classes); the district admin edits it."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("大类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("分类代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=16, choices=CategoryKind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    default_level = models.CharField(
        _("默认处置层级"), max_length=16, choices=Level.choices, default=Level.GRID
    )
    # The responsible department by its code within the ticket's district (departments are per district).
    department_code = models.CharField(_("责任部门代码"), max_length=30, blank=True)
    limit_amount = models.PositiveSmallIntegerField(_("处置时限"), default=3)
    limit_unit = models.CharField(_("时限单位"), max_length=16, choices=LIMIT_UNITS, default="working_days")
    close_conditions = models.CharField(_("结案条件"), max_length=200, blank=True)
    public = models.BooleanField(_("接受居民和外部系统上报"), default=True)
    # Extra questions asked when reporting (Open311 attributes): [{"code", "label", "datatype", "required", "values": [...]}]
    questions = models.JSONField(_("补充问题"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事件分类")
        verbose_name_plural = _("事件分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


def ticket_number(pk: int | None, created_at: datetime | None) -> str:
    """工单编号 of a ticket from its id and report time (``Ticket.number``), for lists read as values
    without building a model per row."""
    created = timezone.localtime(created_at) if created_at else timezone.localtime()
    return f"{created:%Y%m%d}-{pk or 0:07d}"


class Ticket(PlacedModel):
    # When it was reported (imports and the demo give past times), not when the row was written.
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("问题描述"), max_length=4000)
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("来源"), max_length=16, choices=Channel.choices, db_index=True)
    # Which system or session it came from: a connected system's name, "12345", a 书记有约 session …
    channel_source = models.CharField(_("来源系统/场次"), max_length=100, blank=True)
    external_id = models.CharField(_("外部编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=TicketStatus.choices, db_index=True)
    level = models.CharField(_("当前层级"), max_length=16, choices=Level.choices, default=Level.GRID)
    urgent = models.BooleanField(_("加急"), default=False)

    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    coord_system = models.CharField(_("原始坐标系"), max_length=8, blank=True)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tickets",
    )
    reporter_name = models.CharField(_("上报人"), max_length=50, blank=True)
    reporter_phone_encrypted = models.TextField(blank=True)
    reporter_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reporter_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    reporter_email = models.CharField(_("电子邮箱"), max_length=120, blank=True)
    # Anonymous to the public (Open311, public pages), never to staff.
    anonymous = models.BooleanField(_("对外匿名"), default=False)
    household = models.ForeignKey(
        "places.Household", verbose_name=_("上报人住户"), null=True, blank=True, on_delete=models.SET_NULL
    )

    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_responder_tickets",
    )
    department = models.ForeignKey(
        "places.Department",
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The place a place-level handler works in (its code at ``level``), and the person if one is named.
    handler_place_code = models.CharField(_("处置单位代码"), max_length=15, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_tickets",
    )
    dispatcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派遣人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatched_tickets",
    )
    dispatch_level = models.CharField(_("派遣层级"), max_length=16, choices=Level.choices, blank=True)
    patrol = models.ForeignKey(
        "Patrol",
        verbose_name=_("巡查"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True, db_index=True)
    respond_deadline = models.DateTimeField(_("报到时限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("处置时限"), null=True, blank=True, db_index=True)
    deadline_warning = models.CharField(_("时限提示"), max_length=200, blank=True)
    limit_amount = models.PositiveSmallIntegerField(_("处置时限"), null=True, blank=True)
    limit_unit = models.CharField(_("时限单位"), max_length=16, choices=LIMIT_UNITS, blank=True)
    # When an overdue ticket earns a red card: overdue again by the same span (computed at dispatch).
    red_at = models.DateTimeField(_("红牌时间"), null=True, blank=True, db_index=True)
    # Counted once in the on-time figures (first handled, or found overdue unhandled): see DailyStat.due.
    sla_counted = models.BooleanField(default=False)
    first_handled_at = models.DateTimeField(_("首次处置时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, db_index=True)

    result = models.TextField(_("处置结果"), blank=True, max_length=2000)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    dissatisfied_count = models.PositiveSmallIntegerField(_("不满意次数"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("吹哨次数"), default=0)
    supervision = models.CharField(
        _("督办"), max_length=8, choices=SupervisionLevel.choices, blank=True, default="", db_index=True
    )
    # Character bigrams and words of title, description and address, space-padded (see core.textsearch).
    search_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="ticket_unique_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["grid_code", "status", "id"], name="ticket_grid_status_idx"),
            models.Index(fields=["community_code", "status", "id"], name="ticket_comm_status_idx"),
            models.Index(fields=["subdistrict_code", "status", "id"], name="ticket_sub_status_idx"),
            models.Index(fields=["district_code", "status", "id"], name="ticket_dist_status_idx"),
            models.Index(fields=["department", "status", "id"], name="ticket_dept_status_idx"),
            models.Index(fields=["first_responder", "status", "id"], name="ticket_fr_status_idx"),
            models.Index(fields=["reporter", "id"], name="ticket_reporter_idx"),
            models.Index(fields=["created_at", "id"], name="ticket_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """工单编号: the local date it was reported and its id, e.g. 20261201-0000123."""
        return ticket_number(self.pk, self.created_at)

    @property
    def is_overdue(self) -> bool:
        from gongzhi.tickets.enums import HANDLING

        return bool(self.deadline and self.status in HANDLING and self.deadline < timezone.now())


class Assignment(models.Model):
    """Who handles a ticket at one dispatch: the lead (主办) and co-handling (协办) departments or places."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(
        _("角色"), max_length=8, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    department = models.ForeignKey(
        "places.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    place_code = models.CharField(_("处置单位代码"), max_length=15, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处置人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派遣人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("派遣时间"), default=timezone.now)
    respond_deadline = models.DateTimeField(_("报到时限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    ended_reason = models.CharField(_("结束原因"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("派遣记录")
        verbose_name_plural = _("派遣记录")
        indexes = [
            models.Index(fields=["department", "active", "ticket"], name="assign_dept_active_idx"),
            # A department's co-handled tickets (selectors._department_q): a few per department, while its
            # lead assignments number in the hundreds of thousands at scale.
            models.Index(
                fields=["department", "ticket"],
                name="assign_dept_co_idx",
                condition=models.Q(active=True, role="co"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_role_display()} {self.department or self.place_code}"


class TicketEvent(models.Model):
    """The ticket's own timeline: one row per move, with the wording the reporter reads."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    move = models.CharField(_("操作"), max_length=16, choices=Move.choices)
    from_status = models.CharField(max_length=16, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TicketStatus.choices, blank=True)
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    # What the reporter and public systems read, in plain Chinese; empty = staff only.
    public_note = models.CharField(_("对外说明"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("工单动态")
        verbose_name_plural = _("工单动态")
        indexes = [
            models.Index(fields=["ticket", "id"], name="ticket_event_ticket_idx"),
            models.Index(fields=["at", "id"], name="ticket_event_at_idx"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.move}"

    @property
    def is_public(self) -> bool:
        return bool(self.public_note)


class TicketPhoto(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    stage = models.CharField(_("环节"), max_length=8, choices=PhotoStage.choices)
    file = models.FileField(_("文件"), upload_to="tickets/", max_length=200)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工单照片")
        verbose_name_plural = _("工单照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.stage} #{self.pk}"


class Supervision(PlacedModel):
    """督办: visible to the handler, its superior level and the district."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("督办类型"), max_length=16, choices=SupervisionKind.choices)
    reason = models.CharField(_("督办事由"), max_length=300)
    department = models.ForeignKey(
        "places.Department", verbose_name=_("被督办部门"), null=True, blank=True, on_delete=models.SET_NULL
    )
    handler_place_code = models.CharField(_("被督办单位代码"), max_length=15, blank=True)
    level = models.CharField(_("被督办层级"), max_length=16, choices=Level.choices, blank=True)
    issued_at = models.DateTimeField(_("督办时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    # The deadline the card was issued against (one card per kind per deadline; an extension starts anew).
    deadline_key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        indexes = [
            # The open cards (the "supervised" inbox): a few thousand among every card ever issued.
            models.Index(
                fields=["ticket"], name="supervision_open_idx", condition=models.Q(resolved_at=None)
            ),
        ]
        constraints = [
            # One card of each kind per ticket and deadline: the periodic sweep may run twice.
            models.UniqueConstraint(
                fields=["ticket", "kind", "deadline_key"], name="supervision_unique_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ticket_id}"


class ExtensionRequest(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extensions")
    amount = models.PositiveSmallIntegerField(_("延长"))
    unit = models.CharField(_("单位"), max_length=16, choices=LIMIT_UNITS)
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    old_deadline = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(status="pending"), name="extension_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} +{self.amount}{self.unit}"


class DepartmentLimit(models.Model):
    """How soon a department must respond (报到) to a ticket dispatched or whistled to it."""

    department = models.OneToOneField(
        "places.Department", on_delete=models.CASCADE, related_name="ticket_limit"
    )
    respond_amount = models.PositiveSmallIntegerField(_("报到时限"), default=2)
    respond_unit = models.CharField(_("单位"), max_length=16, choices=LIMIT_UNITS, default="working_hours")

    class Meta:
        verbose_name = _("部门报到时限")
        verbose_name_plural = _("部门报到时限")

    def __str__(self) -> str:
        return f"{self.department} {self.respond_amount}{self.respond_unit}"


class TicketPolicy(models.Model):
    """工单办理设置: a district's rules for its ticket loop, which its district admin sets. No row is the
    default (every rule on).

    ``separate_duties`` (办理与核查、回访分离): whoever reported or handled a ticket does not verify it, and
    whoever handled it does not call back about it (``core.duties``). A district with too few staff for
    that (a village where one grid worker does everything) may switch it off; the change is audited."""

    district_code = models.CharField(_("区县代码"), max_length=6, unique=True)
    separate_duties = models.BooleanField(_("办理与核查、回访分离"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工单办理设置")
        verbose_name_plural = _("工单办理设置")

    def __str__(self) -> str:
        return self.district_code


class Patrol(PlacedModel):
    """A grid worker's patrol (巡查): check-ins with location; tickets reported on the way link to it."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols")
    grid = models.ForeignKey("places.Grid", on_delete=models.PROTECT, related_name="patrols")
    status = models.CharField(
        _("状态"), max_length=8, choices=PatrolStatus.choices, default=PatrolStatus.ACTIVE
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    day = models.DateField(_("日期"), db_index=True)  # local date of the start
    note = models.CharField(_("巡查小结"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        indexes = [models.Index(fields=["grid_code", "day"], name="patrol_grid_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=models.Q(status="active"), name="patrol_one_active_per_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid} {self.day}"


class PatrolCheckIn(models.Model):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="checkins")
    at = models.DateTimeField(default=timezone.now)
    lng = models.FloatField()
    lat = models.FloatField()
    grid_code = models.CharField(max_length=15, blank=True)  # where the point lies (may be outside the grid)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("巡查打卡")
        verbose_name_plural = _("巡查打卡")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.at:%H:%M}"


class StatCounters(models.Model):
    """The counters the rollups share (``DailyStat`` per day, ``MonthlyStat`` per month); their names are
    ``STAT_FIELDS``."""

    reported = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    escalated = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)  # first handling of a ticket
    handling_seconds = models.BigIntegerField(default=0)  # dispatch → first handling, summed
    # 应办结数: tickets settled against their deadline on this day — first handled, or found overdue
    # unhandled by the supervision sweep (each ticket once). on_time: of those, handled by the deadline.
    due = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    verifications = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    callbacks = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)  # satisfied or fairly satisfied
    # Counted on the day the ticket was REPORTED (a cohort): of the tickets reported that day, how many closed.
    closed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyStat(StatCounters):
    """Counts per local day, grid and (lead) department, kept up to date by the services in the same
    transaction as the move: the indicators sum these rows instead of scanning tickets.
    Rebuildable from the records (``tickets_rollup --rebuild``)."""

    day = models.DateField()
    district_code = models.CharField(max_length=6)
    subdistrict_code = models.CharField(max_length=12, blank=True)
    community_code = models.CharField(max_length=12, blank=True)
    grid_code = models.CharField(max_length=15, blank=True)
    department_id = models.BigIntegerField(default=0)  # 0: no department

    class Meta:
        verbose_name = _("工单日统计")
        verbose_name_plural = _("工单日统计")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "district_code",
                    "subdistrict_code",
                    "community_code",
                    "grid_code",
                    "department_id",
                ],
                name="daily_stat_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["district_code", "day"], name="stat_district_day_idx"),
            models.Index(fields=["subdistrict_code", "day"], name="stat_sub_day_idx"),
            models.Index(fields=["community_code", "day"], name="stat_comm_day_idx"),
            models.Index(fields=["department_id", "day"], name="stat_dept_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_code or self.community_code}"


class MonthlyStat(StatCounters):
    """The same counters per local month and community (no grid, no department), kept by the same upsert
    statement as ``DailyStat``: a city's year is 12 × 2,000 rows here instead of millions of daily rows.
    The indicators of a community and wider read whole months from here and the days at the period's
    edges from ``DailyStat`` (gongzhi/tickets/sums.py). Rebuildable from ``DailyStat``."""

    month = models.DateField()  # the first day of the month
    district_code = models.CharField(max_length=6)
    subdistrict_code = models.CharField(max_length=12, blank=True)
    community_code = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("工单月统计")
        verbose_name_plural = _("工单月统计")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "subdistrict_code", "community_code", "month"],
                name="monthly_stat_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["month"], name="mstat_month_idx"),
            models.Index(fields=["subdistrict_code", "month"], name="mstat_sub_month_idx"),
            models.Index(fields=["community_code", "month"], name="mstat_comm_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.community_code or self.district_code}"


class StatusCount(models.Model):
    """How many tickets reported in a local month in a community are in each status now: +1 to the new
    status and −1 to the old one on every move that changes it, in the move's statement. The console's and
    the overview's "tickets this year by status" read these rows instead of grouping the tickets table.
    Rebuildable from the tickets (``tickets_rollup --rebuild``)."""

    month = models.DateField()  # the first day of the month the ticket was reported in
    district_code = models.CharField(max_length=6)
    subdistrict_code = models.CharField(max_length=12, blank=True)
    community_code = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=20)
    tickets = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("工单状态月计数")
        verbose_name_plural = _("工单状态月计数")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "subdistrict_code", "community_code", "month", "status"],
                name="status_count_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["month"], name="scount_month_idx"),
            models.Index(fields=["subdistrict_code", "month"], name="scount_sub_month_idx"),
            models.Index(fields=["community_code", "month"], name="scount_comm_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.community_code or self.district_code} {self.status}: {self.tickets}"


STAT_FIELDS = [
    "reported",
    "accepted",
    "declined",
    "merged",
    "dispatched",
    "returned",
    "escalated",
    "handled",
    "handling_seconds",
    "due",
    "on_time",
    "verifications",
    "reworked",
    "callbacks",
    "satisfied",
    "closed",
]


class HotlineImport(models.Model):
    """One upload of a 12345 hotline export. Good rows become tickets (one transaction each), rows whose
    工单编号 is already imported are skipped, bad rows come back in an error report; the operator fixes
    them and uploads again, which the idempotency on 工单编号 makes safe.

    Row values in ``error_rows`` are kept as in the file except the phone, which is masked."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_imports",
    )
    created_at = models.DateTimeField(_("导入时间"), default=timezone.now, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, db_index=True)
    finished = models.BooleanField(_("已完成"), default=False)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新建工单"), default=0)
    skipped = models.PositiveIntegerField(_("已存在（跳过）"), default=0)
    unplaced = models.PositiveIntegerField(_("未匹配网格"), default=0)
    error_count = models.PositiveIntegerField(_("错误行数"), default=0)
    # [{"row": 5, "column": "来电时间", "message": "…"}, …]
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # {"5": ["GD001", "2026-11-20 09:00", …]}: the original values of rows with errors (phone masked).
    error_rows = models.JSONField(_("出错行原始内容"), default=dict, blank=True)
    # [{"row": 3, "external_id": "GD001", "ticket_id": 12}, …]: rows skipped as already imported.
    skipped_rows = models.JSONField(_("跳过的行"), default=list, blank=True)
    # The importer's place codes when uploading; the place columns are the smallest place containing
    # them, so the record is scoped like the tickets it made.
    scope_codes = models.JSONField(_("导入人管辖范围"), default=list, blank=True)
    district_code = models.CharField(_("区县代码"), max_length=6, blank=True, db_index=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, blank=True)
    community_code = models.CharField(_("社区代码"), max_length=12, blank=True)
    grid_code = models.CharField(_("网格编码"), max_length=15, blank=True)
    # The background job that runs this import: a job run again after its worker died finds the record
    # and resumes it (rows already made into tickets by it are counted as made, never made twice).
    job = models.OneToOneField(
        "jobs.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_import",
    )

    class Meta:
        verbose_name = _("12345热线导入记录")
        verbose_name_plural = _("12345热线导入记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（新建{self.created}，跳过{self.skipped}，错误{self.error_count}）"
