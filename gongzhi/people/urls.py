from django.urls import path

from gongzhi.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("import/", views.person_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:import_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("export.xlsx", views.person_export, name="export"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/members/new/", views.member_new, name="member_new"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/reveal/", views.person_reveal, name="reveal"),
    path("<int:person_id>/timeline/", views.person_timeline, name="timeline"),
]
