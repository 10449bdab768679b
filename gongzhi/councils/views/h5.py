"""Resident pages (H5): propose a topic from the phone, give an opinion while a topic is in consultation,
see the resolutions publicised and their progress, rate a result once it is done; a council member's QR
check-in at a meeting; a party member's 党群提案 for their branch. The public page of a council (anyone,
no sign-in) shows named fields only, with personal data masked."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import int_or_none, pdf_response
from gongzhi.councils import documents, selectors
from gongzhi.councils.enums import Stance, TopicSource
from gongzhi.councils.forms import OpinionForm, ProposalForm, RatingForm, TopicForm
from gongzhi.councils.models import Council, Opinion, Rating, Resolution
from gongzhi.councils.permissions import resident_communities
from gongzhi.councils.services import meetings, proposals, resolutions, topics


@h5_login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = sorted(resident_communities(actor))
    councils = list(Council.objects.filter(community_code__in=communities, active=True).order_by("id"))
    error: ApplicationError | None = None
    data = {"title": "", "description": ""}
    if request.method == "POST":
        form = TopicForm(request.POST)
        data = {"title": form.text("title"), "description": form.text("description")}
        try:
            topic = topics.topic_propose(
                actor=actor,
                council_id=int_or_none(request.POST.get("council_id")) or 0,
                data=form.topic_input(),
                source_kind=TopicSource.RESIDENT,
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request, gettext("已提交议题“%(title)s”，社区将尽快审议") % {"title": topic.title}
            )
            return redirect("councils_h5:home")
    public = list(selectors.topic_public_list().filter(community_code__in=communities)[:50])
    return render(
        request,
        "councils/h5/home.html",
        {
            "councils": councils,
            "public": public,
            "mine": list(selectors.topics_proposed_by(actor)[:20]),
            "data": data,
            "error": error,
        },
        status=error.status if error else 200,
    )


@h5_login_required
@require_http_methods(["GET", "POST"])
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        topic = selectors.topic_public_get(topic_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if topic.community_code not in resident_communities(actor):
        raise Http404("议题不存在或尚未公开")
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if "score" in request.POST:
                rating = RatingForm(request.POST)
                resolutions.resolution_rate(
                    actor=actor,
                    resolution_id=topic.resolution.pk,
                    score=int_or_none(rating.text("score")) or 0,
                    comment=rating.text("comment"),
                )
                messages.success(request, gettext("感谢您的评价"))
            else:
                opinion = OpinionForm(request.POST)
                topics.topic_opinion_give(
                    actor=actor, topic_id=topic.pk, stance=opinion.text("stance"), text_=opinion.text("body")
                )
                messages.success(request, gettext("您的意见已提交"))
        except (ApplicationError, Resolution.DoesNotExist) as exc:
            error = exc if isinstance(exc, ApplicationError) else NotFound(gettext("该议题尚无决议"))
        else:
            return redirect("councils_h5:topic_detail", topic_id=topic.pk)
    resolution = getattr(topic, "resolution", None)
    if resolution is not None and resolution.notice_published_at is None:
        resolution = None
    return render(
        request,
        "councils/h5/topic.html",
        {
            "topic": topic,
            "resolution": resolution,
            "milestones": list(resolution.milestones.all()) if resolution else [],
            "given": Opinion.objects.filter(topic=topic, user_id=actor.pk).first(),
            "rated": Rating.objects.filter(resolution=resolution, user_id=actor.pk).first()
            if resolution
            else None,
            "stances": Stance.choices,
            "error": error,
        },
        status=error.status if error else 200,
    )


@h5_login_required
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, token: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        meeting = selectors.meeting_by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    error: ApplicationError | None = None
    done = None
    if request.method == "POST":
        try:
            done = meetings.meeting_check_in_by_qr(actor=actor, token=token)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "councils/h5/scan.html",
        {"meeting": meeting, "done": done, "error": error},
        status=error.status if error else 200,
    )


@h5_login_required
@require_http_methods(["GET", "POST"])
def proposal_page(request: HttpRequest) -> HttpResponse:
    """A party member (or a branch secretary) submits a 党群提案 for a branch of their community."""
    from gongzhi.core.scope import scope_of
    from gongzhi.party.models import PartyOrganization

    actor = actor_of(request)
    scope = scope_of(actor)
    codes = scope.codes()["community"]
    branches = list(
        PartyOrganization.objects.filter(
            community_code__in=sorted(codes), kind__in=proposals.BRANCH_KINDS, active=True
        ).order_by("name")[:100]
    ) + list(
        PartyOrganization.objects.filter(secretary_id=actor.pk, kind__in=proposals.BRANCH_KINDS, active=True)
    )
    error: ApplicationError | None = None
    if request.method == "POST":
        form = ProposalForm(request.POST)
        try:
            proposals.proposal_submit(
                actor=actor,
                branch_id=int_or_none(form.text("branch_id")) or 0,
                title=form.text("title"),
                content=form.text("content"),
                proposers=form.text("proposers"),
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, gettext("提案已提交社区党委"))
            return redirect("councils_h5:proposals")
    return render(
        request,
        "councils/h5/proposals.html",
        {
            "branches": list({b.pk: b for b in branches}.values()),
            "mine": list(
                selectors.proposal_list_for_actor(actor=actor)
                .filter(submitted_by_id=actor.pk)
                .order_by("-id")[:30]
            ),
            "error": error,
        },
        status=error.status if error else 200,
    )


@require_GET
def public_council(request: HttpRequest, council_id: int) -> HttpResponse:
    try:
        council = selectors.council_public_get(council_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "councils/h5/public.html",
        {"page": selectors.council_public_page(council), "council_id": council.pk},
    )


@require_GET
def public_notice_pdf(request: HttpRequest, resolution_id: int) -> HttpResponse:
    """决议公示 as a PDF: anyone, once the notice is published (no member's vote, free text masked)."""
    resolution = (
        Resolution.objects.filter(pk=resolution_id, notice_published_at__isnull=False)
        .select_related("topic", "topic__council", "meeting")
        .first()
    )
    if resolution is None:
        raise Http404("决议不存在或尚未公示")
    return pdf_response(documents.render_notice(resolution), f"决议公示-{resolution.number}.pdf")
