from django.urls import path

from gongzhi.places import views

app_name = "places"
urlpatterns = [
    path("tree/", views.place_tree, name="tree"),
    path("map/", views.grid_map, name="map"),
    path("band-report/", views.band_report, name="band_report"),
    path("grids/import/", views.grid_import, name="grid_import"),
    path("grids/export.geojson", views.grid_export, name="grid_export"),
    path("grids/<str:code>/", views.grid_detail, name="grid_detail"),
]
