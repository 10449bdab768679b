"""Registering and correcting by hand in the console: person edit, household page, new member, new household."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound, ValidationFailed
from gongzhi.people import services
from gongzhi.people.models import Person
from gongzhi.places.models import Building, Estate, Household
from gongzhi.testing import id_number_for


@pytest.fixture
def as_user(district, client):
    def login_as(username: str):
        client.force_login(district.user(username))
        return client

    return login_as


def _no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag  # CSP: script-src 'self' only
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers under the CSP"


def _edit_post(person: Person, **changes) -> dict:
    data = {
        "name": person.name,
        "id_number": "",
        "phone": "",
        "relation": person.relation,
        "residence_type": person.residence_type,
        "tags": list(person.tags),
    }
    data.update(changes)
    return data


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        Estate.objects.count(),
        Building.objects.count(),
        AuditEvent.objects.count(),
    )


# --- person edit -----------------------------------------------------------------------------------------


def test_edit_form_is_prefilled_with_masked_id_and_phone(district, as_user):
    person = district.persons["g1"][0]
    r = as_user("grid_worker").get(reverse("people:edit", args=[person.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    _no_inline_script(html)
    assert f'value="{person.name}"' in html
    assert person.id_number_masked in html and person.phone_masked in html
    assert "留空表示不修改" in html
    # The full numbers never reach the page, not even as the fields' values.
    assert ids.decrypt(person.id_number_encrypted) not in html
    assert ids.decrypt(person.phone_encrypted) not in html
    assert 'name="id_number"' in html and 'name="id_number" value=' not in html
    assert 'type="checkbox" name="tags"' in html


def test_grid_worker_edits_a_person_of_their_grid_and_it_is_audited(district, as_user):
    person = district.persons["g1"][1]
    old_id, old_phone_masked = ids.decrypt(person.id_number_encrypted), person.phone_masked
    client = as_user("grid_worker")
    r = client.post(
        reverse("people:edit", args=[person.pk]),
        _edit_post(person, name="王改名", phone="13800138000", tags=["party_member", "volunteer"]),
    )
    assert r.status_code == 302 and r["Location"] == reverse("people:detail", args=[person.pk])
    person.refresh_from_db()
    assert person.name == "王改名" and person.name_initials == "wgm"
    assert person.phone_masked == "138****8000" and ids.decrypt(person.phone_encrypted) == "13800138000"
    assert ids.decrypt(person.id_number_encrypted) == old_id  # left blank: kept
    assert person.tags == ["party_member", "volunteer"]
    event = AuditEvent.objects.get(event_type="people.person_updated", target_id=str(person.pk))
    assert event.actor_id == district.user("grid_worker").pk
    assert event.data["old"]["phone"] == old_phone_masked and event.data["new"]["phone"] == "138****8000"
    assert event.data["new"]["name"] == "王改名"
    assert "13800138000" not in str(event.data) and "id_number" not in event.data["new"]
    page = client.get(r["Location"]).content.decode()
    assert "已保存王改名的信息" in page


def test_a_new_id_number_replaces_the_old_one_masked_in_the_audit(district, as_user):
    person = district.persons["g1"][0]
    new_id = id_number_for(777, birth="19950704")
    r = as_user("grid_head").post(
        reverse("people:edit", args=[person.pk]), _edit_post(person, id_number=new_id)
    )
    assert r.status_code == 302
    person.refresh_from_db()
    assert ids.decrypt(person.id_number_encrypted) == new_id
    assert str(person.birth_date) == "1995-07-04"
    event = AuditEvent.objects.get(event_type="people.person_updated", target_id=str(person.pk))
    assert event.data["new"]["id_number"] == person.id_number_masked and new_id not in str(event.data)


def test_grid_worker_cannot_open_or_post_the_edit_of_another_grids_person(district, as_user):
    other = district.persons["g2"][0]
    client = as_user("grid_worker")
    url = reverse("people:edit", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_post(other, name="越权")).status_code == 404
    other.refresh_from_db()
    assert other.name != "越权"
    assert not AuditEvent.objects.filter(event_type="people.person_updated").exists()


def test_an_invalid_id_number_is_shown_next_to_the_field_and_nothing_is_saved(district, as_user):
    person = district.persons["g1"][0]
    before = Person.objects.values().get(pk=person.pk)
    bad = id_number_for(5)[:17] + ("0" if id_number_for(5)[17] != "0" else "1")
    r = as_user("grid_worker").post(
        reverse("people:edit", args=[person.pk]), _edit_post(person, name="不应保存", id_number=bad)
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "身份证号码校验位错误" in html
    assert re.search(r'data-testid="error-id_number"[^>]*>身份证号码校验位错误<', html)
    assert 'aria-invalid="true"' in html
    assert r["Cache-Control"] == "no-store"
    assert Person.objects.values().get(pk=person.pk) == before
    assert not AuditEvent.objects.filter(event_type="people.person_updated").exists()


def test_a_duplicate_id_number_is_a_field_error(district, as_user):
    person, other = district.persons["g1"][0], district.persons["g1"][2]
    r = as_user("grid_worker").post(
        reverse("people:edit", args=[person.pk]),
        _edit_post(person, id_number=ids.decrypt(other.id_number_encrypted)),
    )
    assert r.status_code == 200
    assert re.search(r'data-testid="error-id_number"[^>]*>该身份证号码已登记<', r.content.decode())


def test_a_blank_name_and_a_bad_phone_are_reported_together(district, as_user):
    person = district.persons["g1"][0]
    r = as_user("grid_worker").post(
        reverse("people:edit", args=[person.pk]), _edit_post(person, name="  ", phone="12345")
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="error-name"' in html and "请填写姓名" in html
    assert 'data-testid="error-phone"' in html


@pytest.mark.parametrize("user_key", ["auditor", "subdistrict_staff"])
def test_read_only_roles_get_no_edit_button_and_a_404(district, as_user, user_key):
    person = district.persons["g1"][0]
    client = as_user(user_key)
    detail = client.get(reverse("people:detail", args=[person.pk]))
    assert detail.status_code == 200
    assert 'data-testid="person-edit"' not in detail.content.decode()
    url = reverse("people:edit", args=[person.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, _edit_post(person, name="审计员改")).status_code in (403, 404)
    person.refresh_from_db()
    assert person.name != "审计员改"


def test_detail_links_to_the_edit_form_and_the_household(district, as_user):
    person = district.persons["g1"][0]
    html = as_user("grid_worker").get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f'href="{reverse("people:edit", args=[person.pk])}"' in html
    assert f'href="{reverse("people:household_detail", args=[person.household_id])}"' in html


def test_edit_needs_a_login(district, client):
    person = district.persons["g1"][0]
    r = client.get(reverse("people:edit", args=[person.pk]))
    assert r.status_code == 302 and "/console/login/" in r["Location"]


# --- household page and new member ----------------------------------------------------------------------


def test_household_page_lists_members_masked(district, as_user):
    household = district.households["g1"][0]
    members = [p for p in district.persons["g1"] if p.household_id == household.pk]
    r = as_user("grid_worker").get(reverse("people:household_detail", args=[household.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    _no_inline_script(html)
    assert household.address in html
    for m in members:
        assert m.name in html and m.id_number_masked in html and m.phone_masked in html
        assert ids.decrypt(m.id_number_encrypted) not in html and ids.decrypt(m.phone_encrypted) not in html
    assert f'href="{reverse("people:member_new", args=[household.pk])}"' in html


def test_household_page_is_scoped_and_read_only_for_viewers(district, as_user):
    other = district.households["g2"][0]
    assert as_user("grid_worker").get(reverse("people:household_detail", args=[other.pk])).status_code == 404
    own = district.households["g1"][0]
    html = as_user("auditor").get(reverse("people:household_detail", args=[own.pk])).content.decode()
    assert "登记新成员" not in html
    assert as_user("auditor").get(reverse("people:member_new", args=[own.pk])).status_code == 404


def test_grid_worker_adds_a_member_to_a_household(district, as_user):
    household = district.households["g1"][1]
    client = as_user("grid_worker")
    url = reverse("people:member_new", args=[household.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "name": "李小新",
            "id_number": id_number_for(601, birth="20150601"),
            "phone": "",
            "relation": "child",
            "residence_type": "registered",
            "tags": ["left_behind_child"],
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("people:household_detail", args=[household.pk])
    person = Person.objects.get(name="李小新")
    assert person.household_id == household.pk and person.grid_code == household.grid_code
    assert person.relation == "child" and person.tags == ["left_behind_child"] and person.gender
    assert AuditEvent.objects.filter(event_type="people.person_created", target_id=str(person.pk)).exists()
    assert "李小新" in client.get(r["Location"]).content.decode()


def test_a_new_member_needs_a_relation_and_a_valid_phone(district, as_user):
    household = district.households["g1"][1]
    before = Person.objects.count()
    r = as_user("grid_worker").post(
        reverse("people:member_new", args=[household.pk]),
        {"name": "缺关系", "phone": "1234", "relation": "", "residence_type": "registered"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "请选择与户主关系" in html
    assert Person.objects.count() == before


def test_grid_worker_cannot_add_a_member_in_another_grid(district, as_user):
    other = district.households["g2"][0]
    r = as_user("grid_worker").post(
        reverse("people:member_new", args=[other.pk]),
        {"name": "越权", "relation": "child", "residence_type": "registered"},
    )
    assert r.status_code == 404 and not Person.objects.filter(name="越权").exists()


# --- household_register (service) -----------------------------------------------------------------------


def _head(**kw: Any) -> services.PersonInput:
    head = services.PersonInput(
        name="张新户", id_number=id_number_for(801, birth="19920202"), phone="13912340801"
    )
    return dataclasses.replace(head, **kw)


def test_household_register_creates_the_household_and_its_head(district):
    grid = district.grids["g1"]
    actor = district.user("grid_worker")
    head = services.household_register(
        actor=actor, grid_id=grid.pk, estate="新城小区", building="5", entrance="2", door="402", head=_head()
    )
    household = head.household
    assert household is not None and household.grid_id == grid.pk
    assert household.address == "新城小区5号楼2单元402室"
    assert head.relation == "head" and head.grid_code == grid.code and head.name == "张新户"
    assert Estate.objects.filter(name="新城小区", community=grid.community).exists()
    events = set(AuditEvent.objects.filter(actor_id=actor.pk).values_list("event_type", flat=True))
    assert {"places.household_created", "people.person_created"} <= events


def test_household_register_with_an_invalid_head_creates_nothing(district):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.household_register(
            actor=district.user("grid_worker"),
            grid_id=district.grids["g1"].pk,
            estate="全新小区",
            building="9",
            entrance="1",
            door="101",
            head=_head(name="", id_number="370125199001011234"),
        )
    assert set(exc.value.fields) >= {"name", "id_number"}
    assert _counts() == before
    assert not Household.objects.filter(address__startswith="全新小区").exists()


def test_household_register_rolls_back_when_the_head_fails_after_the_household(district, monkeypatch):
    """Even a refusal from person_create itself (after the household row was written) leaves nothing."""

    def refuse(**kwargs):
        raise ApplicationError("模拟失败")

    monkeypatch.setattr(services, "person_create", refuse)
    before = _counts()
    with pytest.raises(ApplicationError):
        services.household_register(
            actor=district.user("grid_worker"),
            grid_id=district.grids["g1"].pk,
            estate="回滚小区",
            building="1",
            entrance="1",
            door="101",
            head=_head(),
        )
    assert _counts() == before


def test_household_register_refuses_a_duplicate_address_in_chinese(district):
    existing = district.households["g1"][0]
    before = _counts()
    with pytest.raises(ApplicationError) as exc:
        services.household_register(
            actor=district.user("grid_worker"),
            grid_id=district.grids["g1"].pk,
            estate="银山社区小区",
            building="1",
            entrance="1",
            door="101",
            head=_head(),
        )
    assert exc.value.message == f"网格内已有住户“{existing.address}”"
    assert _counts() == before


def test_household_register_refuses_a_registered_id_number(district):
    taken = ids.decrypt(district.persons["g2"][0].id_number_encrypted)
    with pytest.raises(ValidationFailed) as exc:
        services.household_register(
            actor=district.user("grid_worker"),
            grid_id=district.grids["g1"].pk,
            estate="甲小区",
            building="1",
            entrance="1",
            door="101",
            head=_head(id_number=taken),
        )
    assert exc.value.fields["id_number"] == "该身份证号码已登记"


def test_household_register_is_scoped(district):
    kwargs: dict[str, Any] = {
        "estate": "乙小区",
        "building": "1",
        "entrance": "1",
        "door": "101",
        "head": _head(),
    }
    with pytest.raises(NotFound):
        services.household_register(
            actor=district.user("grid_worker"), grid_id=district.grids["g2"].pk, **kwargs
        )
    with pytest.raises(Forbidden):
        services.household_register(actor=district.user("auditor"), grid_id=district.grids["g1"].pk, **kwargs)
    assert not Household.objects.filter(address__startswith="乙小区").exists()


# --- household_new (page) -------------------------------------------------------------------------------


def _household_post(grid_code: str, **kw) -> dict:
    data = {
        "grid": grid_code,
        "estate": "新城小区",
        "building": "5",
        "entrance": "2",
        "door": "402",
        "name": "张新户",
        "id_number": id_number_for(801, birth="19920202"),
        "phone": "13912340801",
        "residence_type": "registered",
        "tags": ["veteran"],
    }
    data.update(kw)
    return data


def test_new_household_page_offers_only_the_grids_the_user_may_edit(district, as_user):
    r = as_user("community_worker").get(reverse("people:household_new"))
    assert r.status_code == 200
    html = r.content.decode()
    _no_inline_script(html)
    assert district.grids["g1"].code in html and district.grids["g2"].code in html
    assert district.grids["g3"].code not in html and district.grids["g4"].code not in html
    assert 'name="relation"' not in html  # the first person of a new household is its head
    own = as_user("grid_worker").get(reverse("people:household_new")).content.decode()
    assert district.grids["g2"].code not in own
    assert re.search(rf'<option value="{district.grids["g1"].code}" selected', own)


def test_grid_worker_registers_a_household_with_its_head(district, as_user):
    client = as_user("grid_worker")
    r = client.post(reverse("people:household_new"), _household_post(district.grids["g1"].code))
    assert r.status_code == 302
    head = Person.objects.get(name="张新户")
    assert head.household is not None
    assert r["Location"] == reverse("people:household_detail", args=[head.household_id])
    assert head.relation == "head" and head.tags == ["veteran"]
    assert head.household.address == "新城小区5号楼2单元402室"
    page = client.get(r["Location"]).content.decode()
    assert "已登记住户新城小区5号楼2单元402室，户主张新户" in page and head.id_number_masked in page


def test_new_household_with_an_invalid_head_shows_errors_and_creates_nothing(district, as_user):
    before = _counts()
    r = as_user("grid_worker").post(
        reverse("people:household_new"),
        _household_post(district.grids["g1"].code, id_number="37012519900101123", door=""),
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "请填写门牌号" in html
    assert _counts() == before
    r = as_user("grid_worker").post(
        reverse("people:household_new"),
        _household_post(district.grids["g1"].code, id_number="37012519900101123"),
    )
    assert r.status_code == 200
    assert re.search(r'data-testid="error-id_number"[^>]*>身份证号码应为18位，收到17位<', r.content.decode())
    assert _counts() == before


def test_new_household_with_a_duplicate_address_shows_the_chinese_error(district, as_user):
    existing = district.households["g1"][0]
    before = _counts()
    r = as_user("grid_worker").post(
        reverse("people:household_new"),
        _household_post(
            district.grids["g1"].code, estate="银山社区小区", building="1", entrance="1", door="101"
        ),
    )
    assert r.status_code == 200
    assert f"网格内已有住户“{existing.address}”" in r.content.decode()
    assert _counts() == before


def test_new_household_in_a_grid_out_of_reach_is_refused(district, as_user):
    before = _counts()
    r = as_user("grid_worker").post(
        reverse("people:household_new"), _household_post(district.grids["g2"].code)
    )
    assert r.status_code == 200 and 'data-testid="error-grid"' in r.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("user_key", ["auditor", "subdistrict_staff", "department_handler"])
def test_roles_that_cannot_edit_have_no_new_household_page(district, as_user, user_key):
    client = as_user(user_key)
    assert client.get(reverse("people:household_new")).status_code == 404
    r = client.post(reverse("people:household_new"), _household_post(district.grids["g1"].code))
    assert r.status_code == 404
    assert not Person.objects.filter(name="张新户").exists()


def test_search_page_links_to_new_household_for_editors_only(district, as_user):
    html = as_user("grid_worker").get(reverse("people:search")).content.decode()
    assert f'href="{reverse("people:household_new")}"' in html and "登记住户" in html
    html = as_user("auditor").get(reverse("people:search")).content.decode()
    assert reverse("people:household_new") not in html


def test_forms_render_in_english(district, as_user):
    client = as_user("grid_worker")
    person = district.persons["g1"][0]
    client.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    new = client.get(reverse("people:household_new")).content.decode()
    assert "Leave blank to keep" in html and "留空表示不修改" not in html
    assert "Register a household" in new and "登记住户" not in new


def test_with_many_grids_the_grid_is_typed_as_its_code(district, as_user, monkeypatch):
    from gongzhi.people import views

    monkeypatch.setattr(views, "GRID_CHOICES_MAX", 1)
    client = as_user("community_worker")
    html = client.get(reverse("people:household_new")).content.decode()
    assert '<input type="text" name="grid"' in html and '<select name="grid"' not in html
    before = _counts()
    refused = client.post(reverse("people:household_new"), _household_post(district.grids["g3"].code))
    assert refused.status_code == 200 and 'data-testid="error-grid"' in refused.content.decode()
    assert _counts() == before
    r = client.post(reverse("people:household_new"), _household_post(district.grids["g2"].code))
    assert r.status_code == 302
    assert Person.objects.get(name="张新户").grid_code == district.grids["g2"].code


def test_an_editor_without_grids_is_told_so(district, client):
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role
    from gongzhi.places.services import community_create

    empty = community_create(
        actor=None, subdistrict=district.subdistricts["B"], code="370115002002", name="空社区"
    )
    user = user_create(actor=None, username="empty_cw", password=None, validate_password=False)
    role_assign(actor=None, user=user, role=Role.COMMUNITY_WORKER, place_code=empty.code)
    client.force_login(user)
    r = client.get(reverse("people:household_new"))
    assert r.status_code == 200 and 'data-testid="no-grids"' in r.content.decode()
