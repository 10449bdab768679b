"""The demo's joint 创城 action: its tallies 26 / 15 / 120+ / 16 / 11 are counted from the findings it
recorded (three abandoned cars became tickets), the rounds have duties, checks and missed rounds; all of
it reaches the overview."""

from gongzhi.campaigns import selectors
from gongzhi.campaigns.models import Campaign, Finding, InspectionCheck, InspectionDuty


def test_the_chuangcheng_tallies_are_counted_from_findings(demo, client):
    joint = Campaign.objects.get(title="创建全国文明城市环境秩序联合整治行动")
    by = {t["code"]: t for t in selectors.campaign_tallies(campaign=joint)["types"]}
    assert [
        by[c]["findings"] for c in ("street_business", "public_drying", "small_ads", "abandoned_car")
    ] == [
        26,
        15,
        16,
        11,
    ]
    assert by["bike_parking"]["findings"] >= 120
    assert (
        by["abandoned_car"]["tickets"]
        == 3
        == Finding.objects.filter(campaign=joint, ticket__isnull=False).count()
    )
    assert joint.departments.count() == 4
    body = client.get("/api/v1/overview").json()["campaigns"]
    assert body == {
        "campaigns_this_year": Campaign.objects.filter(
            starts_on__year=selectors.timezone.localdate().year
        ).count(),
        "findings": Finding.objects.count(),
        "findings_to_tickets": Finding.objects.filter(ticket__isnull=False).count(),
    }
    assert body["findings"] >= 191
    assert InspectionDuty.objects.exists() and InspectionCheck.objects.exists()
    assert "联合行动与巡查" in demo
