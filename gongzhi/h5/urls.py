from django.urls import include, path

from gongzhi.h5 import views

app_name = "h5"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.otp_request, name="otp_request"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("family/", views.family, name="family"),
    # 随手拍 / 我的反映: the tickets app owns the pages.
    path("tickets/", include("gongzhi.tickets.urls_h5")),
]
