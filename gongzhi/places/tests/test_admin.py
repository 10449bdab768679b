"""Django admin for places: districts, subdistricts and communities added and renamed through the
services (scoped, audited, codes checked on their field, no delete); grids and teams read-only;
departments saved through the services."""

from __future__ import annotations

import pytest

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Forbidden, field_error
from gongzhi.core.roles import Role
from gongzhi.places import services
from gongzhi.places.models import Community, Department, District, Subdistrict
from gongzhi.testing import PASSWORD


@pytest.fixture
def superuser_client(client, django_user_model, district):
    user = django_user_model.objects.create_superuser(username="root", password="x", email="")
    client.force_login(user)
    return client


def test_grids_and_teams_are_read_only(superuser_client, district):
    for model in ("grid", "gridteammember"):
        r = superuser_client.get(f"/admin/places/{model}/")
        assert r.status_code == 200
        assert superuser_client.get(f"/admin/places/{model}/add/").status_code == 403


def test_grid_change_page_is_view_only(superuser_client, district):
    g1 = district.grids["g1"]
    r = superuser_client.get(f"/admin/places/grid/{g1.pk}/change/")
    assert r.status_code == 200
    r = superuser_client.post(f"/admin/places/grid/{g1.pk}/change/", {"name": "改名"})
    assert r.status_code == 403
    g1.refresh_from_db()
    assert g1.name == "银山社区第1网格"


def test_department_add_and_rename_go_through_services(superuser_client, district):
    r = superuser_client.post(
        "/admin/places/department/add/", {"district": district.district.pk, "code": "zjj", "name": "住建局"}
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    dep = Department.objects.get(code="zjj")
    assert AuditEvent.objects.filter(event_type="places.department_created", target_id=str(dep.pk)).exists()

    r = superuser_client.post(f"/admin/places/department/{dep.pk}/change/", {"name": "住房和城乡建设局"})
    assert r.status_code == 302
    dep.refresh_from_db()
    assert dep.name == "住房和城乡建设局" and dep.code == "zjj"
    assert AuditEvent.objects.filter(event_type="places.department_updated", target_id=str(dep.pk)).exists()


def test_department_duplicate_code_is_a_form_error(superuser_client, district):
    r = superuser_client.post(
        "/admin/places/department/add/",
        {"district": district.district.pk, "code": "cgj", "name": "又一个城管局"},
    )
    assert r.status_code == 200
    assert "部门代码cgj已存在" in r.content.decode()
    assert Department.objects.filter(code="cgj").count() == 1


# --- districts, subdistricts, communities ---------------------------------------------------------


@pytest.fixture
def root(django_user_model, db):
    return django_user_model.objects.create_superuser(username="root", password="x", email="")


@pytest.fixture
def root_client(client, root):
    """A superuser on an empty installation: what an operator has after ``createsuperuser``."""
    client.force_login(root)
    return client


@pytest.fixture
def district_admin_client(client, district):
    """A staff account with the district admin role for 370115 (what the admin site lets in)."""
    user = user_create(
        actor=None,
        username="qu-admin",
        password=PASSWORD,
        display_name="区网格中心管理员",
        is_staff=True,
        validate_password=False,
    )
    role_assign(actor=None, user=user, role=Role.DISTRICT_ADMIN, place_code="370115")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def other_district(db):
    d = services.district_create(actor=None, code="370112", name="历城区")
    sub = services.subdistrict_create(actor=None, district=d, code="370112001000", name="山大路街道")
    return d, sub


def _form_errors(response) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {k: [str(m) for m in v] for k, v in form.errors.items()}


def _audits(event: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event, target_id=str(obj.pk)))


def test_superuser_sets_up_a_district_from_nothing(root_client, root):
    r = root_client.get("/admin/places/district/add/")
    assert r.status_code == 200
    assert "6位行政区划代码" in r.content.decode()

    r = root_client.post("/admin/places/district/add/", {"code": "370115", "name": "济阳区"})
    assert r.status_code == 302, r.content.decode()[-2000:]
    district = District.objects.get(code="370115")
    [event] = _audits("places.district_created", district)
    assert event.actor_id == root.pk
    assert event.data == {"code": "370115", "name": "济阳区"}

    r = root_client.post(
        "/admin/places/subdistrict/add/",
        {"district": district.pk, "code": "370115101000", "name": "回河镇"},
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    town = Subdistrict.objects.get(code="370115101000")
    assert town.kind == "town" and town.district == district
    assert _audits("places.subdistrict_created", town)[0].actor_id == root.pk

    r = root_client.get("/admin/places/community/add/")
    assert "001–199 居委会，200–399 村委会" in r.content.decode()
    r = root_client.post(
        "/admin/places/community/add/",
        {"subdistrict": town.pk, "code": "370115101201", "name": "张家村"},
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    village = Community.objects.get(code="370115101201")
    assert village.kind == "village" and village.subdistrict == town
    [event] = _audits("places.community_created", village)
    assert event.actor_id == root.pk and event.community_code == "370115101201"
    r = root_client.get(f"/admin/places/community/{village.pk}/change/")
    assert "村（村委会）" in r.content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("37011X", "区县代码应为6位数字，收到“37011X”"),
        ("370015", "区县代码“370015”的地市代码不能为00"),
        ("370100", "区县代码“370100”的县级代码不能为00（那是地市本身）"),
    ],
)
def test_bad_district_code_is_a_chinese_error_on_the_code_field(root_client, code, message):
    r = root_client.post("/admin/places/district/add/", {"code": code, "name": "济阳区"})
    assert r.status_code == 200
    assert _form_errors(r) == {"code": [message]}
    assert message in r.content.decode()
    assert not District.objects.exists()
    assert not AuditEvent.objects.filter(event_type="places.district_created").exists()


