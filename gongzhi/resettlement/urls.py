"""Console pages of resettlement housing, mounted at console/resettlement/ (namespace ``resettlement``)."""

from django.urls import path

from gongzhi.resettlement.views import projects, selection

app_name = "resettlement"
urlpatterns = [
    path("", projects.project_list, name="projects"),
    path("<int:project_id>/", projects.project_detail, name="detail"),
    path("<int:project_id>/groups/", projects.group_create, name="group_create"),
    path("<int:project_id>/meetings/", projects.meeting_create, name="meeting_create"),
    path("<int:project_id>/documents/", projects.document_create, name="document_create"),
    path("<int:project_id>/bands/", projects.bands_set, name="bands"),
    path("<int:project_id>/households/", projects.household_list, name="households"),
    path("<int:project_id>/units/", projects.unit_list, name="units"),
    path("<int:project_id>/bundles/", projects.bundle_create, name="bundle_create"),
    path("<int:project_id>/draw/", selection.draw_page, name="draw"),
    path("<int:project_id>/draw/commit/", selection.draw_commit, name="draw_commit"),
    path("<int:project_id>/draw/witnesses/", selection.witness_create, name="witness_create"),
    path("<int:project_id>/draw/run/", selection.draw_run, name="draw_run"),
    path("<int:project_id>/draw-list.txt", selection.draw_list, name="draw_list"),
    path("<int:project_id>/selection/", selection.selection, name="selection"),
    path("<int:project_id>/notice.pdf", selection.notice_pdf, name="notice_pdf"),
    path("<int:project_id>/close/", selection.project_close, name="close"),
    path("households/<int:household_id>/", selection.household_detail, name="household"),
    path("households/<int:household_id>/choose/", selection.choose, name="choose"),
    path("households/<int:household_id>/finish/", selection.finish, name="finish"),
    path("households/<int:household_id>/settlement/", selection.settlement_issue, name="settlement"),
    path("households/<int:household_id>/statement.pdf", selection.statement_pdf, name="statement_pdf"),
    path("households/<int:household_id>/handover/", selection.handover, name="handover"),
]
