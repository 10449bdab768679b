"""Console pages of the assessment (考核), mounted at console/assessment/ (namespace ``assessment``)."""

from django.urls import path

from gongzhi.assessment.views import runs, sets

app_name = "assessment"
urlpatterns = [
    path("", sets.set_list, name="sets"),
    path("sets/new/", sets.set_new, name="set_new"),
    path("sets/<int:set_id>/", sets.set_detail, name="set"),
    path("sets/<int:set_id>/compute/", sets.run_compute, name="run_compute"),
    path("runs/<int:run_id>/", runs.run_detail, name="run"),
    path("runs/<int:run_id>/publish/", runs.run_publish, name="run_publish"),
    path("runs/<int:run_id>/export.xlsx", runs.run_export_xlsx, name="run_xlsx"),
    path("runs/<int:run_id>/export.pdf", runs.run_export_pdf, name="run_pdf"),
    path("results/<int:result_id>/", runs.result_detail, name="result"),
    path("results/<int:result_id>/sheet.pdf", runs.result_pdf, name="result_pdf"),
    path("mine/", runs.my_sheets, name="mine"),
]
