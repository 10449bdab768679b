"""Console pages of co-governance, mounted at console/councils/ (namespace ``councils``)."""

from django.urls import path

from gongzhi.councils.views import appointments, councils

app_name = "councils"
urlpatterns = [
    path("", councils.council_list, name="list"),
    path("<int:council_id>/", councils.council_detail, name="council_detail"),
    path("<int:council_id>/members/", councils.member_create, name="member_create"),
    path("<int:council_id>/topics/", councils.topic_create, name="topic_create"),
    path("<int:council_id>/meetings/", councils.meeting_create, name="meeting_create"),
    path("topics/<int:topic_id>/", councils.topic_detail, name="topic_detail"),
    path("topics/<int:topic_id>/act/", councils.topic_act, name="topic_act"),
    path("meetings/<int:meeting_id>/", councils.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/act/", councils.meeting_act, name="meeting_act"),
    path("meetings/<int:meeting_id>/minutes.pdf", councils.minutes_pdf, name="minutes_pdf"),
    path("resolutions/", councils.resolution_list, name="resolutions"),
    path("resolutions/<int:resolution_id>/notice.pdf", councils.notice_pdf, name="notice_pdf"),
    path("proposals/", appointments.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/act/", appointments.proposal_act, name="proposal_act"),
    path("appointments/", appointments.appointment_list, name="appointments"),
    path("appointments/sessions/<int:session_id>/", appointments.session_detail, name="session_detail"),
    path("appointments/sessions/<int:session_id>/act/", appointments.session_act, name="session_act"),
]
