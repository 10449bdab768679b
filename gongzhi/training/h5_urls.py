"""Trainee pages of the grid academy, mounted at h5/training/ (namespace ``training_h5``)."""

from django.urls import path

from gongzhi.training.views import h5

app_name = "training_h5"
urlpatterns = [
    path("", h5.mine, name="mine"),
    path("scan/<str:token>/", h5.scan, name="scan"),
    path("certificates/<int:certificate_id>.pdf", h5.certificate_pdf, name="certificate_pdf"),
]
