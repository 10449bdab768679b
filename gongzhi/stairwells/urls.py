"""Console pages of the stairwells, mounted at console/stairwells/ (namespace ``stairwells``)."""

from django.urls import path

from gongzhi.stairwells.views import console

app_name = "stairwells"
urlpatterns = [
    path("", console.stairwell_list, name="list"),
    path("register-community/", console.register_community, name="register_community"),
    path("register/", console.register_print, name="register"),
    path("register.xlsx", console.register_xlsx, name="register_xlsx"),
    path("figures/", console.figures, name="figures"),
    path("<int:stairwell_id>/", console.stairwell_detail, name="detail"),
    path("<int:stairwell_id>/inspect/", console.stairwell_inspect, name="inspect"),
    path("<int:stairwell_id>/settings/", console.stairwell_settings, name="settings"),
    path("<int:stairwell_id>/elections/", console.election_open, name="election_open"),
    path("elections/<int:election_id>/paper-vote/", console.election_paper_vote, name="paper_vote"),
    path("elections/<int:election_id>/close/", console.election_close, name="election_close"),
    path("posts/<int:captain_id>/end/", console.post_end, name="post_end"),
]
