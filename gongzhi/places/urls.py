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
    path("grids/<str:code>/team/", views.team_add, name="team_add"),
    path("grids/<str:code>/team/<int:member_id>/edit/", views.team_update, name="team_update"),
    path("grids/<str:code>/team/<int:member_id>/remove/", views.team_remove, name="team_remove"),
]
