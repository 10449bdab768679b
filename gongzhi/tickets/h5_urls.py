"""The resident's ticket pages (随手拍, 我的反映), mounted at /h5/tickets/ (namespace ``tickets_h5``)."""

from django.urls import path

from gongzhi.tickets.views import h5, public

app_name = "tickets_h5"
urlpatterns = [
    path("", h5.mine, name="mine"),
    path("new/", h5.report, name="report"),
    path("nearby/", h5.nearby, name="nearby"),
    path("<int:ticket_id>/join/", h5.join, name="join"),
    path("public/", public.index, name="public_index"),
    path("public/<str:community_code>/", public.community, name="public"),
    path("public/photos/<int:photo_id>/", public.photo, name="public_photo"),
    path("<int:ticket_id>/", h5.detail, name="detail"),
    path("<int:ticket_id>/rate/", h5.rate, name="rate"),
    path("<int:ticket_id>/photos/<int:photo_id>/", h5.photo, name="photo"),
]
