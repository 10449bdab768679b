"""Co-governance (协商议事): councils and their members, topics and the one deliberation engine, meetings
with their agenda, attendance and votes, resolutions with milestones, 党群提案 and 书记有约 sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel, TimeStampedModel
from gongzhi.councils.enums import (
    AppointmentStatus,
    CallbackResult,
    CheckInMethod,
    CouncilKind,
    CouncilPattern,
    Decision,
    DemandStatus,
    DemandType,
    MeetingStatus,
    MemberCategory,
    ProposalStatus,
    ResidentOpinion,
    SecretaryKind,
    Stance,
    TopicSource,
    TopicStatus,
    TopicStep,
    VoteChoice,
)

_USER = settings.AUTH_USER_MODEL


class Council(PlacedModel):
    """议事会: a community's (or an estate's, or a village's) council, or an estate's joint meeting (联席会议)
    of the property app; its members by category and the pattern it follows."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="councils"
    )
    estate = models.ForeignKey(
        "places.Estate",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=16, choices=CouncilKind.choices, default=CouncilKind.COMMUNITY
    )
    pattern = models.CharField(
        _("议事模式"), max_length=8, choices=CouncilPattern.choices, default=CouncilPattern.SIX_PLUS_X
    )
    description = models.TextField(_("议事规则"), blank=True)
    term_start = models.DateField(_("任期开始"), null=True, blank=True)
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True, db_index=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ("community_code", "id")

    def __str__(self) -> str:
        return self.name


