"""Console pages of the councils: the list (with overdue milestones), a council (members, topics, meetings,
a topic proposed, a meeting called), a topic (its timeline and every step of deliberation, the resolution
carried out), a meeting (agenda, QR and hand attendance, votes, minutes, PDFs), the resolutions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import int_or_none, pdf_response, refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.councils import documents, selectors
from gongzhi.councils.enums import (
    CouncilKind,
    CouncilPattern,
    MemberCategory,
    Stance,
    TopicSource,
    TopicStatus,
    VoteChoice,
)
from gongzhi.councils.forms import ActionForm, CouncilForm, MeetingForm, MemberForm, TopicForm
from gongzhi.councils.models import AgendaItem, Attendance, Opinion
from gongzhi.councils.services import councils as council_services
from gongzhi.councils.services import downloads, meetings, resolutions, topics
from gongzhi.councils.transitions import TOPIC
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.venues.selectors import venue_list_for_actor


def _guard(request: HttpRequest, call: Callable[[], Any], ok: str) -> Any:
    try:
        out = call()
    except ApplicationError as exc:
        refused(request, exc)
        return None
    messages.success(request, ok)
    return out


@console_login_required
@require_http_methods(["GET", "POST"])
def council_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "councils.view_council"):
        raise Http404("无权查看")
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = CouncilForm(request.POST)
        form = posted.values()
        try:
            council = council_services.council_create(
                actor=actor,
                community_id=int_or_none(posted.text("community_id")) or 0,
                estate_id=int_or_none(posted.text("estate_id")),
                data=posted.council_input(),
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                refused(request, exc)
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已设立“%(name)s”") % {"name": council.name})
            return redirect("councils:council_detail", council_id=council.pk)
    councils = list(selectors.council_list_for_actor(actor=actor).order_by("community_code", "id")[:300])
    communities = [
        c
        for c in community_list_for_actor(actor=actor, roles=COMMUNITY_MANAGERS)[:300]
        if allowed(actor, "councils.manage_council", c)
    ]
    return render(
        request,
        "councils/console/councils.html",
        {
            "councils": councils,
            "overdue": list(selectors.overdue_milestones(actor=actor)[:50]),
            "communities": communities,
            "kinds": CouncilKind.choices,
            "patterns": CouncilPattern.choices,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _council(actor: Any, council_id: int) -> Any:
    try:
        return selectors.council_get_for_actor(actor=actor, council_id=council_id)
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc


@console_login_required
@require_GET
def council_detail(request: HttpRequest, council_id: int) -> HttpResponse:
    actor = actor_of(request)
    council = _council(actor, council_id)
    topics_qs = (
        selectors.topic_list_for_actor(actor=actor)
        .filter(council=council)
        .order_by("-status_changed_at", "-id")
    )
    all_topics = list(topics_qs[:300])
    ready = [t for t in all_topics if TOPIC.can("schedule", t.status)]
    now = timezone.localtime()
    return render(
        request,
        "councils/console/council_detail.html",
        {
            "council": council,
            "members": list(selectors.council_members(council)),
            "topics": all_topics,
            "ready": ready,
            "meetings": list(
                selectors.council_meeting_list_for_actor(actor=actor).filter(council=council)[:50]
            ),
            "overdue": list(selectors.overdue_for_council(council)),
            "categories": MemberCategory.choices,
            "can_manage": allowed(actor, "councils.manage_council", council),
            "venues": list(
                venue_list_for_actor(actor=actor, community_code=council.community_code, limit=100)
            )
            if ready
            else [],
            "default_start": now.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M"),
        },
    )


@console_login_required
@require_POST
def member_create(request: HttpRequest, council_id: int) -> HttpResponse:
    actor = actor_of(request)
    council = _council(actor, council_id)
    form = MemberForm(request.POST)
    _guard(
        request,
        lambda: council_services.council_member_add(
            actor=actor, council_id=council.pk, data=form.member_input()
        ),
        gettext("已增加成员“%(name)s”") % {"name": form.text("name")},
    )
    return redirect("councils:council_detail", council_id=council.pk)


@console_login_required
@require_POST
def topic_create(request: HttpRequest, council_id: int) -> HttpResponse:
    actor = actor_of(request)
    council = _council(actor, council_id)
    form = TopicForm(request.POST)
    topic = _guard(
        request,
        lambda: topics.topic_propose(
            actor=actor,
            council_id=council.pk,
            data=form.topic_input(),
            source_kind=form.text("source_kind") or TopicSource.STAFF,
            source_id=int_or_none(form.text("source_id")),
        ),
        gettext("已提出议题“%(title)s”") % {"title": form.text("title")},
    )
    if topic is not None:
        return redirect("councils:topic_detail", topic_id=topic.pk)
    return redirect("councils:council_detail", council_id=council.pk)


@console_login_required
@require_POST
def meeting_create(request: HttpRequest, council_id: int) -> HttpResponse:
    actor = actor_of(request)
    council = _council(actor, council_id)
    form = MeetingForm(request.POST)
    meeting = _guard(
        request,
        lambda: meetings.meeting_schedule(
            actor=actor, council_id=council.pk, data=form.meeting_input(), topic_ids=form.topic_id_list()
        ),
        gettext("已安排“%(title)s”") % {"title": form.text("title")},
    )
    if meeting is not None:
        meetings.meeting_invite(actor=actor, meeting_id=meeting.pk)
        return redirect("councils:meeting_detail", meeting_id=meeting.pk)
    return redirect("councils:council_detail", council_id=council.pk)


@console_login_required
@require_GET
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        topic = selectors.topic_get_for_actor(actor=actor, topic_id=topic_id)
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc
    resolution = getattr(topic, "resolution", None)
    return render(
        request,
        "councils/console/topic_detail.html",
        {
            "topic": topic,
            "events": list(topic.events.all()),
            "visits": list(topic.visits.all()),
            "opinions": list(Opinion.objects.filter(topic=topic).order_by("-id")[:50]),
            "resolution": resolution,
            "volunteers": list(resolution.volunteers.select_related("person").order_by("served_on", "id"))
            if resolution
            else [],
            "milestones": list(resolution.milestones.all()) if resolution else [],
            "moves": TOPIC.allowed(topic.status),
            "can_manage": allowed(actor, "councils.manage_council", topic),
            "today": timezone.localdate(),
            "stances": Stance.choices,
        },
    )


def _resident(actor: Any, text: str, community_code: str) -> int:
    """The one resident of the community a name, pinyin or ID number names (the population search)."""
    from gongzhi.core.errors import field_error
    from gongzhi.people.selectors import person_list_for_actor

    text = (text or "").strip()
    if not text:
        raise field_error("person", gettext("请填写居民姓名或身份证号"))
    found = list(person_list_for_actor(actor=actor, q=text, community_code=community_code, limit=2))
    if not found:
        raise field_error("person", gettext("本社区人口登记中没有找到该居民"))
    if len(found) > 1:
        raise field_error("person", gettext("找到多位居民，请填写身份证号"))
    return int(found[0].pk)


def _topic_action(actor: Any, topic: Any, form: ActionForm) -> tuple[Callable[[], Any], str]:
    action = form.text("action")
    resolution = getattr(topic, "resolution", None)
    rid = resolution.pk if resolution else 0
    table: dict[str, tuple[Callable[[], Any], str]] = {
        "accept": (
            lambda: topics.topic_accept(actor=actor, topic_id=topic.pk, note=form.text("note")),
            gettext("已列入议程"),
        ),
        "decline": (
            lambda: topics.topic_decline(actor=actor, topic_id=topic.pk, reason=form.text("reason")),
            gettext("已不予受理"),
        ),
        "consult": (
            lambda: topics.topic_consultation_open(
                actor=actor,
                topic_id=topic.pk,
                closes_on=form.date("closes_on"),
                opens_on=form.date("opens_on"),
            ),
            gettext("已开始征求居民意见"),
        ),
        "visit": (
            lambda: topics.topic_field_visit_record(
                actor=actor,
                topic_id=topic.pk,
                visited_on=form.date("visited_on"),
                location=form.text("location"),
                findings=form.text("findings"),
                participants=form.text("participants"),
            ),
            gettext("已记录实地调研"),
        ),
        "review": (
            lambda: topics.topic_review_record(
                actor=actor, topic_id=topic.pk, reviewer=form.text("reviewer"), opinion=form.text("opinion")
            ),
            gettext("已记录第三方评估"),
        ),
        "notice": (
            lambda: resolutions.resolution_notice_publish(actor=actor, resolution_id=rid),
            gettext("决议已公示"),
        ),
        "implement": (
            lambda: resolutions.resolution_implementation_start(
                actor=actor, resolution_id=rid, owner_name=form.text("owner_name")
            ),
            gettext("已开始实施"),
        ),
        "milestone": (
            lambda: resolutions.resolution_milestone_add(
                actor=actor,
                resolution_id=rid,
                title=form.text("title"),
                due_on=form.date("due_on"),
                note=form.text("note"),
            ),
            gettext("已添加实施节点"),
        ),
        "milestone_done": (
            lambda: resolutions.resolution_milestone_done(
                actor=actor,
                milestone_id=int_or_none(form.text("milestone_id")) or 0,
                done_on=form.date("done_on"),
            ),
            gettext("节点已完成"),
        ),
        "progress": (
            lambda: resolutions.resolution_progress_update(
                actor=actor,
                resolution_id=rid,
                progress=int_or_none(form.text("progress")) or 0,
                note=form.text("note"),
            ),
            gettext("已更新进度"),
        ),
        "ticket": (
            lambda: resolutions.resolution_ticket_link(
                actor=actor, resolution_id=rid, ticket_id=int_or_none(form.text("ticket_id")) or 0
            ),
            gettext("已关联工单"),
        ),
        "volunteer": (
            lambda: resolutions.resolution_volunteer_record(
                actor=actor,
                resolution_id=rid,
                person_id=_resident(actor, form.text("person"), topic.community_code),
                served_on=form.date("served_on"),
                note=form.text("note"),
            ),
            gettext("已登记落实志愿者"),
        ),
        "complete": (
            lambda: resolutions.resolution_complete(
                actor=actor, resolution_id=rid, result=form.text("result")
            ),
            gettext("已办结"),
        ),
        "publish": (
            lambda: resolutions.resolution_result_publish(actor=actor, resolution_id=rid),
            gettext("实施结果已公开"),
        ),
    }
    if action not in table:
        raise NotFound(gettext("操作不存在"))
    if (
        action
        in (
            "notice",
            "implement",
            "milestone",
            "milestone_done",
            "progress",
            "ticket",
            "volunteer",
            "complete",
            "publish",
        )
        and not rid
    ):
        raise NotFound(gettext("该议题尚无决议"))
    return table[action]


@console_login_required
@require_POST
def topic_act(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        topic = selectors.topic_get_for_actor(actor=actor, topic_id=topic_id)
        call, ok = _topic_action(actor, topic, ActionForm(request.POST))
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc
    _guard(request, call, ok)
    return redirect("councils:topic_detail", topic_id=topic.pk)


@console_login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        meeting = selectors.council_meeting_get_for_actor(actor=actor, meeting_id=meeting_id)
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__category", "member_id")
    )
    present = [a.member for a in attendance if a.checked_in_at]
    can_manage = allowed(actor, "councils.manage_council", meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("topic"))
    return render(
        request,
        "councils/console/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "attendance": attendance,
            "present": present,
            "absent": [a.member for a in attendance if not a.checked_in_at],
            "choices": VoteChoice.choices,
            "can_manage": can_manage,
            "scan_url": request.build_absolute_uri(reverse("councils_h5:scan", args=[meeting.qr_token]))
            if can_manage and meeting.status == "planned"
            else "",
            "addable": list(
                selectors.topic_list_for_actor(actor=actor).filter(
                    council_id=meeting.council_id, status__in=(TopicStatus.ACCEPTED, TopicStatus.CONSULTING)
                )[:50]
            ),
        },
    )


@console_login_required
@require_POST
def meeting_act(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        meeting = selectors.council_meeting_get_for_actor(actor=actor, meeting_id=meeting_id)
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc
    form = ActionForm(request.POST)
    action = form.text("action")
    pk = meeting.pk
    table: dict[str, tuple[Callable[[], Any], str]] = {
        "attend": (
            lambda: meetings.meeting_attendance_record(
                actor=actor, meeting_id=pk, member_id=int_or_none(form.text("member_id")) or 0
            ),
            gettext("已登记签到"),
        ),
        "invite": (lambda: meetings.meeting_invite(actor=actor, meeting_id=pk), gettext("已发出邀请")),
        "agenda": (
            lambda: meetings.meeting_agenda_add(
                actor=actor, meeting_id=pk, topic_id=int_or_none(form.text("item_id")) or 0
            ),
            gettext("已列入议程"),
        ),
        "decide": (
            lambda: meetings.meeting_topic_decide(
                actor=actor,
                item_id=int_or_none(form.text("item_id")) or 0,
                votes=form.votes(),
                resolution=form.resolution_input() if form.text("content") else None,
                defer=form.text("defer") == "1",
            ),
            gettext("已记录表决结果"),
        ),
        "minutes": (
            lambda: meetings.meeting_minutes_record(
                actor=actor,
                meeting_id=pk,
                minutes=form.text("minutes"),
                host=form.text("host"),
                recorder=form.text("recorder"),
            ),
            gettext("会议纪要已保存，会议结束"),
        ),
        "cancel": (
            lambda: meetings.meeting_cancel(actor=actor, meeting_id=pk, reason=form.text("reason")),
            gettext("会议已取消"),
        ),
    }
    if action not in table:
        from django.http import Http404

        raise Http404("操作不存在")
    if (
        action == "decide"
        and not AgendaItem.objects.filter(pk=int_or_none(form.text("item_id")) or 0, meeting=meeting).exists()
    ):
        from django.http import Http404

        raise Http404("议程不存在")
    call, ok = table[action]
    _guard(request, call, ok)
    return redirect("councils:meeting_detail", meeting_id=pk)


@console_login_required
@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        meeting = selectors.council_meeting_get_for_actor(actor=actor, meeting_id=meeting_id)
        pdf = documents.render_minutes(meeting)
    except ApplicationError as exc:
        from django.http import Http404

        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("councils:meeting_detail", meeting_id=meeting_id)
    downloads.minutes_downloaded(actor=actor, meeting=meeting)
    return pdf_response(pdf, f"会议纪要-{meeting.pk}.pdf")


@console_login_required
@require_GET
def resolution_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "councils.view_council"):
        raise Http404("无权查看")
    status = request.GET.get("status", "")
    rows = selectors.resolution_list_for_actor(actor=actor).order_by("-id")
    if status in TopicStatus.values:
        rows = rows.filter(topic__status=status)
    return render(
        request,
        "councils/console/resolutions.html",
        {
            "resolutions": list(rows[:300]),
            "overdue": list(selectors.overdue_milestones(actor=actor)[:100]),
            "statuses": [
                (s, label)
                for s, label in TopicStatus.choices
                if s in ("resolved", "implementing", "completed", "published")
            ],
            "status": status,
        },
    )


@console_login_required
@require_GET
def notice_pdf(request: HttpRequest, resolution_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        resolution = selectors.resolution_get_for_actor(actor=actor, resolution_id=resolution_id)
        pdf = documents.render_notice(resolution)
    except ApplicationError as exc:
        from django.http import Http404

        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("councils:topic_detail", topic_id=resolution.topic_id)
    return pdf_response(pdf, f"决议公示-{resolution.number}.pdf")
