"""Console pages of points, mounted at console/points/ (namespace ``points``)."""

from django.urls import path

from gongzhi.points.views import console

app_name = "points"
urlpatterns = [
    path("rules/", console.rule_list, name="rules"),
    path("rules/<int:rule_id>/", console.rule_detail, name="rule_detail"),
    path("claims/", console.claim_list, name="claims"),
    path("claims/<int:claim_id>/decide/", console.claim_decide, name="claim_decide"),
    path("claims/harvest/", console.claims_harvest, name="claims_harvest"),
    path("meetings/", console.meeting_create, name="meeting_create"),
    path("accounts/", console.accounts, name="accounts"),
    path("postings/", console.postings, name="postings"),
    path("postings/<int:posting_id>/reverse/", console.posting_reverse, name="posting_reverse"),
    path("goods/", console.goods_list, name="goods"),
    path("goods/<int:goods_id>/", console.goods_detail, name="goods_detail"),
    path("counter/", console.counter, name="counter"),
    path("redemptions/", console.redemptions, name="redemptions"),
    path("redemptions/<int:redemption_id>/", console.receipt, name="receipt"),
]