class CouncilMember(TimeStampedModel):
    """A seat on a council: a person by category (社区党委, 居民代表, 业委会, 物业 …), with an account when
    they sign in (QR check-in, their own vote)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    category = models.CharField(_("成员类别"), max_length=20, choices=MemberCategory.choices)
    name = models.CharField(_("姓名"), max_length=50)
    organization = models.CharField(_("单位/身份"), max_length=100, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    user = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_encrypted = models.TextField(blank=True)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("议事会成员")
        ordering = ("council_id", "category", "id")

    def __str__(self) -> str:
        return self.name


class Topic(PlacedModel):
    """议题: one matter for a council, from any source, moved through the steps of deliberation."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("议题"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    source_kind = models.CharField(_("来源"), max_length=16, choices=TopicSource.choices, db_index=True)
    source_id = models.BigIntegerField(_("来源编号"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TopicStatus.choices, default=TopicStatus.PROPOSED, db_index=True
    )
    major = models.BooleanField(_("重大事项"), default=False)  # a third-party review before the meeting
    proposed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposer_label = models.CharField(_("提出人"), max_length=50, blank=True)  # masked for a resident
    decline_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    consultation_opens_on = models.DateField(_("征求意见开始"), null=True, blank=True)
    consultation_closes_on = models.DateField(_("征求意见截止"), null=True, blank=True)
    opinions_support = models.PositiveIntegerField(_("赞成"), default=0)
    opinions_oppose = models.PositiveIntegerField(_("反对"), default=0)
    opinions_neutral = models.PositiveIntegerField(_("其他意见"), default=0)
    review_by = models.CharField(_("第三方评估机构"), max_length=100, blank=True)
    review_opinion = models.TextField(_("第三方评估意见"), blank=True)
    reviewed_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    meeting = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("会议")
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        indexes = [
            models.Index(fields=["community_code", "status"], name="topic_community_status"),
            models.Index(fields=["source_kind", "source_id"], name="topic_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def opinions_total(self) -> int:
        return self.opinions_support + self.opinions_oppose + self.opinions_neutral


class TopicEvent(TimeStampedModel):
    """A step of a topic's deliberation: who, when, what."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("步骤"), max_length=24, choices=TopicStep.choices)
    actor = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("办理人"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("议题进程")
        ordering = ("at", "id")


class FieldVisit(TimeStampedModel):
    """实地调研: who went where and what they found."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("调研日期"))
    location = models.CharField(_("调研地点"), max_length=100)
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    findings = models.TextField(_("调研情况"))
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("实地调研")
        ordering = ("visited_on", "id")


class Opinion(TimeStampedModel):
    """A resident's opinion in a topic's consultation: one per resident."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="opinions")
    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(_("态度"), max_length=8, choices=Stance.choices)
    text = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("居民意见")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="opinion_once_per_resident")]


class Meeting(PlacedModel):
    """议事会议 / 联席会议: an agenda of topics, invitations, attendance, minutes, decisions."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("会议名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    location = models.CharField(_("地点"), max_length=100)
    # held at a service venue of the venues register (booked for the meeting's hours), where it is one
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("服务阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    qr_token = models.CharField(_("签到码"), max_length=32, unique=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    held_at = models.DateTimeField(_("召开时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    attended_count = models.PositiveIntegerField(_("出席人数"), default=0)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ("-starts_at", "id")

    def __str__(self) -> str:
        return self.title


class AgendaItem(TimeStampedModel):
    """A topic on a meeting's agenda, with the decision and the tally of the members' votes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    decision = models.CharField(
        _("表决结果"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    votes_for = models.PositiveSmallIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), default=0)
    decided_at = models.DateTimeField(_("表决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议程")
        ordering = ("meeting_id", "position", "id")
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], name="agenda_topic_once")]


class Attendance(TimeStampedModel):
    """An invitation to a meeting and, once they come, the attendance (QR or by hand)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="attendance")
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    method = models.CharField(_("签到方式"), max_length=8, choices=CheckInMethod.choices, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("参会")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]


class Vote(TimeStampedModel):
    """A member's vote on an agenda item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("表决"), max_length=8, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("表决票")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="vote_once_per_member")]


class Resolution(PlacedModel):
    """决议: what a meeting adopted on a topic; its owner, milestones, progress and what residents think."""

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="resolution")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    number = models.CharField(_("决议编号"), max_length=40, unique=True)
    content = models.TextField(_("决议内容"))
    owner_name = models.CharField(_("责任人/责任单位"), max_length=100, blank=True)
    owner = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    notice_published_at = models.DateTimeField(_("公示时间"), null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("实施结果"), blank=True)
    result_published_at = models.DateTimeField(_("结果公开时间"), null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("评价人数"), default=0)
    rating_sum = models.PositiveIntegerField(_("评分合计"), default=0)
    ticket_ids = models.JSONField(_("关联工单"), default=list, blank=True)
    project_ids = models.JSONField(_("关联项目"), default=list, blank=True)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")

    def __str__(self) -> str:
        return self.number

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class ResolutionMilestone(TimeStampedModel):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划完成"), db_index=True)
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("实施节点")
        ordering = ("due_on", "id")

    def __str__(self) -> str:
        return self.title


class ResolutionVolunteer(TimeStampedModel):
    """决议落实志愿者: a resident who helped carry a resolution out, once per resolution; the points they earn
    come from here (``points/sources.py``, a rule of source ``resolution``)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="volunteers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    community_code = models.CharField(max_length=12, db_index=True)
    served_on = models.DateField(_("服务日期"))
    note = models.CharField(_("做了什么"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("决议落实志愿者")
        verbose_name_plural = _("决议落实志愿者")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "person"], name="councils_resolution_volunteer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resolution_id}:{self.person_id}"


class Rating(TimeStampedModel):
    """A resident's evaluation of a published result: one per resident."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("居民评价")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "user"], name="rating_once_per_resident")
        ]


class PartyProposal(PlacedModel):
    """党群提案: a grid branch's proposal to the community party committee, answered or made a topic."""

    branch = models.ForeignKey(
        "party.PartyOrganization", verbose_name=_("提出支部"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("提案标题"), max_length=100)
    content = models.TextField(_("提案内容"))
    proposers = models.CharField(_("提案人"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.OneToOneField(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.TextField(_("答复"), blank=True)
    handled_at = models.DateTimeField(_("办理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("党群提案")
        verbose_name_plural = _("党群提案")

    def __str__(self) -> str:
        return self.title


class AppointmentPlace(PlacedModel):
    """书记有约的点位: where a booth stands (a pavilion, a square)."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("点位名称"), max_length=100)
    address = models.CharField(_("位置"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("书记有约点位")
        ordering = ("community_code", "id")

    def __str__(self) -> str:
        return self.name


class AppointmentSession(PlacedModel):
    """One session day at a place: the duty secretary on the monthly schedule, then the record."""

    place = models.ForeignKey(AppointmentPlace, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(_("接待日期"), db_index=True)
    secretary_name = models.CharField(_("当值书记"), max_length=50)
    secretary_kind = models.CharField(_("书记类型"), max_length=12, choices=SecretaryKind.choices)
    secretary = models.ForeignKey(
        _USER, verbose_name=_("书记账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )
    visitors = models.PositiveIntegerField(_("接待人数"), default=0)
    activities = models.CharField(_("同步活动"), max_length=300, blank=True)  # policy talks, free clinics …
    notes = models.TextField(_("接待记录"), blank=True)
    held_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("书记有约场次")
        ordering = ("date", "id")
        constraints = [models.UniqueConstraint(fields=["place", "date"], name="appointment_place_day_once")]

    def __str__(self) -> str:
        return f"书记有约 {self.date:%Y-%m-%d} {self.secretary_name}"


class AppointmentDemand(PlacedModel):
    """A resident's demand at a booth: a ticket (the duty secretary first responder) or a council topic."""

    session = models.ForeignKey(AppointmentSession, on_delete=models.PROTECT, related_name="demands")
    demand_type = models.CharField(_("诉求类型"), max_length=16, choices=DemandType.choices, db_index=True)
    description = models.TextField(_("诉求内容"))
    resident_name = models.CharField(_("居民"), max_length=50)  # masked (张*)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_encrypted = models.TextField(blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    ticket_id = models.BigIntegerField(_("工单"), null=True, blank=True, db_index=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.CharField(_("答复"), max_length=500, blank=True)
    solved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("书记有约诉求")
        ordering = ("session_id", "id")


class DemandCallback(TimeStampedModel):
    """The callback at a later session day: progress told, contact result, the resident's opinion."""

    demand = models.ForeignKey(AppointmentDemand, on_delete=models.CASCADE, related_name="callbacks")
    session = models.ForeignKey(AppointmentSession, on_delete=models.PROTECT, related_name="callbacks")
    result = models.CharField(_("联系结果"), max_length=12, choices=CallbackResult.choices)
    opinion = models.CharField(_("居民意见"), max_length=12, choices=ResidentOpinion.choices, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("回访记录")
        constraints = [
            models.UniqueConstraint(fields=["demand", "session"], name="callback_once_per_session")
        ]
