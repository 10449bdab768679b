"""Console page of a property matter (四步议事): where it stands in the four steps, the engine's timeline,
and the steps themselves — each one a call of the deliberation engine's services (``councils``) on the
matter's topic: accept or decline, record the 主题党日, open the 阳光议事 consultation, hold the joint
meeting (attendance, votes, resolution, minutes), publish the notice, carry out, complete, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.councils import services as engine
from gongzhi.councils.enums import VoteChoice
from gongzhi.councils.models import Topic
from gongzhi.property.forms import (
    ConsultForm,
    DecideForm,
    JointMeetingForm,
    MinutesForm,
    PartyDayForm,
    ResultForm,
)
from gongzhi.property.selectors.estates import estate_profiles
from gongzhi.property.selectors.matters import MatterView, matter_get_for_actor
from gongzhi.property.services.matters import party_day_location


def _view(actor: Any, matter_id: int) -> MatterView:
    try:
        return matter_get_for_actor(actor=actor, matter_id=matter_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _members(view: MatterView) -> list[Any]:
    from gongzhi.councils.models import CouncilMember

    if view.topic is None:
        return []
    return list(
        CouncilMember.objects.filter(council_id=view.topic.council_id, active=True).order_by("category", "id")
    )


def _pending_item(view: MatterView) -> Any:
    from gongzhi.councils.enums import Decision
    from gongzhi.councils.models import AgendaItem

    if view.topic is None:
        return None
    return (
        AgendaItem.objects.filter(
            topic_id=view.topic.pk, decision=Decision.PENDING, meeting__status="planned"
        )
        .select_related("meeting")
        .order_by("-id")
        .first()
    )


@console_login_required
@require_GET
def matter_detail(request: HttpRequest, matter_id: int) -> HttpResponse:
    actor = actor_of(request)
    view = _view(actor, matter_id)
    profile = estate_profiles([view.matter.estate], captains=False)[view.matter.estate_id]
    item = _pending_item(view)
    start = (timezone.localtime() + dt.timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    return render(
        request,
        "property/console/matter.html",
        {
            "v": view,
            "branch": profile.branch,
            "members": _members(view),
            "item": item,
            "vote_choices": VoteChoice.choices,
            "can_run": view.topic is not None and allowed(actor, "councils.manage_council", view.topic),
            "default_closes": timezone.localdate() + dt.timedelta(days=7),
            "default_start": start.strftime("%Y-%m-%dT%H:%M"),
            "default_end": (start + dt.timedelta(hours=1, minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "today": timezone.localdate(),
        },
    )


def _step(
    request: HttpRequest, matter_id: int, done: str, call: Callable[[Any, MatterView, Topic], Any]
) -> HttpResponse:
    actor = actor_of(request)
    view = _view(actor, matter_id)
    if view.topic is None:
        raise Http404("该事项尚未提交联席会议")
    try:
        call(actor, view, view.topic)
        messages.success(request, done)
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("property:matter", matter_id=matter_id)


@console_login_required
@require_POST
def matter_accept(request: HttpRequest, matter_id: int) -> HttpResponse:
    return _step(
        request,
        matter_id,
        gettext("已列入联席会议议程"),
        lambda a, v, t: engine.topic_accept(actor=a, topic_id=t.pk),
    )


@console_login_required
@require_POST
def matter_decline(request: HttpRequest, matter_id: int) -> HttpResponse:
    reason = ReasonForm(request.POST).text("reason")
    return _step(
        request,
        matter_id,
        gettext("已不予受理"),
        lambda a, v, t: engine.topic_decline(actor=a, topic_id=t.pk, reason=reason),
    )


@console_login_required
@require_POST
def matter_party_day(request: HttpRequest, matter_id: int) -> HttpResponse:
    f = PartyDayForm(request.POST)

    def call(actor: Any, v: MatterView, t: Topic) -> Any:
        profile = estate_profiles([v.matter.estate], captains=False)[v.matter.estate_id]
        branch = profile.branch.branch.name if profile.branch else "同心桥党支部"
        held = f.text("held_on")
        return engine.topic_field_visit_record(
            actor=actor,
            topic_id=t.pk,
            visited_on=dt.date.fromisoformat(held) if held else timezone.localdate(),
            location=party_day_location(branch, f.text("place") or "小区"),
            findings=f.text("findings"),
            participants=f.text("participants"),
        )

    try:
        return _step(request, matter_id, gettext("已记录主题党日"), call)
    except ValueError:
        messages.error(request, gettext("日期格式应为 2026-01-31"))
        return redirect("property:matter", matter_id=matter_id)


@console_login_required
@require_POST
def matter_consult(request: HttpRequest, matter_id: int) -> HttpResponse:
    closes = ConsultForm(request.POST).closes()
    return _step(
        request,
        matter_id,
        gettext("阳光议事已开始：居民可在手机上发表意见"),
        lambda a, v, t: engine.topic_consultation_open(actor=a, topic_id=t.pk, closes_on=closes),  # type: ignore[arg-type]
    )


@console_login_required
@require_POST
def matter_meeting(request: HttpRequest, matter_id: int) -> HttpResponse:
    f = JointMeetingForm(request.POST)
    starts, ends = f.times()

    def call(a: Any, v: MatterView, t: Topic) -> Any:
        if starts is None or ends is None:
            raise ValidationFailed(
                gettext("请填写会议开始和结束时间"), fields={"starts_at": gettext("请填写会议开始和结束时间")}
            )
        return engine.meeting_schedule(
            actor=a,
            council_id=t.council_id,
            data=engine.MeetingInput(
                title=f.text("title") or "红色物业联席会议",
                starts_at=starts,
                ends_at=ends,
                location=f.text("location"),
                host=f.text("host"),
                recorder=f.text("recorder"),
            ),
            topic_ids=[t.pk],
        )

    return _step(request, matter_id, gettext("已安排联席会议"), call)


@console_login_required
@require_POST
def matter_decide(request: HttpRequest, matter_id: int) -> HttpResponse:
    actor = actor_of(request)
    view = _view(actor, matter_id)
    item = _pending_item(view)
    if item is None:
        messages.error(request, gettext("没有待表决的联席会议议程"))
        return redirect("property:matter", matter_id=matter_id)
    f = DecideForm(request.POST, [m.pk for m in _members(view)])

    def call(a: Any, v: MatterView, t: Topic) -> Any:
        from gongzhi.councils.models import Attendance

        already = set(
            Attendance.objects.filter(meeting_id=item.meeting_id, checked_in_at__isnull=False).values_list(
                "member_id", flat=True
            )
        )
        for member_id in f.present_ids():
            if member_id not in already:
                engine.meeting_attendance_record(actor=a, meeting_id=item.meeting_id, member_id=member_id)
        due = f.text("due_on")
        return engine.meeting_topic_decide(
            actor=a,
            item_id=item.pk,
            votes=f.votes(),
            resolution=engine.ResolutionInput(
                content=f.text("content"),
                owner_name=f.text("owner_name"),
                due_on=dt.date.fromisoformat(due) if due else None,
            )
            if f.text("content")
            else None,
        )

    try:
        return _step(request, matter_id, gettext("已记录表决结果"), call)
    except ValueError:
        messages.error(request, gettext("完成时限格式应为 2026-01-31"))
        return redirect("property:matter", matter_id=matter_id)


@console_login_required
@require_POST
def matter_minutes(request: HttpRequest, matter_id: int) -> HttpResponse:
    minutes = MinutesForm(request.POST).text("minutes")

    def call(a: Any, v: MatterView, t: Topic) -> Any:
        meeting_id = v.resolution.meeting_id if v.resolution else (v.topic.meeting_id if v.topic else None)
        if meeting_id is None:
            raise NotFound(gettext("没有找到该事项的联席会议"))
        return engine.meeting_minutes_record(actor=a, meeting_id=meeting_id, minutes=minutes)

    return _step(request, matter_id, gettext("已记录会议纪要"), call)


def _resolution(v: MatterView) -> int:
    if v.resolution is None:
        raise NotFound(gettext("该事项还没有联席会议决议"))
    return v.resolution.pk


@console_login_required
@require_POST
def matter_notice(request: HttpRequest, matter_id: int) -> HttpResponse:
    return _step(
        request,
        matter_id,
        gettext("决议已公示"),
        lambda a, v, t: engine.resolution_notice_publish(actor=a, resolution_id=_resolution(v)),
    )


@console_login_required
@require_POST
def matter_implement(request: HttpRequest, matter_id: int) -> HttpResponse:
    owner = ResultForm(request.POST).text("owner_name")
    return _step(
        request,
        matter_id,
        gettext("已开始实施"),
        lambda a, v, t: engine.resolution_implementation_start(
            actor=a, resolution_id=_resolution(v), owner_name=owner
        ),
    )


@console_login_required
@require_POST
def matter_complete(request: HttpRequest, matter_id: int) -> HttpResponse:
    result = ResultForm(request.POST).text("result")
    return _step(
        request,
        matter_id,
        gettext("已办结"),
        lambda a, v, t: engine.resolution_complete(actor=a, resolution_id=_resolution(v), result=result),
    )


@console_login_required
@require_POST
def matter_publish(request: HttpRequest, matter_id: int) -> HttpResponse:
    return _step(
        request,
        matter_id,
        gettext("处理结果已向居民公开，接受评议"),
        lambda a, v, t: engine.resolution_result_publish(actor=a, resolution_id=_resolution(v)),
    )
