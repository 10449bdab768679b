"""Console pages of volunteer service, mounted at console/volunteers/ (namespace ``volunteers``)."""

from django.urls import path

from gongzhi.volunteers.views import console

app_name = "volunteers"
urlpatterns = [
    path("teams/", console.team_list, name="teams"),
    path("teams/<int:team_id>/", console.team_detail, name="team_detail"),
    path("activities/", console.activity_list, name="activities"),
    path("activities/<int:activity_id>/", console.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/cancel/", console.activity_cancel, name="activity_cancel"),
    path("sessions/<int:session_id>/", console.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/record/", console.session_record, name="session_record"),
    path("sessions/<int:session_id>/confirm/", console.session_confirm, name="session_confirm"),
    path("sessions/<int:session_id>/poster.pdf", console.session_poster, name="session_poster"),
    path("hours/", console.hours_list, name="hours"),
    path("certificates/", console.certificate_register, name="certificates"),
    path("certificates/<int:certificate_id>.pdf", console.certificate_pdf, name="certificate_pdf"),
]
