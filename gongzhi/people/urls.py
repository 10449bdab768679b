from django.urls import path

from gongzhi.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("import/", views.person_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:import_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("export.xlsx", views.person_export, name="export"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/reveal/", views.person_reveal, name="reveal"),
    path("<int:person_id>/timeline/", views.person_timeline, name="timeline"),
]
