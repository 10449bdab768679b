"""Console pages of the ticket loop, mounted at /console/tickets/ (namespace ``tickets``).

The resident's phone pages have their own URL module (they live under /h5/).
"""

from django.urls import path

from gongzhi.tickets.views import console_pages, console_ticket, console_work

app_name = "tickets"
urlpatterns = [
    path("", console_work.inbox, name="inbox"),
    path("export.xlsx", console_work.export, name="export"),
    path("new/", console_pages.ticket_new, name="new"),
    path("supervision/", console_pages.supervision_list, name="supervision"),
    path("categories/", console_pages.category_list, name="categories"),
    path("<int:ticket_id>/", console_ticket.ticket_detail, name="detail"),
    path("<int:ticket_id>/<str:action>/", console_ticket.ticket_action, name="action"),
]
