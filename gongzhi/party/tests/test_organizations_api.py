from gongzhi.party.services.organizations import branch_layout_apply
from gongzhi.party.tests.test_branches import add_members


def login(client, district, key):
    client.force_login(district.user(key))


def test_proposal_apply_coverage_and_tree_through_the_api(client, district):
    a1 = district.communities["A1"]
    add_members(district.grids["g1"], 2)
    add_members(district.grids["g2"], 1)
    login(client, district, "community_worker")
    r = client.get(f"/api/v1/party/communities/{a1.code}/branch-proposal")
    assert r.status_code == 200 and r.json()["joint"] == 1
    # A community worker reads but does not apply; another community is not there at all.
    assert client.post(f"/api/v1/party/communities/{a1.code}/branch-layout").status_code == 404
    code_b1 = district.communities["B1"].code
    assert client.get(f"/api/v1/party/communities/{code_b1}/branch-proposal").status_code == 404
    login(client, district, "community_secretary")
    r = client.post(f"/api/v1/party/communities/{a1.code}/branch-layout")
    assert r.status_code == 200 and [o["kind"] for o in r.json()] == ["joint_branch"]
    cov = client.get("/api/v1/party/coverage").json()
    assert cov["total"]["branches_joint"] == 1 and cov["total"]["grids_in_joint_branches"] == 2
    tree = client.get("/api/v1/party/organizations").json()
    assert [o["kind"] for o in tree] == ["community_committee", "joint_branch"]  # committee out of scope
    login(client, district, "subdistrict_staff")
    kinds = [o["kind"] for o in client.get("/api/v1/party/organizations").json()]
    assert kinds == ["working_committee", "community_committee", "joint_branch"]


def test_console_pages(client, district):
    a1 = district.communities["A1"]
    add_members(district.grids["g1"], 3)
    branch_layout_apply(actor=None, community_id=a1.pk)
    login(client, district, "community_secretary")
    page = client.get("/console/party/organizations/").content.decode()
    assert "网格党支部" in page and "1/2" in page
    page = client.get(f"/console/party/communities/{a1.code}/branches/").content.decode()
    assert "应用" in page
    r = client.post(f"/console/party/communities/{a1.code}/branches/")
    assert r.status_code == 302
    assert "党员" in client.get("/console/party/members/").content.decode()
    login(client, district, "community_worker")
    assert (
        "应用</button>" not in client.get(f"/console/party/communities/{a1.code}/branches/").content.decode()
    )


def test_the_api_applies_only_the_diff_the_secretary_saw(client, district):
    from gongzhi.party.enums import BRANCH_KINDS
    from gongzhi.party.models import PartyOrganization

    a1 = district.communities["A1"]
    add_members(district.grids["g1"], 3)
    login(client, district, "community_secretary")
    seen = client.get(f"/api/v1/party/communities/{a1.code}/branch-diff").json()
    assert seen["counts"]["new"] == 1 and seen["members_moving_count"] == 3
    add_members(district.grids["g2"], 3)  # the register changes after the secretary looked
    url = f"/api/v1/party/communities/{a1.code}/branch-layout"
    r = client.post(f"{url}?fingerprint={seen['fingerprint']}")
    assert r.status_code == 409 and r.json()["code"] == "stale_proposal" and "重新查看" in r.json()["message"]
    assert not PartyOrganization.objects.filter(kind__in=BRANCH_KINDS).exists()
    now = client.get(f"/api/v1/party/communities/{a1.code}/branch-diff").json()
    assert now["fingerprint"] != seen["fingerprint"] and now["counts"]["new"] == 2
    r = client.post(f"{url}?fingerprint={now['fingerprint']}")
    assert r.status_code == 200 and [o["kind"] for o in r.json()] == ["grid_branch", "grid_branch"]
    assert client.get(f"/api/v1/party/communities/{a1.code}/branch-diff").json()["changed"] is False


def test_the_api_renames_and_sets_the_secretary_both_or_neither(client, district):
    from gongzhi.audit.models import AuditEvent
    from gongzhi.party.models import PartyOrganization

    a1 = district.communities["A1"]
    add_members(district.grids["g1"], 3)
    [branch] = branch_layout_apply(actor=None, community_id=a1.pk)
    login(client, district, "community_secretary")
    url = f"/api/v1/party/organizations/{branch.pk}"
    r = client.patch(
        url, {"name": "银山第一网格党支部", "secretary_name": "王" * 51}, content_type="application/json"
    )
    assert r.status_code == 400 and "书记姓名" in r.json()["fields"]["name"]
    branch.refresh_from_db()
    assert branch.name != "银山第一网格党支部" and branch.secretary_name == ""  # the rename was not kept
    assert not AuditEvent.objects.filter(event_type="party.org_renamed").exists()
    r = client.patch(url, {}, content_type="application/json")
    assert r.status_code == 400
    r = client.patch(
        url, {"name": "银山第一网格党支部", "secretary_name": "王书记"}, content_type="application/json"
    )
    assert r.status_code == 200 and (r.json()["name"], r.json()["secretary_name"]) == (
        "银山第一网格党支部",
        "王书记",
    )
    assert PartyOrganization.objects.get(pk=branch.pk).secretary_name == "王书记"
    assert {e.event_type for e in AuditEvent.objects.filter(target_id=str(branch.pk))} >= {
        "party.org_renamed",
        "party.secretary_set",
    }
