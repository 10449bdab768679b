"""Console pages of the ticket loop, mounted at /console/tickets/ (namespace ``tickets``): the inbox and a
ticket's page, the indicators, intake (12345 hotline import, 书记有约), category editing and patrols.

The resident's phone pages are in h5_urls.py (mounted at /h5/tickets/).
"""

from django.urls import path

from gongzhi.tickets.views import (
    appointment,
    categories,
    console_pages,
    console_ticket,
    console_work,
    figures,
    hotline,
    patrols,
    policy,
)

app_name = "tickets"
urlpatterns = [
    path("indicators/", figures.indicators_page, name="indicators"),
    path("", console_work.inbox, name="inbox"),
    path("export.xlsx", console_work.export, name="export"),
    path("new/", console_pages.ticket_new, name="new"),
    path("map-points/", console_pages.map_points, name="map_points"),
    path("supervision/", console_pages.supervision_list, name="supervision"),
    path("categories/", console_pages.category_list, name="categories"),
    path("settings/", policy.policy_page, name="policy"),
    path("<int:ticket_id>/", console_ticket.ticket_detail, name="detail"),
    path("<int:ticket_id>/reporter-phone/", console_ticket.reporter_phone_reveal, name="reporter_phone"),
    path("<int:ticket_id>/<str:action>/", console_ticket.ticket_action, name="action"),
    # Intake and patrols.
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
