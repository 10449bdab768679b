"""The console pages of the member register, the transfers, the import, the organisation tree edited by
people, the proposal's diff and the coverage table downloads; and the overview's party figures."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from gongzhi.party.enums import MemberKind, OrgKind, TransferStatus
from gongzhi.party.models import MemberTransfer, PartyMember, PartyOrganization
from gongzhi.party.services import members as ms
from gongzhi.party.services.organizations import branch_layout_apply, community_member_add
from gongzhi.party.tests.test_branches import add_members


def login(client, district, key):
    client.force_login(district.user(key))


def test_member_list_searches_filters_and_pages(client, district):
    members = add_members(district.grids["g1"], 3) + add_members(district.grids["g2"], 2)
    login(client, district, "community_worker")
    page = client.get("/console/party/members/").content.decode()
    assert all(m.name in page for m in members) and "共5人" in page
    first = members[0]
    page = client.get("/console/party/members/", {"q": first.name}).content.decode()
    assert "共1人" in page
    page = client.get("/console/party/members/", {"q": "dangyuan"}).content.decode()  # 党员… by pinyin
    assert "共5人" in page
    page = client.get("/console/party/members/", {"grid": district.grids["g2"].code}).content.decode()
    assert "共2人" in page
    page = client.get("/console/party/members/", {"kind": "in_service"}).content.decode()
    assert "共0人" in page and "没有符合条件的党员" in page
    from gongzhi.party import selectors  # noqa: F401
    from gongzhi.party.selectors.organizations import party_member_page_for_actor

    rows, count, after = party_member_page_for_actor(actor=district.user("community_worker"), limit=2)
    assert (len(rows), count) == (2, 5) and after == rows[-1].pk
    rest, _c, last = party_member_page_for_actor(
        actor=district.user("community_worker"), limit=2, after=after
    )
    assert rest[0].pk > after and last is not None
    # a grid worker of g2 sees only g2's members
    login(client, district, "grid_worker_g2")
    assert "共2人" in client.get("/console/party/members/").content.decode()


def test_enter_edit_and_end_a_member_through_the_pages(client, district):
    login(client, district, "community_worker")
    person = district.persons["g1"][0]
    page = client.get("/console/party/members/new/", {"q": person.name}).content.decode()
    assert person.name in page
    r = client.post("/console/party/members/new/", {"person_id": person.pk, "joined_on": "1999-07-01"})
    member = PartyMember.objects.get(person=person)
    assert r.status_code == 302 and r["Location"].endswith(f"/members/{member.pk}/")
    r = client.post(f"/console/party/members/{member.pk}/", {"action": "hub", "hub": "1"})
    member.refresh_from_db()
    assert member.hub_household
    r = client.post(
        f"/console/party/members/{member.pk}/", {"action": "end", "ended_on": "", "reason": "去世"}
    )
    member.refresh_from_db()
    assert member.status == "active"  # refused: no date; the message says so
    page = client.get(f"/console/party/members/{member.pk}/").content.decode()
    assert "请填写离册日期" in page
    other = community_member_add(actor=None, person_id=district.persons["g4"][0].pk)
    assert client.get(f"/console/party/members/{other.pk}/").status_code == 404


def test_transfer_pages_record_then_someone_else_accepts(client, district):
    from gongzhi.core import ids

    person = district.persons["g1"][1]
    login(client, district, "community_worker")
    r = client.post(
        "/console/party/transfers/",
        {
            "action": "in",
            "id_number": ids.decrypt(person.id_number_encrypted),
            "other_org_name": "济南某厂党委",
            "transferred_on": "2019-06-28",
            "letter_number": "济组转字〔2019〕40号",
        },
    )
    assert r.status_code == 302
    t = MemberTransfer.objects.get(person=person)
    page = client.get("/console/party/transfers/").content.decode()
    assert "由他人接收" in page
    client.post(f"/console/party/transfers/{t.pk}/decide/", {"action": "accept"})
    t.refresh_from_db()
    assert t.status == TransferStatus.PENDING  # own work refused
    login(client, district, "community_secretary")
    client.post(f"/console/party/transfers/{t.pk}/decide/", {"action": "accept"})
    t.refresh_from_db()
    assert t.status == TransferStatus.ACCEPTED and PartyMember.objects.filter(person=person).exists()
    # bulk from the page, accepted by the other
    others = district.persons["g2"][:3]
    r = client.post(
        "/console/party/transfers/",
        {
            "action": "bulk",
            "community": district.communities["A1"].code,
            "other_org_name": "济阳化肥厂党委",
            "transferred_on": "2019-06-28",
            "letter_number": "40号",
            "id_numbers": "\n".join(ids.decrypt(p.id_number_encrypted) for p in others),
        },
    )
    batch = MemberTransfer.objects.filter(person__in=others).values_list("batch", flat=True).first()
    assert batch
    login(client, district, "community_worker")
    client.post(f"/console/party/transfer-batches/{batch}/accept/")
    assert PartyMember.objects.filter(person__in=others, kind=MemberKind.COMMUNITY_MANAGED).count() == 3
    r = client.get("/api/v1/overview").json()["party"]
    assert (r["members_community_managed"], r["transfers_in"]) == (4, 4)
    public = client.get("/overview/").content.decode()  # the public page shows them too
    assert "<dt>社区管理党员（自管）</dt><dd>4人</dd>" in public
    assert "<dt>组织关系转入（累计）</dt><dd>4人</dd>" in public


def test_import_page_and_template(client, district):
    login(client, district, "community_worker")
    r = client.get("/console/party/members/import/template.xlsx")
    assert r.status_code == 200
    content = r.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/console/party/members/import/", {"file": SimpleUploadedFile("t.xlsx", content)})
    page = r.content.decode()
    assert "校验未通过" in page and "示例行" in page
    from gongzhi.party.models import MemberImport

    record = MemberImport.objects.latest("id")
    r = client.get(f"/console/party/members/imports/{record.pk}/errors.xlsx")
    assert r.status_code == 200
    from gongzhi.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        event_type="party.member_import_report_downloaded", target_id=str(record.pk)
    ).exists()
    login(client, district, "grid_worker_g2")
    assert client.get(f"/console/party/members/imports/{record.pk}/errors.xlsx").status_code == 404


def test_the_tree_is_edited_by_people(client, district):
    login(client, district, "subdistrict_staff")
    sub = district.subdistricts["A"]
    client.post("/console/party/organizations/new/", {"kind": "working_committee", "place": sub.pk})
    working = PartyOrganization.objects.get(kind=OrgKind.WORKING_COMMITTEE)
    login(client, district, "community_worker")
    a1 = district.communities["A1"]
    client.post("/console/party/organizations/new/", {"kind": "community_committee", "place": a1.pk})
    committee = PartyOrganization.objects.get(kind=OrgKind.COMMUNITY_COMMITTEE)
    assert committee.parent_id == working.pk
    client.post(
        "/console/party/organizations/new/",
        {"kind": "estate_branch", "place": a1.pk, "name": "银山小区党支部"},
    )
    estate = PartyOrganization.objects.get(kind=OrgKind.ESTATE_BRANCH)
    assert estate.parent_id == committee.pk
    add_members(district.grids["g1"], 3)
    branch = branch_layout_apply(actor=None, community_id=a1.pk)[0]
    client.post(
        "/console/party/organizations/new/",
        {"kind": "building_group", "place": branch.pk, "name": "3号楼党小组"},
    )
    assert PartyOrganization.objects.filter(kind=OrgKind.BUILDING_GROUP, parent=branch).exists()
    client.post(
        f"/console/party/organizations/{branch.pk}/", {"action": "rename", "name": "银山第一网格党支部"}
    )
    client.post(
        f"/console/party/organizations/{branch.pk}/", {"action": "secretary", "secretary_name": "王书记"}
    )
    branch.refresh_from_db()
    assert (branch.name, branch.secretary_name) == ("银山第一网格党支部", "王书记")
    client.post(
        f"/console/party/organizations/{branch.pk}/", {"action": "secretary", "secretary_name": "赵书记"}
    )
    branch.refresh_from_db()
    assert branch.secretary_name == "赵书记"
    # the working committee is not the community worker's to rename
    assert (
        client.post(
            f"/console/party/organizations/{working.pk}/", {"action": "rename", "name": "x"}
        ).status_code
        == 404
    )


def test_proposal_page_shows_the_diff_and_the_coverage_table_downloads(client, district):
    a1 = district.communities["A1"]
    add_members(district.grids["g1"], 3)
    branch_layout_apply(actor=None, community_id=a1.pk)
    add_members(district.grids["g2"], 3)
    login(client, district, "community_secretary")
    page = client.get(f"/console/party/communities/{a1.code}/branches/").content.decode()
    assert 'data-change="new"' in page and 'data-change="unchanged"' in page and "应用以上调整" in page
    r = client.post(f"/console/party/communities/{a1.code}/branches/", {"fingerprint": "stale"})
    assert PartyOrganization.objects.filter(kind=OrgKind.GRID_BRANCH, active=True).count() == 1
    import re

    found = re.search(r'name="fingerprint" value="(\w+)"', page)
    assert found is not None
    fp = found.group(1)
    client.post(f"/console/party/communities/{a1.code}/branches/", {"fingerprint": fp})
    assert PartyOrganization.objects.filter(kind=OrgKind.GRID_BRANCH, active=True).count() == 2
    r = client.get(f"/console/party/communities/{a1.code}/coverage.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.get(f"/console/party/communities/{a1.code}/coverage.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet: Any = wb.active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "已覆盖居民网格" in values and district.grids["g2"].code in values
    assert (
        client.get(f"/console/party/communities/{district.communities['B1'].code}/coverage.pdf").status_code
        == 404
    )


def test_transfer_dates_are_never_in_the_future(district):
    from gongzhi.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        ms.transfer_in_record(
            actor=None,
            person_id=district.persons["g1"][0].pk,
            data=ms.TransferInput(dt.date.today() + dt.timedelta(days=3), "1号", other_org_name="x"),
        )


def test_the_api_enters_lists_transfers_and_edits_the_tree(client, district):
    login(client, district, "community_worker")
    person = district.persons["g1"][0]
    r = client.post(
        "/api/v1/party/members",
        {"person_id": person.pk, "joined_on": "1999-07-01"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["grid_code"] == person.grid_code
    member_id = r.json()["id"]
    r = client.post("/api/v1/party/members", {"person_id": person.pk}, content_type="application/json")
    assert r.status_code == 400 and "已登记" in r.json()["fields"]["person_id"]
    r = client.get("/api/v1/party/members", {"q": person.name[:2]})
    assert r.json()["count"] == 1 and r.json()["items"][0]["grid_name"]
    r = client.patch(
        f"/api/v1/party/members/{member_id}", {"hub_household": True}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["hub_household"] is True
    r = client.post(
        "/api/v1/party/transfers",
        {
            "person_id": district.persons["g1"][1].pk,
            "transferred_on": "2019-06-28",
            "letter_number": "1号",
            "other_org_name": "某厂党委",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    t_id = r.json()["id"]
    r = client.post(f"/api/v1/party/transfers/{t_id}/accept")
    assert r.status_code == 403 and r.json()["code"] == "own_work"
    login(client, district, "community_secretary")
    assert client.post(f"/api/v1/party/transfers/{t_id}/accept").json()["status"] == "accepted"
    r = client.post(
        "/api/v1/party/organizations",
        {"kind": "community_committee", "place_id": district.communities["A1"].pk},
        content_type="application/json",
    )
    assert r.status_code == 400  # no working committee yet: a Chinese message
    assert "党工委" in r.json()["message"]
    r = client.post(
        "/api/v1/party/organizations", {"kind": "nonsense", "place_id": 1}, content_type="application/json"
    )
    assert r.status_code == 400
    diff = client.get(f"/api/v1/party/communities/{district.communities['A1'].code}/branch-diff").json()
    assert diff["changed"] is False and diff["members_moving_count"] == 0
    assert (
        client.get(f"/api/v1/party/communities/{district.communities['B1'].code}/branch-diff").status_code
        == 404
    )


def _joint_in_a1(district) -> PartyOrganization:
    """A1's two grids (2 + 1 members, sharing an edge) under one joint branch with a secretary."""
    from gongzhi.party.services.organizations import org_set_secretary

    add_members(district.grids["g1"], 2)
    add_members(district.grids["g2"], 1)
    [joint] = branch_layout_apply(actor=None, community_id=district.communities["A1"].pk)
    assert joint.kind == OrgKind.JOINT_BRANCH
    return org_set_secretary(actor=None, org_id=joint.pk, secretary_name="李书记")


