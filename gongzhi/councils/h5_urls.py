"""Resident pages of co-governance, mounted at h5/councils/ (namespace ``councils_h5``); the public page
of a council needs no sign-in."""

from django.urls import path

from gongzhi.councils.views import h5

app_name = "councils_h5"
urlpatterns = [
    path("", h5.home, name="home"),
    path("topics/<int:topic_id>/", h5.topic_detail, name="topic_detail"),
    path("scan/<str:token>/", h5.scan, name="scan"),
    path("proposals/", h5.proposal_page, name="proposals"),
    path("public/<int:council_id>/", h5.public_council, name="public"),
    path("public/resolutions/<int:resolution_id>.pdf", h5.public_notice_pdf, name="public_notice_pdf"),
]
