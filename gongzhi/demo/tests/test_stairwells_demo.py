"""The demo's civilised stairwells (seed 001): every building entrance on the register, the naming from a
year of inspections through the rule (some revoked), captains and red captains, the elections."""

from gongzhi.stairwells import naming
from gongzhi.stairwells.models import Captain, CaptainElection, Stairwell, StairwellInspection


def test_demo_stairwells_are_named_by_the_rule_and_reach_the_overview(demo, client):
    from gongzhi.places.models import Building

    body = client.get("/api/v1/overview").json()["stairwells"]
    assert body["stairwells"] == Stairwell.objects.count() >= Building.objects.count()
    assert body["named"] == Stairwell.objects.filter(status="named").count() > 0
    assert Stairwell.objects.filter(status="revoked").exists()
    # every stairwell's standing is what the rule makes of its inspections
    for sw in Stairwell.objects.filter(status__in=("named", "revoked")):
        rows = StairwellInspection.objects.filter(stairwell=sw).order_by("inspected_on", "id")
        standing = naming.replay([(r.inspected_on, r.passed) for r in rows])
        assert (standing.status, standing.named_on, standing.next_due) == (
            sw.status,
            sw.named_on,
            sw.next_due_on,
        )
    assert Captain.objects.filter(kind="captain", election__isnull=False).count() == 1
    assert Captain.objects.filter(kind="red_captain").exists() or not Captain.objects.exists()
    assert set(CaptainElection.objects.values_list("status", flat=True)) == {"closed", "open"}
    assert "文明楼道" in demo
