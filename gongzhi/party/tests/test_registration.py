from __future__ import annotations

from dataclasses import dataclass

import pytest

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.roles import Role
from gongzhi.party.models import MemberRegistration, PartyMember
from gongzhi.party.selectors import registration as reg_selectors
from gongzhi.party.services import registration as reg
from gongzhi.party.tests.test_units import make_uscc
from gongzhi.party.transitions import REGISTRATION


@dataclass
class Party:
    u1: object
    u2: object
    u3: object
    r_self: MemberRegistration
    r_u2: MemberRegistration
    r_b1: MemberRegistration


def member_args(district, community="A1", **kw):
    args = {
        "community_id": district.communities[community].pk,
        "name": "张在职",
        "phone": "13906412345",
        "address": "银山小区3号楼1单元201",
        "skills": ["medical", "legal"],
        "services_offered": "义诊、法律咨询",
        "available_times": "周末上午",
    }
    args.update(kw)
    return args


@pytest.fixture
def party(district) -> Party:
    cw = district.user("community_worker")
    admin = district.user("district_admin")
    a1 = district.communities["A1"].pk
    u1 = reg.unit_register(
        actor=cw,
        community_id=a1,
        name="区人民医院",
        uscc=make_uscc(1),
        kind="hospital",
        paired_grid_code=district.grids["g1"].code,
        liaison_username="unit_liaison",
    )
    u2 = reg.unit_register(
        actor=cw,
        community_id=a1,
        name="区实验学校",
        uscc=make_uscc(2),
        kind="school",
        paired_grid_code=district.grids["g2"].code,
        liaison_username="liaison2",
    )
    u3 = reg.unit_register(
        actor=admin,
        community_id=district.communities["B1"].pk,
        name="济北供电所",
        uscc=make_uscc(3),
        kind="state_enterprise",
    )
    r_self = reg.member_register(actor=district.user("party_member"), **member_args(district, unit_id=u1.pk))
    r_u2 = reg.member_register(
        actor=cw, **member_args(district, name="李老师", phone="13906410002", unit_id=u2.pk)
    )
    r_b1 = reg.member_register(
        actor=admin,
        **member_args(district, community="B1", name="赵医生", phone="13906410003", unit_id=u1.pk),
    )
    return Party(u1, u2, u3, r_self, r_u2, r_b1)


def test_self_registration_links_member(district, party):
    member = party.r_self.member
    assert member.user == district.user("party_member")
    assert member.kind == "in_service"
    assert member.phone_masked == "139****2345"
    assert "13906412345" not in member.phone_encrypted
    assert party.r_self.status == "submitted"
    assert AuditEvent.objects.filter(event_type="party.member_registered").count() == 3


def test_registering_twice_is_409_and_writes_nothing(district, party):
    before = (PartyMember.objects.count(), MemberRegistration.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Conflict) as exc:
        reg.member_register(actor=district.user("party_member"), **member_args(district, unit_id=party.u2.pk))
    assert exc.value.message == "您已在该社区报到，无需重复报到"
    assert exc.value.status == 409
    # staff entering the same member (same phone) again
    with pytest.raises(Conflict):
        reg.member_register(
            actor=district.user("community_worker"), **member_args(district, unit_id=party.u1.pk)
        )
    after = (PartyMember.objects.count(), MemberRegistration.objects.count(), AuditEvent.objects.count())
    assert before == after
    party.r_self.member.refresh_from_db()
    assert party.r_self.member.unit == party.u1


def test_after_return_may_register_again(district, party):
    cw = district.user("community_worker")
    reg.registration_return(actor=cw, registration_id=party.r_self.pk, reason="地址不在本社区")
    again = reg.member_register(
        actor=district.user("party_member"), **member_args(district, unit_id=party.u1.pk)
    )
    assert again.member_id == party.r_self.member_id


def test_bad_input(district):
    pm = district.user("party_member")
    with pytest.raises(ValidationFailed) as exc:
        reg.member_register(actor=pm, **member_args(district, phone="123", workplace_org="某党委"))
    assert "phone" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        reg.member_register(actor=pm, **member_args(district))
    assert "unit_id" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        reg.member_register(actor=pm, **member_args(district, workplace_org="x", skills=["flying"]))
    assert "skills" in exc.value.fields
    with pytest.raises(NotFound):
        reg.member_register(actor=district.user("grid_worker"), **member_args(district, workplace_org="x"))
    assert not MemberRegistration.objects.exists() and not PartyMember.objects.exists()


def test_accept_assigns_grid_and_card_number(district, party):
    cw = district.user("community_worker")
    code = district.communities["A1"].code
    r = reg.registration_accept(
        actor=cw,
        registration_id=party.r_self.pk,
        classification="medical",
        grid_code=district.grids["g2"].code,
    )
    assert (
        r.status == "accepted" and r.grid == district.grids["g2"] and r.grid_code == district.grids["g2"].code
    )
    assert r.card_number == f"BD-{code}-00001"
    r2 = reg.registration_accept(
        actor=cw,
        registration_id=party.r_u2.pk,
        classification="education",
        grid_code=district.grids["g1"].code,
    )
    assert r2.card_number == f"BD-{code}-00002"
    assert AuditEvent.objects.filter(event_type="party.registration_accepted").count() == 2


