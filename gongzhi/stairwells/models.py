"""文明楼道: the stairwell register (a building's entrance), its captains (楼道长 elected by the
households, 红色楼长 claimed by a party member living there), the captain elections with one vote per
household, the checklist inspections with photos, and the naming standing (``naming.py``) cached on the
stairwell."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.stairwells.enums import CaptainKind, ElectionStatus, InspectorRole, NamingStatus, Title


class Stairwell(PlacedModel):
    """One entrance (单元) of a building: the households whose ``building`` and ``entrance`` match live on
    it. ``status`` … ``next_due_on`` are the naming standing, kept by the inspection service."""

    building = models.ForeignKey(
        "places.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="stairwells"
    )
    entrance = models.CharField(_("单元"), max_length=10)
    label = models.CharField(_("楼道"), max_length=160)
    title = models.CharField(_("创建称号"), max_length=12, choices=Title.choices, default=Title.CIVILISED)
    pact_on_file = models.BooleanField(_("楼道公约已上墙"), default=False)
    status = models.CharField(
        _("命名状态"), max_length=10, choices=NamingStatus.choices, default=NamingStatus.NONE, db_index=True
    )
    passes_in_row = models.PositiveSmallIntegerField(_("连续合格"), default=0)
    fails_in_row = models.PositiveSmallIntegerField(_("连续不合格"), default=0)
    last_inspected_on = models.DateField(_("最近检查"), null=True, blank=True)
    last_passed = models.BooleanField(_("最近一次合格"), null=True, blank=True)
    named_on = models.DateField(_("命名日期"), null=True, blank=True)
    revoked_on = models.DateField(_("摘牌日期"), null=True, blank=True)
    next_due_on = models.DateField(_("下次复查截止"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("楼道")
        verbose_name_plural = _("楼道")
        constraints = [
            models.UniqueConstraint(fields=["building", "entrance"], name="stairwell_unique_entrance")
        ]
        indexes = [models.Index(fields=["community_code", "status"], name="stairwell_community_status")]

    def __str__(self) -> str:
        return self.label


class CaptainElection(PlacedModel):
    """An election of the stairwell captain: candidates living there, one vote per household."""

    stairwell = models.ForeignKey(Stairwell, on_delete=models.PROTECT, related_name="elections")
    opened_on = models.DateField(_("投票开始"))
    status = models.CharField(
        _("状态"), max_length=8, choices=ElectionStatus.choices, default=ElectionStatus.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    households = models.PositiveSmallIntegerField(_("应投户数"), default=0)
    result_note = models.CharField(_("计票结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("楼道长选举")
        verbose_name_plural = _("楼道长选举")
        constraints = [
            models.UniqueConstraint(
                fields=["stairwell"], condition=models.Q(status="open"), name="stairwell_one_open_election"
            )
        ]


class ElectionCandidate(models.Model):
    election = models.ForeignKey(CaptainElection, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("候选人"), max_length=50)
    votes = models.PositiveSmallIntegerField(_("得票"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="stairwell_candidate_once")
        ]

    def __str__(self) -> str:
        return str(self.name)


class ElectionVote(models.Model):
    """One household's vote (cast on the phone by the household's account, or entered from a paper
    ballot by staff): the unique constraint is the one-vote-per-household rule."""

    election = models.ForeignKey(CaptainElection, on_delete=models.CASCADE, related_name="votes")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(ElectionCandidate, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    paper = models.BooleanField(_("纸质选票"), default=False)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "household"], name="stairwell_one_vote_per_household")
        ]

    def __str__(self) -> str:
        return str(f"{self.election_id}:{self.household_id}")


class Captain(PlacedModel):
    """A post on a stairwell: the captain (elected) or the red captain (a party member living there)."""

    stairwell = models.ForeignKey(Stairwell, on_delete=models.PROTECT, related_name="captains")
    kind = models.CharField(_("岗位"), max_length=12, choices=CaptainKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_member = models.ForeignKey(
        "party.PartyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    election = models.ForeignKey(
        CaptainElection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("卸任日期"), null=True, blank=True)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("楼道长")
        verbose_name_plural = _("楼道长")
        constraints = [
            models.UniqueConstraint(
                fields=["stairwell", "kind"],
                condition=models.Q(active=True),
                name="stairwell_one_active_post",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="red_captain") | models.Q(party_member__isnull=False),
                name="stairwell_red_captain_is_member",
            ),
        ]


class StairwellInspection(PlacedModel):
    """A checklist inspection on the phone: each item passed or not, photos, and the standing after it."""

    stairwell = models.ForeignKey(Stairwell, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspector_name = models.CharField(_("检查人"), max_length=50, blank=True)
    inspector_role = models.CharField(_("检查人身份"), max_length=8, choices=InspectorRole.choices)
    results = models.JSONField(_("检查结果"))
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("整改意见"), max_length=500, blank=True)
    status_after = models.CharField(_("检查后状态"), max_length=10, choices=NamingStatus.choices)

    class Meta:
        verbose_name = _("楼道检查")
        verbose_name_plural = _("楼道检查")
        indexes = [models.Index(fields=["stairwell", "inspected_on"], name="stairwell_inspection_day")]


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(StairwellInspection, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.file
