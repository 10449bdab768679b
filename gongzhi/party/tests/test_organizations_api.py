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
