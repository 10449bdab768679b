"""The stairwells API: the scoped list, an inspection (bad input answered in Chinese, nothing written),
a household's vote (a second one is a Chinese 409), the red-captain claim, the figures and the overview."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.stairwells.models import ElectionVote, StairwellInspection
from gongzhi.stairwells.services.captains import captain_election_open
from gongzhi.stairwells.tests.factories import ALL_PASS, member_living_on, stairwells

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_list_is_scoped_by_grid(district, client):
    s = stairwells(district)
    client.force_login(district.user("grid_worker_g2"))
    rows = client.get("/api/v1/stairwells/stairwells").json()
    assert [r["id"] for r in rows] == [s["g2"].pk]
    assert client.get(f"/api/v1/stairwells/stairwells/{s['g1'].pk}").status_code == 404
    client.force_login(district.user("district_admin"))
    assert len(client.get("/api/v1/stairwells/stairwells").json()) == 4


def test_an_inspection_through_the_api_and_bad_input_in_chinese(district, client):
    sw = stairwells(district)["g1"]
    client.force_login(district.user("grid_worker"))
    url = f"/api/v1/stairwells/stairwells/{sw.pk}/inspections"
    before = (StairwellInspection.objects.count(), AuditEvent.objects.count())
    r = client.post(url, {"results": {**ALL_PASS, "fire_safety": False}}, content_type=JSON)
    assert r.status_code == 400
    assert r.json()["fields"] == {"note": "检查不合格，请填写整改意见"}
    r = client.post(url, {"results": {"lighting": True, "电梯": True}}, content_type=JSON)
    assert r.status_code == 400 and "无法识别的检查项：电梯" in r.json()["message"]
    assert (StairwellInspection.objects.count(), AuditEvent.objects.count()) == before
    r = client.post(url, {"results": ALL_PASS}, content_type=JSON)
    assert r.status_code == 201 and r.json()["passed"] is True
    client.force_login(district.user("grid_worker_g2"))
    assert client.post(url, {"results": ALL_PASS}, content_type=JSON).status_code == 404


def test_one_vote_per_household_through_the_api(district, client):
    sw = stairwells(district)["g1"]
    e = captain_election_open(
        actor=district.user("grid_worker"), stairwell_id=sw.pk, candidate_ids=[district.persons["g1"][0].pk]
    )
    cand = e.candidates.get()
    client.force_login(district.user("resident"))
    url = f"/api/v1/stairwells/elections/{e.pk}/votes"
    assert client.post(url, {"candidate_id": cand.pk}, content_type=JSON).status_code == 201
    r = client.post(url, {"candidate_id": cand.pk}, content_type=JSON)
    assert r.status_code == 409 and r.json()["message"] == "本户已投过票，每户只能投一票"
    assert ElectionVote.objects.filter(election=e).count() == 1


def test_the_red_captain_claim_and_the_figures(district, client):
    sw = stairwells(district)["g1"]
    member_living_on(district, district.persons["g1"][2], district.user("party_member"))
    client.force_login(district.user("party_member"))
    r = client.post(f"/api/v1/stairwells/stairwells/{sw.pk}/red-captain")
    assert r.status_code == 201 and r.json()["kind"] == "red_captain"
    r = client.post(f"/api/v1/stairwells/stairwells/{sw.pk}/red-captain")
    assert r.status_code == 409 and "红色楼长" in r.json()["message"]
    client.force_login(district.user("community_worker"))
    rows = client.get("/api/v1/stairwells/figures").json()
    assert rows[0]["red_captains"] == 1 and rows[0]["stairwells"] == 2


def test_the_overview_counts_stairwells_from_records(district, client):
    from gongzhi.stairwells.services.inspections import stairwell_inspect

    sw = stairwells(district)["g1"]
    import datetime as dt

    from django.utils import timezone

    worker = district.user("grid_worker")
    stairwell_inspect(
        actor=worker,
        stairwell_id=sw.pk,
        results=ALL_PASS,
        inspected_on=timezone.localdate() - dt.timedelta(days=1),
    )
    stairwell_inspect(actor=worker, stairwell_id=sw.pk, results=ALL_PASS)
    body = client.get("/api/v1/overview").json()
    assert body["stairwells"] == {"stairwells": 4, "named": 1}
