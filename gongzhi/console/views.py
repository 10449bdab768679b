from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongzhi.places.selectors import overview_counts


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username", ""), password=request.POST.get("password", "")
        )
        if user is not None:
            login(request, user)
            return redirect(request.GET.get("next") or "console:home")
        error = "用户名或密码错误"
    return render(request, "console/login.html", {"error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/home.html", {"overview": overview_counts()})
