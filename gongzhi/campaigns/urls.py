"""Console pages of campaigns and inspection rounds, mounted at console/campaigns/ (namespace ``campaigns``)."""

from django.urls import path

from gongzhi.campaigns.views import console

app_name = "campaigns"
urlpatterns = [
    path("", console.campaign_list, name="list"),
    path("<int:campaign_id>/", console.campaign_detail, name="detail"),
    path("<int:campaign_id>/duties/", console.duty_create, name="duty_create"),
    path("<int:campaign_id>/close/", console.campaign_close, name="close"),
    path("photos/<int:photo_id>/", console.finding_photo, name="photo"),
    path("types/", console.finding_types, name="types"),
    path("missed/", console.missed, name="missed"),
]
