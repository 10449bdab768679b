"""Console pages of the venues, mounted at console/venues/ (namespace ``venues``)."""

from django.urls import path

from gongzhi.venues.views import console

app_name = "venues"
urlpatterns = [
    path("", console.venue_list, name="list"),
    path("map/", console.circle_map, name="map"),
    path("<int:venue_id>/", console.venue_detail, name="detail"),
    path("<int:venue_id>/book/", console.venue_book, name="book"),
    path("<int:venue_id>/inspect/", console.venue_inspect, name="inspect"),
    path("bookings/<int:booking_id>/cancel/", console.booking_cancel, name="booking_cancel"),
]