def test_duplicate_codes_are_field_errors(superuser_client, district):
    r = superuser_client.post("/admin/places/district/add/", {"code": "370115", "name": "又一个"})
    assert r.status_code == 200
    assert _form_errors(r) == {"code": ["区县代码370115已存在"]}
    sub_a = district.subdistricts["A"]
    r = superuser_client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115001001", "name": "又一个"}
    )
    assert r.status_code == 200
    assert _form_errors(r) == {"code": ["社区代码370115001001已存在"]}
    assert District.objects.count() == 1
    assert Community.objects.filter(code="370115001001").count() == 1


def test_community_code_must_be_under_the_chosen_subdistrict(superuser_client, district):
    sub_a = district.subdistricts["A"]
    before = (Community.objects.count(), AuditEvent.objects.count())
    r = superuser_client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115002009", "name": "错社区"}
    )
    assert r.status_code == 200
    message = "代码“370115002009”不属于街道（乡镇）370115001000"
    assert _form_errors(r) == {"code": [message]}
    assert message in r.content.decode()
    r = superuser_client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115001400", "name": "错社区"}
    )
    assert _form_errors(r) == {"code": ["代码“370115001400”的村级代码400应在001–399之间"]}
    r = superuser_client.post(
        "/admin/places/subdistrict/add/",
        {"district": district.district.pk, "code": "370112003000", "name": "错街道"},
    )
    assert r.status_code == 200
    assert _form_errors(r) == {"code": ["代码“370112003000”不属于区县370115"]}
    assert (Community.objects.count(), AuditEvent.objects.count()) == before


def test_rename_goes_through_the_services_and_codes_stay(superuser_client, district):
    cases = [
        ("district", district.district, "济阳区（新）", "places.district_renamed"),
        ("subdistrict", district.subdistricts["A"], "济阳街道办事处", "places.subdistrict_renamed"),
        ("community", district.communities["A1"], "银山社区居委会", "places.community_renamed"),
    ]
    for model, obj, new_name, event in cases:
        old_name, code = obj.name, obj.code
        # A code in the post is ignored: only the name is a form field on the change page.
        r = superuser_client.post(
            f"/admin/places/{model}/{obj.pk}/change/", {"name": new_name, "code": "370115009000"}
        )
        assert r.status_code == 302, r.content.decode()[-2000:]
        obj.refresh_from_db()
        assert (obj.code, obj.name) == (code, new_name)
        [audit] = _audits(event, obj)
        assert audit.data == {"code": code, "old": {"name": old_name}, "new": {"name": new_name}}

    community = district.communities["A1"]
    r = superuser_client.post(f"/admin/places/community/{community.pk}/change/", {"name": "  "})
    assert r.status_code == 200
    assert "name" in _form_errors(r)
    community.refresh_from_db()
    assert community.name == "银山社区居委会"
    assert len(_audits("places.community_renamed", community)) == 1


