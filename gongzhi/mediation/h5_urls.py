"""Resident pages of people's mediation, mounted at h5/mediation/ (namespace ``mediation_h5``)."""

from django.urls import path

from gongzhi.mediation.views import h5

app_name = "mediation_h5"
urlpatterns = [
    path("", h5.public_pool, name="public_pool"),
]
