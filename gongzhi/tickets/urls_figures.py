from django.urls import path

from gongzhi.tickets import views_figures

app_name = "ticket_figures"
urlpatterns = [
    path("indicators/", views_figures.indicators_page, name="indicators"),
]
