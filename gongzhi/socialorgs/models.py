"""社会组织: the registry (a profile on the volunteers app's ``SocialOrganization`` row, which volunteer
teams already point at), incubation (孵化) with milestones, yearly plans, funded projects (公益创投) with
their reviews and deliveries, the yearly project contest (项目大赛) with judges and scoring sheets, and the
social workers (持证社工, 和谐使者) with their certificates.

Money is yuan in ``Decimal`` (two places); nothing is ever a float.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.socialorgs.enums import (
    ContestStatus,
    FundedProjectStatus,
    IncubationStatus,
    LegalStatus,
    OrganizationKind,
    WorkerKind,
)


class OrganizationProfile(PlacedModel):
    """The registry's record of a social organisation: its type, legal status (登记 or 备案), filing
    number, field, party organisation or party-building instructor, leader and contact (phone encrypted,
    shown masked). One per ``volunteers.SocialOrganization``; the USCC stays on that row."""

    organization = models.OneToOneField(
        "volunteers.SocialOrganization",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="profile",
    )
    kind = models.CharField(_("组织类型"), max_length=24, choices=OrganizationKind.choices, db_index=True)
    legal_status = models.CharField(_("登记情况"), max_length=12, choices=LegalStatus.choices)
    filing_number = models.CharField(_("登记/备案编号"), max_length=40, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    field = models.CharField(_("服务领域"), max_length=20)
    members_count = models.PositiveIntegerField(_("成员人数"), default=0)
    leader_name = models.CharField(_("负责人"), max_length=50, blank=True)
    party_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    party_instructor = models.CharField(_("党建指导员"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_encrypted = models.TextField(blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("社会组织档案")
        verbose_name_plural = _("社会组织档案")
        constraints = [
            models.UniqueConstraint(
                fields=["filing_number"],
                condition=~models.Q(filing_number=""),
                name="socialorg_filing_unique",
            ),
            # a party-building instructor stands in where the organisation has no party organisation
            models.CheckConstraint(
                condition=models.Q(party_organization__isnull=False) | ~models.Q(party_instructor=""),
                name="socialorg_party_guided",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Incubation(PlacedModel):
    """孵化: an organisation's stay on the incubation platform, from entry to graduation (出壳) or exit."""

    organization = models.ForeignKey(
        "volunteers.SocialOrganization",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="incubations",
    )
    cohort = models.CharField(_("孵化批次"), max_length=40)
    entered_on = models.DateField(_("入驻日期"))
    mentor_name = models.CharField(_("导师"), max_length=50)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=IncubationStatus.choices,
        default=IncubationStatus.INCUBATING,
        db_index=True,
    )
    ended_on = models.DateField(_("出壳/退出日期"), null=True, blank=True)
    end_note = models.CharField(_("出壳评估/退出原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("孵化")
        verbose_name_plural = _("孵化")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status="incubating"),
                name="socialorg_one_incubation",
            )
        ]


class IncubationMilestone(models.Model):
    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return str(self.title)


class YearlyPlan(PlacedModel):
    """An organisation's yearly development plan (年度发展计划)."""

    organization = models.ForeignKey(
        "volunteers.SocialOrganization", on_delete=models.PROTECT, related_name="yearly_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    goals = models.TextField(_("发展目标"))
    planned_projects = models.PositiveSmallIntegerField(_("计划项目数"), default=0)
    planned_person_times = models.PositiveIntegerField(_("计划服务人次"), default=0)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="socialorg_plan_year")]


