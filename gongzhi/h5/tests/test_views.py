from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.accounts.models import OneTimeCode
from gongzhi.console.tests.helpers import assert_no_inline_script
from gongzhi.core import ids
from gongzhi.testing.sms import SENT

REQUEST = "/h5/login/code/"
VERIFY = "/h5/login/verify/"


@pytest.fixture(autouse=True)
def _clear_sent():
    SENT.clear()
    yield
    SENT.clear()


def phone_of(district, grid: str = "g1", index: int = 0) -> str:
    person = district.persons[grid][index]
    return ids.decrypt(person.phone_encrypted)


def request_code(client: Client, phone: str):
    return client.post(REQUEST, {"phone": phone})


def test_anonymous_home_goes_to_sign_in(client, db):
    response = client.get("/h5/")
    assert response.status_code == 302 and response["Location"] == "/h5/login/"
    response = client.get("/h5/family/")
    assert response.status_code == 302 and response["Location"] == "/h5/login/?next=/h5/family/"


def test_sign_in_page_is_chinese_and_script_free(client, db):
    response = client.get("/h5/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "手机号登录" in html and "获取验证码" in html
    assert 'href="/static/h5/h5.css"' in html
    assert_no_inline_script(html)


def test_otp_flow_signs_in_and_shows_own_household(client, district, django_capture_on_commit_callbacks):
    phone = phone_of(district)
    with django_capture_on_commit_callbacks(execute=True):
        response = request_code(client, phone)
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证码已发送至139****0001" in html
    assert phone in html  # the resident's own number stays in the form for the next step
    code = SENT[phone]

    response = client.post(VERIFY, {"phone": phone, "code": code})
    # the first sign-in lands on the home page, not 我的家庭
    assert response.status_code == 302 and response["Location"] == "/h5/"

    response = client.get("/h5/family/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_no_inline_script(html)
    own = district.households["g1"][0]
    members = list(response.context["households"][0]["members"])
    assert [p.household_id for p in members] == [own.pk, own.pk]
    assert len(response.context["households"]) == 1
    for p in district.persons["g1"][:2]:
        assert p.name in html and p.phone_masked in html and p.id_number_masked in html
        assert ids.decrypt(p.id_number_encrypted) not in html
    assert phone not in html  # only masked numbers on the page
    for other in district.persons["g1"][2:] + district.persons["g4"]:
        assert other.name not in html
    assert "本人" in html


def test_wrong_code_shows_chinese_error(client, district, django_capture_on_commit_callbacks):
    phone = phone_of(district)
    with django_capture_on_commit_callbacks(execute=True):
        request_code(client, phone)
    wrong = "000000" if SENT[phone] != "000000" else "111111"
    response = client.post(VERIFY, {"phone": phone, "code": wrong})
    assert response.status_code == 400
    assert "验证码错误或已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_attempts_are_limited(client, district, settings, django_capture_on_commit_callbacks):
    phone = phone_of(district)
    with django_capture_on_commit_callbacks(execute=True):
        request_code(client, phone)
    code = SENT[phone]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert client.post(VERIFY, {"phone": phone, "code": wrong}).status_code == 400
    # The right code no longer works: the attempts are used up.
    response = client.post(VERIFY, {"phone": phone, "code": code})
    assert response.status_code == 400
    assert "重新获取" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert OneTimeCode.objects.get().used


def test_sending_is_rate_limited(client, district, django_capture_on_commit_callbacks):
    phone = phone_of(district)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_code(client, phone).status_code == 200
        response = request_code(client, phone)
    assert response.status_code == 429
    html = response.content.decode()
    assert "验证码发送过于频繁，请一分钟后再试" in html
    assert 'action="/h5/login/verify/"' in html  # the code already sent can still be entered


def test_bad_phone_and_empty_code(client, db):
    response = request_code(client, "12345")
    assert response.status_code == 400
    assert "手机号" in response.content.decode()
    response = client.post(VERIFY, {"phone": "13912340001", "code": ""})
    assert response.status_code == 400 and "请填写短信验证码" in response.content.decode()


def test_unregistered_phone_signs_in_as_a_visitor_who_may_report(
    client, district, django_capture_on_commit_callbacks
):
    from gongzhi.core.access import is_h5_only, is_visitor
    from gongzhi.people.services import resident_account_for_phone
    from gongzhi.tickets.models import Ticket

    assert "未登记的手机号（访客、外来人员）也可以登录" in client.get("/h5/login/").content.decode()
    phone = "13800009999"
    with django_capture_on_commit_callbacks(execute=True):
        response = request_code(client, phone)
    assert response.status_code == 200  # same answer as for a registered phone
    response = client.post(VERIFY, {"phone": phone, "code": SENT[phone]})
    assert response.status_code == 302 and response["Location"] == "/h5/"
    from gongzhi.accounts.models import User

    visitor = User.objects.get(pk=client.session["_auth_user_id"])
    assert is_visitor(visitor) and is_h5_only(visitor) and not visitor.role_assignments.exists()
    assert visitor.phone_masked == "138****9999"
    home = client.get("/h5/").content.decode()
    assert 'data-testid="visitor-home"' in home
    assert "尚未在社区登记住户" in client.get("/h5/family/").content.decode()
    assert client.get("/console/").status_code == 302  # sent to the H5 site, never the console
    # the visitor reports, located by the pin
    response = client.post(
        "/h5/tickets/new/", {"description": "公交站牌倒了", "lng": "117.105", "lat": "36.985"}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(reporter=visitor)
    assert ticket.grid_code == district.grids["g1"].code and ticket.household_id is None
    # signing in again finds the same account
    from gongzhi.people.services import visitor_account_for_phone

    assert visitor_account_for_phone(phone=phone).pk == visitor.pk
    # registration with the community turns the same account into a resident: the report stays theirs
    from gongzhi.people.services import PersonInput, person_create
    from gongzhi.testing import id_number_for

    person_create(
        actor=None,
        household_id=district.households["g1"][0].pk,
        data=PersonInput(name="新登记居民", id_number=id_number_for(900), phone=phone, relation="other"),
    )
    user = resident_account_for_phone(phone_hash=ids.keyed_hash(phone))
    assert user.pk == visitor.pk and not is_visitor(user) and user.display_name == "新登记居民"
    assert Ticket.objects.get(pk=ticket.pk).reporter_id == user.pk


def test_next_after_sign_in_stays_on_site(client, district, django_capture_on_commit_callbacks):
    phone = phone_of(district)
    with django_capture_on_commit_callbacks(execute=True):
        request_code(client, phone)
    response = client.post(VERIFY, {"phone": phone, "code": SENT[phone], "next": "https://evil.example.com/"})
    assert response["Location"] == "/h5/"


def test_family_of_password_resident_and_logout(district):
    client = Client()
    client.force_login(district.user("resident"))
    response = client.get("/h5/family/")
    names = [p.name for p in response.context["households"][0]["members"]]
    assert names == [p.name for p in district.persons["g1"][:2]]
    assert client.get("/h5/").status_code == 200
    assert client.get("/h5/logout/").status_code == 405
    response = client.post("/h5/logout/")
    assert response.status_code == 302 and response["Location"] == "/h5/login/"
    assert client.get("/h5/family/").status_code == 302


def test_staff_without_household_sees_an_empty_family_page(district):
    client = Client()
    client.force_login(district.user("grid_worker"))
    response = client.get("/h5/family/")
    assert response.status_code == 200
    assert response.context["households"] == []
    assert "尚未关联住户" in response.content.decode()
