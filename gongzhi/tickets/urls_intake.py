"""Console pages for ticket intake and patrols: 12345 hotline import, 书记有约, category editing, patrols.

Included under /console/tickets/ with its own namespace (the main ticket pages live in urls.py)."""

from django.urls import path

from gongzhi.tickets.views import appointment, categories, hotline, patrols

app_name = "tickets_intake"

urlpatterns = [
    path("hotline/", hotline.hotline_page, name="hotline"),
    path("hotline/template.xlsx", hotline.hotline_template, name="hotline_template"),
    path("hotline/<int:import_id>/errors.xlsx", hotline.hotline_errors, name="hotline_errors"),
    path("appointment/", appointment.appointment_page, name="appointment"),
    path("categories/edit/", categories.categories_page, name="categories_edit"),
    path("categories/edit/new/", categories.category_add, name="category_add"),
    path("categories/edit/<str:code>/", categories.category_save, name="category_save"),
    path("patrol/", patrols.patrol_page, name="patrol"),
    path("patrol/start/", patrols.patrol_start_view, name="patrol_start"),
    path("patrol/<int:patrol_id>/check-in/", patrols.patrol_check_in_view, name="patrol_check_in"),
    path("patrol/<int:patrol_id>/report/", patrols.patrol_report_view, name="patrol_report"),
    path("patrol/<int:patrol_id>/end/", patrols.patrol_end_view, name="patrol_end"),
    path("patrols/coverage/", patrols.coverage_page, name="patrol_coverage"),
    path("patrols/summary/", patrols.summary_page, name="patrol_summary"),
]
