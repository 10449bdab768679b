from django.urls import path

from gongzhi.cockpit.views import bigscreen, cockpit

app_name = "cockpit"
urlpatterns: list = [
    path("", cockpit.index, name="index"),
    path("rebuild/", cockpit.rebuild, name="rebuild"),
    path("screen/", bigscreen.screen, name="screen"),
    path("screen/data/", bigscreen.screen_json, name="screen_data"),
]
