"""Console pages of the care app, mounted at console/care/ (namespace ``care``)."""

from django.urls import path

from gongzhi.care.views import registers, rosters, visits

app_name = "care"
urlpatterns = [
    path("", rosters.roster, name="roster"),
    path("overdue/", rosters.overdue, name="overdue"),
    path("persons/<int:person_id>/", rosters.person, name="person"),
    path("members/<int:membership_id>/exit/", rosters.member_exit, name="member_exit"),
    path("sensitive/", rosters.sensitive, name="sensitive"),
    path("grants/", rosters.grants, name="grants"),
    path("grants/<int:grant_id>/revoke/", rosters.grant_revoke, name="grant_revoke"),
    path("visits/", visits.visit_list, name="visits"),
    path("visits/new/<int:person_id>/", visits.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/outcome/", visits.visit_outcome, name="visit_outcome"),
    path("photos/<int:photo_id>/", visits.photo, name="photo"),
    path("care-visits/", visits.care_visits, name="care_visits"),
    path("registers/visits.xlsx", registers.visit_ledger, {"fmt": "xlsx"}, name="visit_ledger_xlsx"),
    path("registers/visits.pdf", registers.visit_ledger, {"fmt": "pdf"}, name="visit_ledger_pdf"),
    path("registers/roster.xlsx", registers.roster, {"fmt": "xlsx"}, name="roster_xlsx"),
    path("registers/roster.pdf", registers.roster, {"fmt": "pdf"}, name="roster_pdf"),
    path(
        "registers/care-visits.xlsx",
        registers.care_visit_roster,
        {"fmt": "xlsx"},
        name="care_visit_roster_xlsx",
    ),
    path(
        "registers/care-visits.pdf", registers.care_visit_roster, {"fmt": "pdf"}, name="care_visit_roster_pdf"
    ),
]
