"""Resident pages of 红色物业, mounted at h5/property/ (namespace ``property_h5``)."""

from django.urls import path

from gongzhi.property.views import h5

app_name = "property_h5"
urlpatterns = [
    path("", h5.home, name="home"),
    path("rate/", h5.rate, name="rate"),
    path("topics/<int:topic_id>/opinion/", h5.opinion, name="opinion"),
    path("results/<int:resolution_id>/rate/", h5.result_rate, name="result_rate"),
]
