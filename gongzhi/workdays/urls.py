from django.urls import path

from gongzhi.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.years, name="years"),
    path("<int:year>/delete/", views.year_delete, name="year_delete"),
]
