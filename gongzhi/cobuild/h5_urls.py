"""Resident pages of the three lists, mounted at h5/cobuild/ (namespace ``cobuild_h5``)."""

from django.urls import path

from gongzhi.cobuild.views import h5

app_name = "cobuild_h5"
urlpatterns = [
    path("need/", h5.need_raise, name="need_raise"),
    path("need/<int:need_id>/done/", h5.need_done, name="need_done"),
    path("projects/", h5.public_communities, name="public_communities"),
    path("projects/<str:community_code>/", h5.public_projects, name="public_projects"),
    path("projects/evaluate/<int:project_id>/", h5.evaluate, name="evaluate"),
]
