"""Resident pages of volunteer service, mounted at h5/volunteers/ (namespace ``volunteers_h5``)."""

from django.urls import path

from gongzhi.volunteers.views import h5

app_name = "volunteers_h5"
urlpatterns = [
    path("", h5.activity_list, name="activities"),
    path("sessions/<int:session_id>/signup/", h5.signup, name="signup"),
    path("signups/<int:signup_id>/cancel/", h5.signup_cancel, name="signup_cancel"),
    path("scan/<str:token>/", h5.scan, name="scan"),
    path("mine/", h5.mine, name="mine"),
]
