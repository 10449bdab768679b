from django.urls import path

from gongzhi.registers import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:key>.xlsx", views.export, name="export"),
    path("import/<slug:kind>/", views.import_page, name="import"),
    path("import/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:import_id>/errors.xlsx", views.import_errors, name="import_errors"),
]
