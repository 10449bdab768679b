"""The party app's resident pages (H5): a party member's own registration (报到) with the community where
they live, and the list of their registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.party.enums import SKILLS
from gongzhi.party.forms import MemberRegistrationForm, form_refusal
from gongzhi.party.selectors import registration as selectors
from gongzhi.party.services import registration as services

if TYPE_CHECKING:
    from gongzhi.accounts.models import User


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    actor = cast("User", request.user)
    error: ApplicationError | None = None
    data: dict[str, Any] = {}
    if request.method == "POST":
        form = MemberRegistrationForm(request.POST)
        data = form.values()
        try:
            if not form.is_valid():
                raise form_refusal(form)
            reg = services.member_register(actor=actor, **form.service_kwargs())
        except NotFound:
            error = ApplicationError(
                gettext("请选择居住地所在社区"), fields={"community_id": gettext("请选择居住地所在社区")}
            )
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("party_h5:register_done", registration_id=reg.pk)
    mine = list(
        selectors.registration_list_for_actor(actor=actor).filter(member__user_id=actor.pk).order_by("-id")
    )
    # After a registration the form stays folded away: a second community is a deliberate choice.
    show_form = bool(error) or request.GET.get("new") == "1" or all(r.status == "returned" for r in mine)
    return render(
        request,
        "party/h5/register.html",
        {
            "communities": list(selectors.registration_community_choices_for_actor(actor=actor)[:500]),
            "units": list(selectors.unit_choices_for_actor(actor=actor)[:1000]),
            "skill_choices": SKILLS,
            "mine": mine,
            "data": data,
            "chosen_skills": data.get("skills", []),
            "error": error,
            "show_form": show_form,
        },
        status=error.status if error else 200,
    )


@h5_login_required
@require_GET
def register_done(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The page after a successful 报到: what was sent and what happens next (the form does not return)."""
    actor = cast("User", request.user)
    reg = (
        selectors.registration_list_for_actor(actor=actor)
        .filter(pk=registration_id, member__user_id=actor.pk)
        .first()
    )
    if reg is None:
        raise Http404
    return render(request, "party/h5/register_done.html", {"r": reg})
