"""The party app's resident pages, mounted at h5/party/."""

from django.urls import path

from gongzhi.party.views import h5, mine

app_name = "party_h5"
urlpatterns = [
    # 在职党员报到: a party member registers with the community where they live.
    path("register/", h5.register, name="register"),
    path("register/<int:registration_id>/done/", h5.register_done, name="register_done"),
    # The in-service member's own pages: card, items to claim, service records and hours.
    path("me/", mine.me, name="me"),
    path("items/", mine.items, name="items"),
    path("items/<int:item_id>/claim/", mine.claim, name="claim"),
    path("service/", mine.service, name="service"),
    # The unit liaison's page.
    path("unit/", mine.unit, name="unit"),
]