def test_the_coverage_xlsx_lists_the_figures_and_the_joint_branch_with_the_grids_it_covers(client, district):
    joint = _joint_in_a1(district)
    g1, g2 = district.grids["g1"], district.grids["g2"]
    login(client, district, "community_secretary")
    r = client.get(f"/console/party/communities/{district.communities['A1'].code}/coverage.xlsx")
    assert r.status_code == 200
    sheet: Any = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "济阳街道银山社区网格党组织覆盖情况表"
    figures = {row[0]: row[1] for row in rows if row[0] and isinstance(row[1], int)}
    assert figures == {
        "居民网格": 2,
        "独立网格党支部": 0,
        "联合党支部": 1,
        "联合党支部覆盖网格": 2,
        "已覆盖居民网格": 2,
    }
    grid_rows = {row[0]: row for row in rows if row[0] in (g1.code, g2.code)}
    assert grid_rows[g1.code][2:5] == [2, joint.name, "是"] and grid_rows[g2.code][2:5] == [
        1,
        joint.name,
        "是",
    ]
    [joint_row] = [row for row in rows if row[0] == joint.name]
    assert joint_row[1:4] == ["李书记", f"{g1.name}、{g2.name}", 3]


@pytest.mark.pdf
def test_the_coverage_pdf_prints_the_same_table(client, district):
    import shutil
    import subprocess

    joint = _joint_in_a1(district)
    login(client, district, "community_secretary")
    r = client.get(f"/console/party/communities/{district.communities['A1'].code}/coverage.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    text = subprocess.run(  # noqa: S603 (fixed argv, the PDF on stdin)
        [pdftotext, "-", "-"], input=r.content, check=True, capture_output=True
    ).stdout.decode()
    compact = "".join(text.split())
    assert "银山社区网格党组织覆盖情况表" in compact and "联合党支部及覆盖网格" in compact
    assert "".join(joint.name.split()) in compact and "李书记" in compact
    assert district.grids["g1"].name in compact and district.grids["g2"].name in compact