def test_accept_checks(district, party):
    cw = district.user("community_worker")
    with pytest.raises(ValidationFailed):
        reg.registration_accept(
            actor=cw,
            registration_id=party.r_self.pk,
            classification="medical",
            grid_code=district.grids["g3"].code,
        )
    with pytest.raises(ValidationFailed):
        reg.registration_accept(
            actor=cw, registration_id=party.r_self.pk, classification="x", grid_code=district.grids["g1"].code
        )
    # another community's registration: not found for this worker
    with pytest.raises(NotFound):
        reg.registration_accept(
            actor=cw,
            registration_id=party.r_b1.pk,
            classification="medical",
            grid_code=district.grids["g4"].code,
        )
    for key in ("unit_liaison", "party_member", "grid_worker"):
        with pytest.raises(NotFound):
            reg.registration_return(actor=district.user(key), registration_id=party.r_self.pk, reason="x")
    party.r_self.refresh_from_db()
    assert party.r_self.status == "submitted"


def test_transitions(district, party):
    cw = district.user("community_worker")
    with pytest.raises(ValidationFailed) as exc:
        reg.registration_return(actor=cw, registration_id=party.r_self.pk, reason="  ")
    assert "reason" in exc.value.fields
    reg.registration_return(actor=cw, registration_id=party.r_self.pk, reason="信息不全")
    with pytest.raises(Conflict) as exc2:
        reg.registration_accept(
            actor=cw,
            registration_id=party.r_self.pk,
            classification="medical",
            grid_code=district.grids["g1"].code,
        )
    assert exc2.value.status == 409 and "已退回" in exc2.value.message
    reg.registration_accept(
        actor=cw, registration_id=party.r_u2.pk, classification="medical", grid_code=district.grids["g1"].code
    )
    with pytest.raises(Conflict):
        reg.registration_return(actor=cw, registration_id=party.r_u2.pk, reason="x")
    assert REGISTRATION.successors("submitted") == {"accepted", "returned"}


# --- scope matrix -------------------------------------------------------------------------------

# who → which of (r_self, r_u2, r_b1) they see
MATRIX = {
    "district_admin": {"r_self", "r_u2", "r_b1"},
    "auditor": {"r_self", "r_u2", "r_b1"},
    "community_worker": {"r_self", "r_u2"},
    "community_secretary": {"r_self", "r_u2"},
    "subdistrict_staff": {"r_self", "r_u2"},
    "unit_liaison": {"r_self", "r_b1"},  # unit u1's members, wherever they registered
    "liaison2": {"r_u2"},
    "party_member": {"r_self"},
    "grid_worker": set(),
    "resident": set(),
    "department_handler": set(),
    "b1_worker": {"r_b1"},
}


def _user(district, key):
    from gongzhi.accounts.models import User

    if key == "b1_worker":
        u = user_create(actor=None, username="b1_worker", password=None)
        role_assign(
            actor=None, user=u, role=Role.COMMUNITY_WORKER, place_code=district.communities["B1"].code
        )
        return u
    return district.users.get(key) or User.objects.get(username=key)


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_registration_scope_matrix(district, party, key):
    actor = _user(district, key)
    names = {name: getattr(party, name).pk for name in ("r_self", "r_u2", "r_b1")}
    seen = set(reg_selectors.registration_list_for_actor(actor=actor).values_list("pk", flat=True))
    assert seen == {names[n] for n in MATRIX[key]}
    for name, pk in names.items():
        if name in MATRIX[key]:
            assert reg_selectors.registration_get_for_actor(actor=actor, registration_id=pk).pk == pk
        else:
            with pytest.raises(NotFound):
                reg_selectors.registration_get_for_actor(actor=actor, registration_id=pk)
    members = set(reg_selectors.in_service_member_list_for_actor(actor=actor).values_list("pk", flat=True))
    assert members == {getattr(party, n).member_id for n in MATRIX[key]}


UNIT_MATRIX = {
    "district_admin": {"u1", "u2", "u3"},
    "community_worker": {"u1", "u2"},
    "unit_liaison": {"u1"},
    "liaison2": {"u2"},
    "party_member": set(),
    "grid_worker": set(),
    "b1_worker": {"u3"},
}


@pytest.mark.parametrize("key", sorted(UNIT_MATRIX))
def test_unit_scope_matrix(district, party, key):
    actor = _user(district, key)
    seen = set(reg_selectors.unit_list_for_actor(actor=actor).values_list("pk", flat=True))
    assert seen == {getattr(party, n).pk for n in UNIT_MATRIX[key]}


