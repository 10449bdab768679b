"""The stairwell pages: the console list, a stairwell with its forms, an inspection with a photo from the
phone, the printable register and its xlsx (audited), the H5 page of a household, a vote and a claim."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.audit.models import AuditEvent
from gongzhi.stairwells.models import InspectionPhoto, StairwellInspection
from gongzhi.stairwells.services.captains import captain_election_open
from gongzhi.stairwells.tests.factories import member_living_on, stairwells

pytestmark = pytest.mark.django_db


def _photo() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = "楼道.jpg"
    return buf


def test_the_console_list_and_an_empty_state(district, client):
    client.force_login(district.user("community_worker"))
    r = client.get("/console/stairwells/")
    assert r.status_code == 200 and "还没有登记楼道" in r.content.decode()
    r = client.post(
        "/console/stairwells/register-community/", {"community_id": district.communities["A1"].pk}
    )
    assert r.status_code == 302
    page = client.get("/console/stairwells/").content.decode()
    assert "银山社区小区1号楼1单元" in page and "银山社区小区2号楼1单元" in page


def test_an_inspection_with_a_photo_from_the_phone_page(district, client, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    sw = stairwells(district)["g1"]
    client.force_login(district.user("grid_worker"))
    assert client.get(f"/console/stairwells/{sw.pk}/").status_code == 200
    r = client.post(
        f"/console/stairwells/{sw.pk}/inspect/",
        {
            "passed_items": ["hygiene", "clutter", "lighting", "notice_board"],
            "note": "电动车停放在楼道",
            "photos": [_photo()],
        },
    )
    assert r.status_code == 302
    row = StairwellInspection.objects.get(stairwell=sw)
    assert (row.passed, row.results["fire_safety"]) == (False, False)
    assert InspectionPhoto.objects.filter(inspection=row).count() == 1
    page = client.get(f"/console/stairwells/{sw.pk}/").content.decode()
    assert "电动车停放在楼道" in page
    client.force_login(district.user("grid_worker_g2"))
    assert client.get(f"/console/stairwells/{sw.pk}/").status_code == 404


def test_the_register_prints_and_its_xlsx_download_is_audited(district, client):
    from openpyxl import load_workbook

    stairwells(district)
    client.force_login(district.user("community_worker"))
    page = client.get("/console/stairwells/register/").content.decode()
    assert "文明楼道台账" in page and "银山社区小区1号楼1单元" in page
    before = AuditEvent.objects.filter(event_type="stairwells.register_downloaded").count()
    r = client.get("/console/stairwells/register.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][2] == "楼道" and len(rows) == 3
    assert AuditEvent.objects.filter(event_type="stairwells.register_downloaded").count() == before + 1
    assert client.get("/console/stairwells/figures/").status_code == 200


def test_a_household_votes_on_its_phone_and_a_member_claims_the_red_post(district, client):
    sw = stairwells(district)["g1"]
    e = captain_election_open(
        actor=district.user("grid_worker"), stairwell_id=sw.pk, candidate_ids=[district.persons["g1"][0].pk]
    )
    client.force_login(district.user("resident"))
    page = client.get("/h5/stairwells/").content.decode()
    assert "楼道长选举进行中" in page
    r = client.post(f"/h5/stairwells/elections/{e.pk}/vote/", {"candidate_id": e.candidates.get().pk})
    assert r.status_code == 302
    assert "本户已投票" in client.get("/h5/stairwells/").content.decode()
    member_living_on(district, district.persons["g1"][2], district.user("party_member"))
    client.force_login(district.user("party_member"))
    assert "认领红色楼长" in client.get("/h5/stairwells/").content.decode()
    client.post(f"/h5/stairwells/{sw.pk}/red-captain/")
    assert "红色楼长：测试" in client.get("/h5/stairwells/").content.decode()


def test_a_resident_without_a_stairwell_sees_what_to_do(district, client):
    client.force_login(district.user("resident"))
    assert "还没有找到您家所在的楼道" in client.get("/h5/stairwells/").content.decode()


def test_the_captain_inspects_on_the_h5_page_with_a_photo(district, client, tmp_path, settings):
    from gongzhi.stairwells.services.captains import captain_election_close, captain_vote_record_paper
    from gongzhi.stairwells.tests.factories import resident_account

    settings.MEDIA_ROOT = str(tmp_path)
    sw = stairwells(district)["g1"]
    person = district.persons["g1"][0]
    captain = resident_account(district, person, "captain-h5")
    e = captain_election_open(
        actor=district.user("grid_worker"), stairwell_id=sw.pk, candidate_ids=[person.pk]
    )
    for hh in district.households["g1"][:2]:
        captain_vote_record_paper(
            actor=district.user("grid_worker"),
            election_id=e.pk,
            household_id=hh.pk,
            candidate_id=e.candidates.get().pk,
        )
    captain_election_close(actor=district.user("grid_worker"), election_id=e.pk)
    client.force_login(captain)
    assert "检查楼道" in client.get("/h5/stairwells/").content.decode()
    r = client.post(f"/h5/stairwells/{sw.pk}/inspect/", {"passed_items": ["hygiene"]})
    assert r.status_code == 400 and "检查不合格，请填写整改意见" in r.content.decode()
    r = client.post(
        f"/h5/stairwells/{sw.pk}/inspect/",
        {
            "passed_items": ["hygiene", "clutter", "lighting", "fire_safety", "notice_board"],
            "photos": [_photo()],
        },
    )
    assert r.status_code == 302
    row = StairwellInspection.objects.get(stairwell=sw)
    assert (row.passed, row.inspector_role, row.photos.count()) == (True, "captain", 1)
    neighbour = resident_account(district, district.persons["g1"][2], "neighbour-h5")
    client.force_login(neighbour)
    assert client.get(f"/h5/stairwells/{sw.pk}/inspect/").status_code == 404


def test_the_stairwell_list_reads_in_a_fixed_number_of_queries(
    district, client, django_assert_max_num_queries
):
    stairwells(district)
    client.force_login(district.user("district_admin"))
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/stairwells/stairwells")
    assert len(r.json()) == 4