def test_places_cannot_be_deleted(superuser_client, district):
    for model, obj in (
        ("district", district.district),
        ("subdistrict", district.subdistricts["A"]),
        ("community", district.communities["A1"]),
    ):
        assert superuser_client.get(f"/admin/places/{model}/{obj.pk}/delete/").status_code == 403
        assert (
            superuser_client.post(f"/admin/places/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
        r = superuser_client.get(f"/admin/places/{model}/")
        assert "delete_selected" not in r.content.decode()
    assert District.objects.filter(pk=district.district.pk).exists()
    assert Community.objects.filter(pk=district.communities["A1"].pk).exists()


def test_a_refusal_after_the_form_passed_is_shown_on_the_form(superuser_client, district, monkeypatch):
    """A race (someone saved the same code meanwhile) or a check only the service makes: no 500."""

    def taken(**kwargs):
        raise field_error("code", "社区代码370115001009已存在", code="duplicate")

    monkeypatch.setattr(services, "community_create", taken)
    sub_a = district.subdistricts["A"]
    r = superuser_client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115001009", "name": "新社区"}
    )
    assert r.status_code == 200
    assert _form_errors(r) == {"code": ["社区代码370115001009已存在"]}

    def refused(**kwargs):
        raise Forbidden("只有本区管理员可以维护区划和网格")

    monkeypatch.setattr(services, "community_create", refused)
    r = superuser_client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115001009", "name": "新社区"}
    )
    assert r.status_code == 200
    assert _form_errors(r) == {"__all__": ["只有本区管理员可以维护区划和网格"]}
    assert "只有本区管理员可以维护区划和网格" in r.content.decode()
    assert not Community.objects.filter(code="370115001009").exists()

    # A refusal after the service wrote: its row and audit row are rolled back with the admin's transaction.
    monkeypatch.undo()
    real = services.community_create

    def wrote_then_refused(**kwargs):
        real(**kwargs)
        raise Forbidden("稍后再试")

    monkeypatch.setattr(services, "community_create", wrote_then_refused)
    r = superuser_client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115001009", "name": "新社区"}
    )
    assert r.status_code == 200
    assert _form_errors(r) == {"__all__": ["稍后再试"]}
    assert not Community.objects.filter(code="370115001009").exists()
    assert not AuditEvent.objects.filter(
        event_type="places.community_created", data__code="370115001009"
    ).exists()


def test_district_admin_adds_in_their_district_only(district_admin_client, district, other_district):
    client = district_admin_client
    other, other_sub = other_district
    sub_a = district.subdistricts["A"]

    r = client.post(
        "/admin/places/community/add/", {"subdistrict": sub_a.pk, "code": "370115001003", "name": "新城社区"}
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    created = Community.objects.get(code="370115001003")
    assert _audits("places.community_created", created)[0].actor_id == client.user.pk

    # Another district's subdistrict is not even a choice.
    r = client.get("/admin/places/community/add/")
    assert "济阳街道" in r.content.decode() and "山大路街道" not in r.content.decode()
    r = client.post(
        "/admin/places/community/add/",
        {"subdistrict": other_sub.pk, "code": "370112001001", "name": "别区社区"},
    )
    assert r.status_code == 200
    assert list(_form_errors(r)) == ["subdistrict"]
    assert not Community.objects.filter(code="370112001001").exists()

    r = client.post(
        "/admin/places/subdistrict/add/", {"district": other.pk, "code": "370112002000", "name": "别区街道"}
    )
    assert r.status_code == 200
    assert list(_form_errors(r)) == ["district"]
    assert not Subdistrict.objects.filter(code="370112002000").exists()

    # Only the system administrator adds a district.
    assert client.get("/admin/places/district/add/").status_code == 403
    r = client.post("/admin/places/district/add/", {"code": "370113", "name": "长清区"})
    assert r.status_code == 403
    assert not District.objects.filter(code="370113").exists()


def test_district_admin_sees_and_renames_only_their_district(district_admin_client, district, other_district):
    client = district_admin_client
    other, other_sub = other_district
    r = client.get("/admin/places/subdistrict/")
    assert r.status_code == 200
    listed = {s.code for s in r.context["cl"].result_list}
    assert listed == {"370115001000", "370115002000"}
    r = client.get("/admin/places/district/")
    assert [d.code for d in r.context["cl"].result_list] == ["370115"]
    assert client.get(f"/admin/places/district/{other.pk}/change/").status_code == 302

    r = client.post(f"/admin/places/subdistrict/{other_sub.pk}/change/", {"name": "改名"})
    assert r.status_code == 302  # to the admin index: "does not exist", like a 404
    other_sub.refresh_from_db()
    assert other_sub.name == "山大路街道"

    mine = district.subdistricts["B"]
    r = client.post(f"/admin/places/subdistrict/{mine.pk}/change/", {"name": "济北街道办事处"})
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "济北街道办事处"
    assert _audits("places.subdistrict_renamed", mine)[0].actor_id == client.user.pk


def test_staff_without_the_district_admin_role_gets_nothing(client, district):
    user = user_create(
        actor=None, username="staff", password=PASSWORD, is_staff=True, validate_password=False
    )
    role_assign(actor=None, user=user, role=Role.SUBDISTRICT_STAFF, place_code="370115001000")
    client.force_login(user)
    for model in ("district", "subdistrict", "community"):
        assert client.get(f"/admin/places/{model}/").status_code == 403
        assert client.get(f"/admin/places/{model}/add/").status_code == 403
