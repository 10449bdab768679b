"""Console pages for ticket intake and patrols: 12345 hotline import, 书记有约, category editing, patrols.

Included under /console/tickets/ with its own namespace (the main ticket pages live in urls.py)."""

from django.urls import path

from gongzhi.tickets.views import appointment, hotline

app_name = "tickets_intake"

urlpatterns = [
    path("hotline/", hotline.hotline_page, name="hotline"),
    path("hotline/template.xlsx", hotline.hotline_template, name="hotline_template"),
    path("hotline/<int:import_id>/errors.xlsx", hotline.hotline_errors, name="hotline_errors"),
    path("appointment/", appointment.appointment_page, name="appointment"),
]