def test_bulk_register_accepted(district, party):
    a1 = district.communities["A1"]
    entries = [
        reg.AcceptedMember(
            reg.MemberInput(f"党员{i}", f"1390641{1000 + i:04d}", "地址", unit_id=party.u1.pk),
            district.grids["g1"].code,
            "general",
        )
        for i in range(20)
    ]
    before = AuditEvent.objects.count()
    n = reg.members_bulk_register_accepted(actor=None, community_id=a1.pk, entries=entries)
    assert n == 20
    assert AuditEvent.objects.count() == before + 1
    cards = sorted(
        MemberRegistration.objects.filter(community=a1, status="accepted").values_list(
            "card_number", flat=True
        )
    )
    assert cards[0] == f"BD-{a1.code}-00001" and cards[-1] == f"BD-{a1.code}-00020"
    with pytest.raises(Conflict):
        reg.members_bulk_register_accepted(actor=None, community_id=a1.pk, entries=entries[:1])


# --- API and pages ------------------------------------------------------------------------------


def _login(client, district, key):
    client.force_login(district.user(key) if key in district.users else _user(district, key))
    return client


def test_api_flow(district, party, client):
    _login(client, district, "community_worker")
    r = client.get("/api/v1/party/registrations?status=submitted&limit=1")
    assert r.status_code == 200
    body = r.json()
    assert len(body["items"]) == 1 and body["next_after"]
    assert body["items"][0]["phone_masked"] == "139****2345"
    r = client.post(
        f"/api/v1/party/registrations/{party.r_self.pk}/accept",
        {"classification": "medical", "grid_code": district.grids["g1"].code},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["card_number"].startswith("BD-")
    r = client.post(
        f"/api/v1/party/registrations/{party.r_self.pk}/return",
        {"reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    r = client.get(f"/api/v1/party/registrations/{party.r_self.pk}/card.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/party/registrations/{party.r_b1.pk}").status_code == 404
    r = client.post(
        "/api/v1/party/units",
        {
            "community_id": district.communities["A1"].pk,
            "name": "坏单位",
            "uscc": "91370115MA00000010",
            "kind": "company",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "uscc" in r.json()["fields"]
    assert len(client.get("/api/v1/party/units").json()["items"]) == 2


def test_api_member_self_registers_twice(district, client):
    _login(client, district, "party_member")
    payload = member_args(district, workplace_org="济南市某局机关党委")
    r = client.post("/api/v1/party/registrations", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post("/api/v1/party/registrations", payload, content_type="application/json")
    assert r.status_code == 409 and r.json()["message"] == "您已在该社区报到，无需重复报到"
    assert MemberRegistration.objects.count() == 1
    assert client.get("/api/v1/party/units").json()["items"] == []


def test_liaison_api_scope(district, party, client):
    _login(client, district, "unit_liaison")
    ids = {i["id"] for i in client.get("/api/v1/party/registrations").json()["items"]}
    assert ids == {party.r_self.pk, party.r_b1.pk}
    assert client.get(f"/api/v1/party/units/{party.u2.pk}").status_code == 404


def test_console_pages(district, party, client):
    _login(client, district, "community_worker")
    assert "区人民医院" in client.get("/console/party/units/").content.decode()
    page = client.get("/console/party/registrations/").content.decode()
    assert "李老师" in page and "赵医生" not in page
    r = client.post(
        f"/console/party/registrations/{party.r_u2.pk}/accept/",
        {"classification": "education", "grid_code": district.grids["g2"].code},
    )
    assert r.status_code == 302
    assert "BD-" in client.get(f"/console/party/registrations/{party.r_u2.pk}/").content.decode()
    r = client.post(f"/console/party/registrations/{party.r_self.pk}/return/", {"reason": ""})
    assert r.status_code == 400 and "请填写退回原因" in r.content.decode()
    assert client.get(f"/console/party/registrations/{party.r_b1.pk}/").status_code == 404
    r = client.get(f"/console/party/registrations/{party.r_u2.pk}/card.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.post(
        "/console/party/units/new/",
        {"community_id": district.communities["A1"].pk, "name": "某公司", "uscc": "123", "kind": "company"},
    )
    assert r.status_code == 400 and "18位" in r.content.decode()


def test_h5_register_page(district, client):
    _login(client, district, "party_member")
    assert client.get("/console/party/registrations/").status_code == 302  # H5 users leave the console
    assert client.get("/h5/party/register/").status_code == 200
    data = member_args(district, workplace_org="某机关党委")
    data["skills"] = ["medical"]
    r = client.post("/h5/party/register/", data)
    assert r.status_code == 302
    page = client.get("/h5/party/register/").content.decode()
    assert "待接收" in page
    r = client.post("/h5/party/register/", data)
    assert r.status_code == 409 and "您已在该社区报到，无需重复报到" in r.content.decode()
