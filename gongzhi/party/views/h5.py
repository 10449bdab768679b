"""The party app's resident pages (H5): a party member's own registration (报到) with the community where
they live, and the list of their registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

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
            services.member_register(actor=actor, **form.service_kwargs())
        except NotFound:
            error = ApplicationError("请选择居住地所在社区", fields={"community_id": "请选择居住地所在社区"})
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, "报到已提交，社区接收后将通知您")
            return redirect("party_h5:register")
    mine = list(
        selectors.registration_list_for_actor(actor=actor).filter(member__user_id=actor.pk).order_by("-id")
    )
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
        },
        status=error.status if error else 200,
    )
