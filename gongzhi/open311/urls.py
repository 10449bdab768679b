"""Console pages of Open311 (mounted at /console/open311/): the API keys of connected systems."""

from django.urls import URLPattern, path

from gongzhi.open311.views import console

app_name = "open311"
urlpatterns: list[URLPattern] = [
    path("", console.key_list, name="keys"),
    path("<int:key_id>/revoke", console.key_revoke, name="key_revoke"),
]