class FundedProject(PlacedModel):
    """公益创投: an organisation's project applied for, reviewed with scores, approved with a grant, delivered
    (activities and person-times) and closed with a report. Once approved it offers its service as a
    resource of the three lists (``resource``)."""

    organization = models.ForeignKey(
        "volunteers.SocialOrganization",
        verbose_name=_("申报组织"),
        on_delete=models.PROTECT,
        related_name="funded_projects",
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("项目名称"), max_length=100)
    summary = models.TextField(_("项目内容"))
    category = models.CharField(_("服务类别"), max_length=24)
    beneficiaries = models.CharField(_("服务对象"), max_length=100)
    requested_yuan = models.DecimalField(_("申请资金（元）"), max_digits=12, decimal_places=2)
    granted_yuan = models.DecimalField(
        _("资助资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=FundedProjectStatus.choices,
        default=FundedProjectStatus.APPLIED,
        db_index=True,
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("立项时间"), null=True, blank=True)
    decision_note = models.CharField(_("立项意见"), max_length=500, blank=True)
    person_times = models.PositiveIntegerField(_("服务人次"), default=0)
    closing_report = models.TextField(_("结项报告"), blank=True)
    closing_score = models.PositiveSmallIntegerField(_("结项评分"), null=True, blank=True)
    grade = models.CharField(_("结项等级"), max_length=1, blank=True)
    closed_at = models.DateTimeField(_("结项时间"), null=True, blank=True)
    resource = models.ForeignKey(
        "cobuild.Resource",
        verbose_name=_("资源清单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公益创投项目")
        verbose_name_plural = _("公益创投项目")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_yuan__gt=0), name="funded_requested_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(granted_yuan__isnull=True)
                | models.Q(granted_yuan__gt=0, granted_yuan__lte=models.F("requested_yuan")),
                name="funded_granted_within_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectReview(models.Model):
    """A reviewer's score (0–100) of an application (项目评审)."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评审意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "reviewer"], name="funded_review_once"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="funded_review_score"),
        ]

    def __str__(self) -> str:
        return str(f"{self.project_id}:{self.score}")


class ProjectDelivery(models.Model):
    """One delivery of a funded project: an activity held and the person-times (人次) it served."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("服务日期"))
    title = models.CharField(_("服务内容"), max_length=100)
    person_times = models.PositiveIntegerField(_("服务人次"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "id"]

    def __str__(self) -> str:
        return str(self.title)


class Contest(PlacedModel):
    """项目大赛: the subdistrict's yearly contest of best service projects. ``criteria`` is the scoring
    sheet: ``[{"key", "label", "max"}]``; ``winners`` how many of the ranking win."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("大赛名称"), max_length=100)
    criteria = models.JSONField(_("评分标准"))
    winners = models.PositiveSmallIntegerField(_("获奖名额"), default=10)
    status = models.CharField(
        _("状态"), max_length=12, choices=ContestStatus.choices, default=ContestStatus.OPEN, db_index=True
    )
    finished_at = models.DateTimeField(_("揭晓时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目大赛")
        verbose_name_plural = _("项目大赛")
        constraints = [
            models.UniqueConstraint(fields=["subdistrict_code", "year"], name="socialorg_contest_year")
        ]

    def __str__(self) -> str:
        return self.title


class ContestJudge(models.Model):
    """A judge of a contest: an account, and the organisation they belong to (if any), whose entries they
    never score."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("评委"), max_length=50)
    organization = models.ForeignKey(
        "volunteers.SocialOrganization",
        verbose_name=_("所在组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="socialorg_judge_once")]

    def __str__(self) -> str:
        return str(self.name)


class ContestEntry(PlacedModel):
    """An entry of the contest: an organisation's service project; its rank, winner and brand marks are
    set when the contest is finished (``ranking.py``)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(
        "volunteers.SocialOrganization", on_delete=models.PROTECT, related_name="contest_entries"
    )
    funded_project = models.ForeignKey(
        FundedProject, null=True, blank=True, on_delete=models.SET_NULL, related_name="contest_entries"
    )
    title = models.CharField(_("参赛项目"), max_length=100)
    average = models.DecimalField(_("平均分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    winner = models.BooleanField(_("获奖"), default=False)
    brand = models.BooleanField(_("品牌项目"), default=False)

    class Meta:
        verbose_name = _("参赛项目")
        verbose_name_plural = _("参赛项目")
        constraints = [models.UniqueConstraint(fields=["contest", "title"], name="socialorg_entry_title")]


class ScoreSheet(models.Model):
    """One judge's scoring sheet of one entry: points per criterion and their total."""

    entry = models.ForeignKey(ContestEntry, on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(ContestJudge, on_delete=models.PROTECT, related_name="sheets")
    scores = models.JSONField(_("分项得分"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="socialorg_sheet_once")]

    def __str__(self) -> str:
        return str(f"{self.entry_id}:{self.total}")


class SocialWorker(PlacedModel):
    """A licensed social worker (持证社工) or harmony envoy (和谐使者) of a community, maybe working for an
    organisation, with their certificate (number, level, dates). Where the grid academy already holds the
    certificate (``training.Qualification`` of the same kind and number) the row points at it, so the two
    registers name one certificate once."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "volunteers.SocialOrganization",
        verbose_name=_("所在组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="social_workers",
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=24, choices=WorkerKind.choices, db_index=True)
    level = models.CharField(_("等级"), max_length=20)
    certificate_number = models.CharField(_("证书编号"), max_length=50)
    issued_on = models.DateField(_("取得日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    qualification = models.OneToOneField(
        "training.Qualification",
        verbose_name=_("网格学院证书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="social_worker",
    )
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("社会工作人才")
        verbose_name_plural = _("社会工作人才")
        constraints = [
            models.UniqueConstraint(fields=["kind", "certificate_number"], name="socialorg_worker_cert")
        ]

    def __str__(self) -> str:
        return self.name
