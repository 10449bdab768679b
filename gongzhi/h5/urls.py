from django.urls import path

from gongzhi.h5 import views

app_name = "h5"
urlpatterns = [path("", views.home, name="home")]
