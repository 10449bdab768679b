from django.urls import path

from gongzhi.cockpit.views import bigscreen, cockpit
from gongzhi.cockpit.views import map as map_views

app_name = "cockpit"
urlpatterns: list = [
    path("", cockpit.index, name="index"),
    path("rebuild/", cockpit.rebuild, name="rebuild"),
    path("screen/", bigscreen.screen, name="screen"),
    path("screen/data/", bigscreen.screen_json, name="screen_data"),
    # The one-map (一张图): the page and one GeoJSON endpoint per layer.
    path("map/", map_views.map_page, name="map"),
    path("map/layers/<slug:layer>/", map_views.map_layer, name="map_layer"),
]
