"""Resident pages of points, mounted at h5/points/ (namespace ``points_h5``)."""

from django.urls import path

from gongzhi.points.views import h5

app_name = "points_h5"
urlpatterns = [
    path("", h5.mine, name="mine"),
    path("report/", h5.report, name="report"),
    path("shop/", h5.shop_page, name="shop"),
    path("shop/redeem/", h5.redeem, name="redeem"),
    path("receipts/<int:redemption_id>/", h5.receipt, name="receipt"),
    path("board/<str:community_code>/", h5.board, name="board"),
]
