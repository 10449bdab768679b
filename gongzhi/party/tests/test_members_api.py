"""The members' API beyond entering one (test_member_pages): a PATCH changes only what it names, ending a
membership, a transfer out returned by someone else, a dissolved organisation's members moved in as one
batch, and the xlsx import (dry run, all or nothing with row · column · Chinese reason, applied)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.party.enums import MemberKind, MemberStatus, TransferStatus
from gongzhi.party.models import MemberTransfer, PartyMember
from gongzhi.party.services.organizations import branch_layout_apply
from gongzhi.party.tests.test_branches import add_members
from gongzhi.party.tests.test_member_import import id_of, xlsx

JSON = "application/json"


def login(client, district, key):
    client.force_login(district.user(key))


def test_a_patch_changes_only_the_fields_it_names(client, district):
    members = add_members(district.grids["g1"], 3)
    [branch] = branch_layout_apply(actor=None, community_id=district.communities["A1"].pk)
    m = members[0]
    login(client, district, "community_worker")
    url = f"/api/v1/party/members/{m.pk}"
    r = client.patch(url, {"hub_household": True}, content_type=JSON)
    assert r.status_code == 200 and r.json()["hub_household"] is True
    assert r.json()["organization_id"] == branch.pk  # still in the branch
    r = client.patch(url, {"joined_on": "2001-07-01"}, content_type=JSON)
    assert (r.json()["joined_on"], r.json()["hub_household"], r.json()["organization_id"]) == (
        "2001-07-01",
        True,
        branch.pk,
    )
    r = client.patch(url, {"organization_id": None}, content_type=JSON)  # named: taken out of the branch
    assert r.json()["organization_id"] is None and r.json()["joined_on"] == "2001-07-01"
    r = client.patch(url, {"joined_on": "2999-01-01"}, content_type=JSON)
    assert r.status_code == 400 and "joined_on" in r.json()["fields"]


def test_the_api_ends_a_membership_and_a_transfer_out_is_returned_by_someone_else(client, district):
    first, second = add_members(district.grids["g1"], 2)
    login(client, district, "community_worker")
    r = client.post(f"/api/v1/party/members/{first.pk}/end", {"reason": "去世"}, content_type=JSON)
    assert r.status_code == 400 and "离册日期" in r.json()["fields"]["ended_on"]
    r = client.post(
        f"/api/v1/party/members/{first.pk}/end",
        {"ended_on": "2026-01-05", "reason": "去世"},
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["status"] == MemberStatus.ENDED
    r = client.post(
        f"/api/v1/party/members/{second.pk}/transfer-out",
        {
            "transferred_on": "2026-01-05",
            "letter_number": "济组转〔2026〕3号",
            "other_org_name": "外省某党支部",
        },
        content_type=JSON,
    )
    assert r.status_code == 201 and (r.json()["direction"], r.json()["status"]) == ("out", "pending")
    t_id = r.json()["id"]
    r = client.post(f"/api/v1/party/transfers/{t_id}/return", {"reason": "信息有误"}, content_type=JSON)
    assert r.status_code == 403 and r.json()["code"] == "own_work"
    login(client, district, "community_secretary")
    r = client.post(f"/api/v1/party/transfers/{t_id}/return", {"reason": ""}, content_type=JSON)
    assert r.status_code == 400
    r = client.post(f"/api/v1/party/transfers/{t_id}/return", {"reason": "介绍信抬头有误"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["status"] == TransferStatus.RETURNED
    second.refresh_from_db()
    assert second.status == MemberStatus.ACTIVE  # a returned transfer changes nothing
    listed = client.get("/api/v1/party/transfers", {"status": "returned"}).json()
    assert [t["id"] for t in listed] == [t_id]


def test_the_api_moves_a_dissolved_organisations_members_in_as_one_batch(client, district):
    persons = district.persons["g2"][:4]
    login(client, district, "community_worker")
    r = client.post(
        "/api/v1/party/transfers/bulk",
        {
            "community_code": district.communities["A1"].code,
            "other_org_name": "济阳县化肥厂党支部（已撤销）",
            "transferred_on": "2019-06-28",
            "letter_number": "济阳组转〔2019〕01号",
            "person_ids": [p.pk for p in persons],
        },
        content_type=JSON,
    )
    assert r.status_code == 201 and r.json()["count"] == 4
    batch = r.json()["batch"]
    assert MemberTransfer.objects.filter(batch=batch, status=TransferStatus.PENDING).count() == 4
    r = client.post(f"/api/v1/party/transfer-batches/{batch}/accept")
    assert r.status_code == 403 and r.json()["code"] == "own_work"
    login(client, district, "community_secretary")
    r = client.post(f"/api/v1/party/transfer-batches/{batch}/accept")
    assert r.status_code == 200 and r.json()["count"] == 4
    on_register = PartyMember.objects.filter(
        person__in=persons, kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE
    )
    assert on_register.count() == 4 and {m.grid_code for m in on_register} == {district.grids["g2"].code}
    assert client.post(f"/api/v1/party/transfer-batches/{batch}/accept").status_code == 404  # done
    party = client.get("/api/v1/overview").json()["party"]
    assert (party["members_community_managed"], party["transfers_in"]) == (4, 4)


def test_the_api_imports_members_all_or_nothing(client, district):
    persons = district.persons["g1"][:2]
    good = xlsx([[id_of(p), p.name, "1999-07-01", "", "否"] for p in persons])
    login(client, district, "community_worker")
    url = "/api/v1/party/members/import"
    r = client.post(url, {"file": SimpleUploadedFile("党员.xlsx", good), "dry_run": "true"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["created"]) == ("checked", 2)
    assert not PartyMember.objects.exists()
    bad = xlsx([[id_of(persons[0]), persons[0].name, "", "", ""], [id_of(persons[1]), "别人", "", "", ""]])
    r = client.post(url, {"file": SimpleUploadedFile("党员.xlsx", bad)})
    assert r.status_code == 400 and r.json()["code"] == "import_rejected"
    [error] = r.json()["errors"]
    assert (error["row"], error["column"]) == (3, "姓名") and any(
        "\u4e00" <= c <= "\u9fff" for c in error["message"]
    )
    assert not PartyMember.objects.exists()  # the good row was not written either
    r = client.post(url, {"file": SimpleUploadedFile("党员.xlsx", good)})
    assert r.status_code == 200 and (r.json()["status"], r.json()["created"]) == ("applied", 2)
    assert PartyMember.objects.filter(person__in=persons, status=MemberStatus.ACTIVE).count() == 2
