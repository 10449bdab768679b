"""Resident pages of the venues, mounted at h5/venues/ (namespace ``venues_h5``)."""

from django.urls import path

from gongzhi.venues.views import h5

app_name = "venues_h5"
urlpatterns = [
    path("", h5.venue_list, name="list"),
    path("<int:venue_id>/", h5.venue_detail, name="detail"),
    path("bookings/<int:booking_id>/cancel/", h5.booking_cancel, name="booking_cancel"),
]
