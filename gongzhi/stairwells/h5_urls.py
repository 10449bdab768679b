"""Resident pages of the stairwells, mounted at h5/stairwells/ (namespace ``stairwells_h5``)."""

from django.urls import path

from gongzhi.stairwells.views import h5

app_name = "stairwells_h5"
urlpatterns = [
    path("", h5.mine, name="mine"),
    path("<int:stairwell_id>/inspect/", h5.inspect, name="inspect"),
    path("<int:stairwell_id>/red-captain/", h5.red_captain_claim, name="red_captain"),
    path("elections/<int:election_id>/vote/", h5.vote, name="vote"),
]
