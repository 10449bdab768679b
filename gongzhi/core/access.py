"""Who may use the staff console, and where everyone else is sent.

Residents, in-service party members and unit liaisons use the H5 pages on their phones; the console is
for staff. A missing page and a forbidden one answer the same 404 (DESIGN: scope).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from gongzhi.core.roles import SELF_SERVICE_ROLES
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# Roles that use the H5 site, not the console.
H5_ROLES = SELF_SERVICE_ROLES


def is_visitor(user: Actor | Any) -> bool:
    """A visitor (访客): an account opened by a verified phone that no household lists
    (``people.services.visitor_account_for_phone``): no role, no password. It reports problems and follows
    its own reports on the H5 site; registration with the community gives it the resident's role."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser or user.is_staff:
        return False
    if not getattr(user, "phone_hash", "") or user.has_usable_password():
        return False
    return not scope_of(user).roles


def is_h5_only(user: Actor | Any) -> bool:
    """True for a signed-in user whose every role belongs on the H5 site, and for a visitor."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    roles = scope_of(user).roles
    return (bool(roles) and roles <= H5_ROLES) or is_visitor(user)


def home_url_for(user: Actor | Any) -> str:
    from django.urls import reverse

    return reverse("h5:home") if is_h5_only(user) else reverse("console:home")


def console_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``login_required`` for console pages, which also sends residents to the H5 site.

    Other apps' console views can use it in place of ``login_required``.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_h5_only(request.user):
            return redirect("h5:home")
        return view(request, *args, **kwargs)

    return wrapper


def h5_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``login_required`` for the resident (H5) pages of every app: sends to the H5 sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.urls import reverse

            return redirect_to_login(request.get_full_path(), login_url=reverse("h5:login"))
        return view(request, *args, **kwargs)

    return wrapper


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in user of a request that authentication already let through (session auth, the
    console decorators); typed as the acting user rather than ``User | AnonymousUser``."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    return cast("Actor", user)
