"""The demo's points scheme: rules, a year of weekly reviews, a whole ledger, 17 kinds of prizes per
community and redemptions, through the services (audited), reaching the overview."""

import json
from io import StringIO

from django.core.management import call_command

from gongzhi.audit.models import AuditEvent
from gongzhi.points.enums import ClaimStatus
from gongzhi.points.models import Claim, Goods, Redemption, ReviewMeeting


def test_demo_points_reach_the_overview_and_the_ledger_verifies(demo, client):
    body = client.get("/api/v1/overview").json()["points"]
    assert body["rules"] >= 9 and body["shop_items"] == Goods.objects.filter(active=True).count()
    assert body["points_redeemed_this_year"] == sum(Redemption.objects.values_list("points", flat=True))
    per_community = {
        c: Goods.objects.filter(community_code=c).count()
        for c in Goods.objects.values_list("community_code", flat=True)
    }
    assert set(per_community.values()) == {17}
    assert ReviewMeeting.objects.count() >= 52
    decided = Claim.objects.exclude(status=ClaimStatus.PENDING)
    assert decided.filter(status=ClaimStatus.CHANGED).exclude(decision_reason="").exists()
    assert decided.filter(status=ClaimStatus.REJECTED).exists()
    assert Redemption.objects.exists()
    one_by_one = AuditEvent.objects.filter(event_type="points.claim_decided").count()
    lists = AuditEvent.objects.filter(event_type="points.claims_approved")
    assert lists.exists()
    assert one_by_one + sum(e.data["approved"] for e in lists) == decided.count()
    out = StringIO()
    call_command("points_verify", stdout=out)
    report = json.loads(out.getvalue())
    assert report["chains_ok"] and report["balances_ok"] and report["postings"] > 0
    assert "积分制管理" in demo
