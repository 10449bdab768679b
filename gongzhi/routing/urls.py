"""Console pages of routing, mounted at console/routing/ (namespace ``routing``)."""

from django.urls import path

from gongzhi.routing.views import console

app_name = "routing"
urlpatterns = [
    path("", console.overview, name="overview"),
    path("review/", console.review, name="review"),
    path("mapping/", console.mapping, name="mapping"),
    path("keywords/", console.keywords, name="keywords"),
    path("keywords/mine/", console.keywords_mine, name="keywords_mine"),
    path("keywords/decide/", console.keywords_decide, name="keywords_decide"),
    path("retrain/", console.retrain, name="retrain"),
]
