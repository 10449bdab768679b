from django.urls import path

from gongzhi.places import views

app_name = "places"
urlpatterns = [
    path("tree/", views.place_tree, name="tree"),
]
