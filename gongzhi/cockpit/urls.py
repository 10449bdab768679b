from django.urls import path

app_name = "cockpit"
urlpatterns: list = []

# The one-map (一张图): the page and one GeoJSON endpoint per layer.
from gongzhi.cockpit.views import map as map_views  # noqa: E402

urlpatterns += [
    path("map/", map_views.map_page, name="map"),
    path("map/layers/<slug:layer>/", map_views.map_layer, name="map_layer"),
]
