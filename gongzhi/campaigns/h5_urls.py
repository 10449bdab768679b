"""The inspectors' phone pages of campaigns, mounted at h5/campaigns/ (namespace ``campaigns_h5``)."""

from django.urls import path

from gongzhi.campaigns.views import h5

app_name = "campaigns_h5"
urlpatterns = [
    path("", h5.mine, name="mine"),
    path("<int:campaign_id>/record/", h5.record, name="record"),
    path("duties/<int:duty_id>/check/", h5.check, name="check"),
]
