"""The demo's red property: companies and owners' committees for the demo estates, 13 同心桥 branches in
济阳街道, property matters through the four steps of the councils engine, a year of ratings and quarterly
assessments, reaching the overview."""

from django.utils import timezone

from gongzhi.councils.models import Topic
from gongzhi.property.models import PropertyAssessment, PropertyMatter, PropertyRating, TongxinqiaoBranch
from gongzhi.property.services._validation import quarter_containing


def test_demo_property_reaches_the_overview(demo, client):
    body = client.get("/api/v1/overview").json()["property"]
    assert body["companies"] == 12
    assert body["tongxinqiao_branches"] == 13
    assert body["owners_committees"] >= 13 and body["estates_covered"] >= body["owners_committees"]
    assert set(TongxinqiaoBranch.objects.values_list("subdistrict_code", flat=True)) == {"370115001000"}
    topics = Topic.objects.filter(source_kind="property")
    assert topics.count() == PropertyMatter.objects.count() == 7
    assert {"published", "declined", "voted_down", "implementing", "consulting", "proposed"} <= set(
        topics.values_list("status", flat=True)
    )
    q = quarter_containing(timezone.localdate())
    keys = [q.previous().previous().previous().key, q.previous().previous().key, q.previous().key, q.key]
    assert sorted(set(PropertyRating.objects.values_list("quarter", flat=True))) == keys
    assert sorted(set(PropertyAssessment.objects.values_list("quarter", flat=True))) == keys
    ranked = PropertyAssessment.objects.filter(
        quarter=q.key, subdistrict_code="370115001000", subject="branch"
    )
    assert sorted(ranked.values_list("rank", flat=True))[0] == 1 and ranked.count() == 13
    assert "红色物业" in demo
