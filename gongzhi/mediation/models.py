"""People's mediation (人民调解): committees, rooms and mediators; cases with their applicants and
respondents, mediators and sessions; the visitor and legal-service registers; weekly screenings and
joint analyses; the warning rules and the warnings computed from tickets and cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel, TimeStampedModel
from gongzhi.mediation.enums import (
    CaseSource,
    CaseStatus,
    CommitteeLevel,
    DisputeKind,
    MediatorKind,
    MeetingLevel,
    Outcome,
    Satisfaction,
    Side,
    TransferKind,
    WarningKind,
    WarningStatus,
)

USER = settings.AUTH_USER_MODEL


class Committee(PlacedModel):
    """人民调解委员会 of a community (village) or subdistrict, or a professional mediation team."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称（编号用）"), max_length=20)
    level = models.CharField(_("层级"), max_length=16, choices=CommitteeLevel.choices)
    speciality = models.CharField(_("专业领域"), max_length=50, blank=True)
    chair = models.CharField(_("主任"), max_length=50, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("人民调解委员会")
        verbose_name_plural = _("人民调解委员会")
        constraints = [
            models.UniqueConstraint(fields=["district_code", "name"], name="mediation_committee_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Mediator(PlacedModel):
    """A member or hired mediator of a committee; ``in_pool``: listed in the public mediator pool."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="mediators")
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("身份"), max_length=16, choices=MediatorKind.choices)
    speciality = models.CharField(_("擅长领域"), max_length=100, blank=True)
    in_pool = models.BooleanField(_("进入公共调解员库"), default=True)
    legal_service = models.BooleanField(_("提供法律服务"), default=False)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")

    def __str__(self) -> str:
        return self.name


class Room(PlacedModel):
    """调解室: a named room (卜哥调解室) with its place, hours and the standards it meets (四有、四上墙)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=200)
    # The room as a service venue (服务阵地) of the venues register, where it is one.
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("服务阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hours = models.CharField(_("接待时间"), max_length=100)
    standards = models.JSONField(_("规范化建设"), default=list)

    class Meta:
        verbose_name = _("调解室")
        verbose_name_plural = _("调解室")

    def __str__(self) -> str:
        return self.name


class Case(PlacedModel):
    """纠纷案件: one dispute from intake to the end of its follow-up."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="cases")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("案号序号"))
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    kind = models.CharField(_("纠纷类型"), max_length=16, choices=DisputeKind.choices)
    title = models.CharField(_("纠纷概要"), max_length=100)
    facts = models.TextField(_("纠纷事实及争议焦点"), max_length=4000)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REGISTERED, db_index=True
    )
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True, default="")
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket_id = models.BigIntegerField(_("来源工单"), null=True, blank=True, db_index=True)
    registered_on = models.DateField(_("登记日期"), db_index=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    extended_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    # The agreement (调解协议书), numbered per committee and year.
    agreement_seq = models.PositiveIntegerField(_("协议序号"), null=True, blank=True)
    agreement_terms = models.TextField(_("协议内容"), blank=True, max_length=4000)
    performance = models.CharField(_("履行方式、时限"), max_length=300, blank=True)
    agreed_on = models.DateField(_("协议日期"), null=True, blank=True)
    ended_on = models.DateField(_("调解终结日期"), null=True, blank=True)
    end_note = models.CharField(_("终结说明"), max_length=500, blank=True)
    transfer_kind = models.CharField(_("移交类型"), max_length=16, choices=TransferKind.choices, blank=True)
    transfer_body = models.CharField(_("接收单位"), max_length=100, blank=True)
    # Reported up (重大疑难纠纷上报) and the subdistrict's reply.
    reported_up_on = models.DateField(_("上报日期"), null=True, blank=True)
    reported_up_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_reason = models.CharField(_("上报理由"), max_length=500, blank=True)
    reply_due = models.DateTimeField(_("批复期限"), null=True, blank=True)
    replied_on = models.DateField(_("批复日期"), null=True, blank=True)
    reply = models.CharField(_("街道批复意见"), max_length=500, blank=True)
    # Follow-up (履行回访) and callback (回访).
    kept = models.BooleanField(_("协议已履行"), null=True, blank=True)
    followed_up_on = models.DateField(_("履行回访日期"), null=True, blank=True)
    follow_note = models.CharField(_("履行情况"), max_length=500, blank=True)
    satisfaction = models.CharField(
        _("当事人满意度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("纠纷案件")
        verbose_name_plural = _("纠纷案件")
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "seq"], name="mediation_case_unique_seq"),
            models.UniqueConstraint(
                fields=["committee", "year", "agreement_seq"],
                condition=models.Q(agreement_seq__isnull=False),
                name="mediation_agreement_unique_seq",
            ),
        ]
        indexes = [models.Index(fields=["community_code", "status"], name="mediation_case_comm_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """卷宗号: （2026）银山人调字第3号."""
        return f"（{self.year}）{self.committee.short_name}人调字第{self.seq}号"

    @property
    def agreement_number(self) -> str:
        if not self.agreement_seq:
            return ""
        return f"{self.committee.short_name}调协〔{self.year}〕{self.agreement_seq}号"


class Disputant(TimeStampedModel):
    """An applicant (申请人) or respondent (被申请人) of a case; ID and phone protected like the register."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disputants")
    side = models.CharField(_("身份"), max_length=16, choices=Side.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=20, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")

    def __str__(self) -> str:
        return self.name


class CaseMediator(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediator_links")
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="+")
    presiding = models.BooleanField(_("主持调解员"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "mediator"], name="mediation_case_mediator")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.mediator_id}"


class MediationSession(TimeStampedModel):
    """调解记录: one sitting of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("地点"), max_length=100)
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("服务阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.CharField(_("参加人员"), max_length=300)
    record = models.TextField(_("调解经过"), max_length=4000)
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]


class Visit(PlacedModel):
    """接访登记簿: one visitor at a room and what they asked."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("接访日期"), db_index=True)
    visitor = models.CharField(_("来访人"), max_length=50)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    matter = models.CharField(_("反映事项"), max_length=500)
    handling = models.CharField(_("处理情况"), max_length=500)
    handler = models.CharField(_("接待人"), max_length=50)
    follow_up = models.CharField(_("后续跟进"), max_length=300, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["visited_on", "id"]


class Consultation(PlacedModel):
    """法律服务登记簿: one legal consultation."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="consultations")
    consulted_on = models.DateField(_("咨询日期"), db_index=True)
    visitor = models.CharField(_("咨询人"), max_length=50)
    question = models.CharField(_("咨询事项"), max_length=500)
    answer = models.CharField(_("解答意见"), max_length=1000)
    staff = models.CharField(_("法律服务人员"), max_length=50)
    follow_up = models.CharField(_("后续跟进"), max_length=300, blank=True)

    class Meta:
        ordering = ["consulted_on", "id"]


class Screening(PlacedModel):
    """每周集中排查: one grid's weekly screening, filled by its grid worker."""

    week_start = models.DateField(_("排查周（周一）"))
    disputes_found = models.PositiveIntegerField(_("排查出纠纷数"), default=0)
    findings = models.TextField(_("排查情况"), blank=True, max_length=2000)
    risks = models.CharField(_("风险隐患"), max_length=500, blank=True)
    warnings_reviewed = models.PositiveIntegerField(_("核查预警数"), default=0)
    filled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("周排查")
        ordering = ["-week_start", "grid_code"]
        constraints = [
            models.UniqueConstraint(fields=["grid_code", "week_start"], name="mediation_screening_week")
        ]


class Analysis(PlacedModel):
    """每半月会商研判: a joint analysis meeting of a community or subdistrict (会议记录簿)."""

    level = models.CharField(_("层级"), max_length=16, choices=MeetingLevel.choices)
    held_on = models.DateField(_("会议日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=100)
    attendees = models.CharField(_("参会人员"), max_length=300)
    cases_reviewed = models.TextField(_("研判事项"), max_length=2000)
    decisions = models.TextField(_("会商意见"), max_length=2000)
    assignments = models.CharField(_("责任分工"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("会商研判")
        ordering = ["held_on", "id"]


class WarningRule(TimeStampedModel):
    """A warning rule of a district and its thresholds, which the district admin edits."""

    district_code = models.CharField(_("区县代码"), max_length=6)
    kind = models.CharField(_("预警类型"), max_length=24, choices=WarningKind.choices)
    window_days = models.PositiveSmallIntegerField(_("统计天数"))
    threshold = models.PositiveSmallIntegerField(_("阈值"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district_code", "kind"], name="mediation_rule_unique_kind")
        ]


class DisputeWarning(PlacedModel):
    """预警: one computed signal of a week, with its evidence, handed to a person and closed."""

    kind = models.CharField(_("预警类型"), max_length=24, choices=WarningKind.choices)
    week_start = models.DateField(_("预警周"), db_index=True)
    key = models.CharField(max_length=40)
    subject = models.CharField(_("预警对象"), max_length=200)
    count = models.PositiveIntegerField(_("次数/户数"))
    evidence = models.JSONField(_("依据（工单编号）"), default=list)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.OPEN, db_index=True
    )
    handler = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("处置情况"), max_length=500, blank=True)
    closed_on = models.DateField(_("化解日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("矛盾纠纷预警")
        constraints = [
            models.UniqueConstraint(
                fields=["community_code", "week_start", "kind", "key"], name="mediation_warning_unique"
            )
        ]
