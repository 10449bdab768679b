"""Console pages of the devices app, mounted at console/devices/ (namespace ``devices``)."""

from django.urls import path

from gongzhi.devices.views import console

app_name = "devices"
urlpatterns = [
    path("", console.device_registry, name="registry"),
    path("<int:device_id>/", console.device_detail, name="detail"),
    path("<int:device_id>/retire/", console.device_retire_view, name="retire"),
    path("offline/", console.offline, name="offline"),
    path("events/", console.event_list, name="events"),
    path("events/<int:event_id>/", console.event_detail, name="event"),
    path("events/<int:event_id>/snapshot", console.snapshot, name="snapshot"),
    path("platforms/", console.platforms, name="platforms"),
    path("platforms/<int:platform_id>/keys/", console.key_issue, name="key_issue"),
    path("keys/<int:key_id>/revoke/", console.key_revoke, name="key_revoke"),
    path("routes/", console.routes, name="routes"),
]
