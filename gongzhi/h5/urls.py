from django.urls import path

from gongzhi.h5 import views

app_name = "h5"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.otp_request, name="otp_request"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("family/", views.family, name="family"),
]
