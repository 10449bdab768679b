"""The party app's resident pages, mounted at h5/party/."""

from django.urls import path

from gongzhi.party.views import h5

app_name = "party_h5"
urlpatterns = [
    # 在职党员报到: a party member registers with the community where they live.
    path("register/", h5.register, name="register"),
]
