"""A grid's team ("1+X+N"): managed from the grid page and the API, through the same services.

Who may change a team is the services' rule (a population editor whose place covers the grid); a grid
the actor cannot see is a 404, one they can see but not change is a 403.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed
from gongzhi.core.roles import Role
from gongzhi.places import selectors, services
from gongzhi.places.models import GridTeamMember
from gongzhi.testing import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true"}
SECOND_HEAD = "已有网格长，一个网格只能有一名网格长"


def _changes() -> int:
    """Audit rows other than sign-ins (a sign-in through the API is audited as any other)."""
    return AuditEvent.objects.exclude(event_type__in=("accounts.logged_in", "accounts.login_failed")).count()


def api_login(client, username: str) -> None:
    r = client.post(
        "/api/v1/auth/login",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content


def api(client, method: str, url: str, body: dict | None = None):
    call = getattr(client, method)
    if body is None:
        return call(url)
    return call(url, json.dumps(body), content_type="application/json")


def team_url(name: str, grid, member=None) -> str:
    args = [grid.code] if member is None else [grid.code, member.pk]
    return reverse(f"places:{name}", args=args)


def events(event: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event).order_by("id"))


def assert_error_shape(body: dict, code: str) -> None:
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)


@pytest.fixture
def head(district):
    return services.grid_team_member_add(
        actor=None, grid=district.grids["g1"], role="grid_head", name="王网格长", phone="13912345678"
    )


# --- the grid page -------------------------------------------------------------------------------


def test_community_worker_adds_a_volunteer_and_a_building_captain(district, client):
    g1 = district.grids["g1"]
    worker = district.user("community_worker")
    client.force_login(worker)
    html = client.get(team_url("grid_detail", g1)).content.decode()
    assert 'data-testid="team-add-form"' in html and f'action="{team_url("team_add", g1)}#grid-team"' in html

    # Without script: post, then back to the grid page with a message.
    r = client.post(
        team_url("team_add", g1), {"role": "volunteer", "name": "张志愿者", "phone": "13812345678"}
    )
    assert r.status_code == 302 and r["Location"] == team_url("grid_detail", g1) + "#grid-team"
    html = client.get(r["Location"]).content.decode()
    assert "已将张志愿者加入网格队伍（党员志愿者）" in html
    assert "张志愿者" in html and "138****5678" in html and "13812345678" not in html

    # With htmx: only the team panel comes back, with the new member in it.
    r = client.post(
        team_url("team_add", g1), {"role": "building_captain", "name": "赵楼长", "note": "3号楼"}, **HTMX
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith('<section class="panel team-panel" id="grid-team"')
    assert "赵楼长" in html and "3号楼" in html and 'data-testid="team-notice"' in html
    assert 'data-testid="team-count-volunteers">2<' in html

    volunteer, captain = GridTeamMember.objects.filter(grid=g1).order_by("id")
    assert (volunteer.role, volunteer.phone_masked, volunteer.grid_code) == (
        "volunteer",
        "138****5678",
        g1.code,
    )
    assert "13812345678" not in volunteer.phone_encrypted  # stored encrypted
    assert (captain.role, captain.note, captain.phone_masked) == ("building_captain", "3号楼", "")
    added = events("places.team_member_added")
    assert [(e.actor_id, e.target_id, e.grid_code) for e in added] == [(worker.pk, str(g1.pk), g1.code)] * 2
    assert added[1].data == {
        "member_id": captain.pk,
        "role": "building_captain",
        "name": "赵楼长",
        "note": "3号楼",
    }


def test_editors_of_the_grid_may_manage_its_team(district, client):
    g1 = district.grids["g1"]
    for n, who in enumerate(("community_secretary", "grid_head", "district_admin")):
        client.force_login(district.user(who))
        assert 'data-testid="team-add-form"' in client.get(team_url("grid_detail", g1)).content.decode()
        r = client.post(team_url("team_add", g1), {"role": "volunteer", "name": f"志愿者{n}"})
        assert r.status_code == 302, who
    assert GridTeamMember.objects.filter(grid=g1).count() == 3


def test_second_grid_head_is_refused_in_place_and_nothing_is_written(district, client, head):
    g1 = district.grids["g1"]
    client.force_login(district.user("community_worker"))
    before = _changes()

    r = client.post(team_url("team_add", g1), {"role": "grid_head", "name": "李四", "note": "兼任"})
    assert r.status_code == 409
    html = r.content.decode()
    assert f"网格“{g1.name}”{SECOND_HEAD}" in html and 'data-testid="team-add-error"' in html
    assert 'value="李四"' in html and 'value="兼任"' in html  # what was typed stays in the form

    r = client.post(team_url("team_add", g1), {"role": "grid_head", "name": "李四"}, **HTMX)
    assert r.status_code == 200 and SECOND_HEAD in r.content.decode()  # htmx swaps 2xx only

    api_login(client, "community_worker")
    r = api(client, "post", f"/api/v1/grids/{g1.code}/team", {"role": "grid_head", "name": "李四"})
    assert r.status_code == 409
    assert_error_shape(r.json(), "conflict")
    assert SECOND_HEAD in r.json()["message"]

    # Nor by turning a volunteer into a second head.
    volunteer = services.grid_team_member_add(actor=None, grid=g1, role="volunteer", name="张志愿者")
    before = _changes()
    r = api(client, "patch", f"/api/v1/grids/{g1.code}/team/{volunteer.pk}", {"role": "grid_head"})
    assert r.status_code == 409 and SECOND_HEAD in r.json()["message"]
    assert list(GridTeamMember.objects.filter(grid=g1).values_list("name", "role").order_by("id")) == [
        ("王网格长", "grid_head"),
        ("张志愿者", "volunteer"),
    ]
    assert _changes() == before


def test_field_errors_are_shown_by_their_fields_all_at_once(district, client):
    g1 = district.grids["g1"]
    client.force_login(district.user("community_worker"))
    r = client.post(team_url("team_add", g1), {"role": "", "name": " ", "phone": "12345", "note": "楼" * 101})
    assert r.status_code == 400
    html = r.content.decode()
    for field, message in (
        ("role", "请选择队伍角色"),
        ("name", "请填写姓名"),
        ("phone", "电话号码“12345”"),
        ("note", "说明不能超过100个字"),
    ):
        assert re.search(rf'id="team-add-{field}-error">[^<]*{message}', html), field
    assert not GridTeamMember.objects.exists()


def test_grid_worker_of_g1_cannot_manage_g2s_team(district, client):
    g1, g2 = district.grids["g1"], district.grids["g2"]
    other = services.grid_team_member_add(actor=None, grid=g2, role="volunteer", name="g2志愿者")
    mine = services.grid_team_member_add(actor=None, grid=g1, role="volunteer", name="g1志愿者")
    before = _changes()
    client.force_login(district.user("grid_worker"))

    assert client.get(team_url("grid_detail", g2)).status_code == 404
    assert client.post(team_url("team_add", g2), {"role": "volunteer", "name": "越权"}).status_code == 404
    assert (
        client.post(team_url("team_update", g2, other), {"role": "volunteer", "name": "改"}).status_code
        == 404
    )
    assert client.post(team_url("team_remove", g2, other), {"confirm": "yes"}).status_code == 404
    # A member of g2 cannot be reached through g1's address either.
    assert client.post(team_url("team_remove", g1, other), {"confirm": "yes"}).status_code == 404

    api_login(client, "grid_worker")
    for method, url, body in (
        ("post", f"/api/v1/grids/{g2.code}/team", {"role": "volunteer", "name": "越权"}),
        ("patch", f"/api/v1/grids/{g2.code}/team/{other.pk}", {"name": "改"}),
        ("delete", f"/api/v1/grids/{g2.code}/team/{other.pk}", None),
        ("patch", f"/api/v1/grids/{g1.code}/team/{other.pk}", {"name": "改"}),
        ("delete", f"/api/v1/grids/{g1.code}/team/{other.pk}", None),
    ):
        r = api(client, method, url, body)
        assert r.status_code == 404, (method, url)
        assert r.json() == {"code": "not_found", "message": "记录不存在或无权查看", "fields": {}}

    with pytest.raises(NotFound):
        services.grid_team_member_remove(actor=district.user("grid_worker"), member_id=other.pk)
    assert GridTeamMember.objects.filter(grid=g2).get().name == "g2志愿者"
    assert GridTeamMember.objects.get(pk=mine.pk).name == "g1志愿者"
    assert _changes() == before


def test_auditor_sees_the_team_but_cannot_change_it(district, client, head):
    g1 = district.grids["g1"]
    before = _changes()
    client.force_login(district.user("auditor"))
    html = client.get(team_url("grid_detail", g1)).content.decode()
    assert "王网格长" in html and "139****5678" in html
    assert 'data-testid="team-add-form"' not in html and "移出" not in html
    assert client.post(team_url("team_add", g1), {"role": "volunteer", "name": "越权"}).status_code == 403
    assert client.post(team_url("team_remove", g1, head), {"confirm": "yes"}).status_code == 403

    api_login(client, "auditor")
    r = api(client, "post", f"/api/v1/grids/{g1.code}/team", {"role": "volunteer", "name": "越权"})
    assert r.status_code == 403
    assert r.json() == {"code": "forbidden", "message": "没有权限维护该网格的队伍", "fields": {}}
    assert api(client, "delete", f"/api/v1/grids/{g1.code}/team/{head.pk}").status_code == 403

    with pytest.raises(ApplicationError) as refused:
        services.grid_team_member_add(actor=district.user("auditor"), grid=g1, role="volunteer", name="越权")
    assert refused.value.status in (403, 404)
    assert list(GridTeamMember.objects.values_list("name", flat=True)) == ["王网格长"]
    assert _changes() == before


def test_remove_asks_first_then_removes_and_audits(district, client, head):
    g1 = district.grids["g1"]
    worker = district.user("community_worker")
    client.force_login(worker)

    r = client.post(team_url("team_remove", g1, head))  # the 移出 button: a confirmation, nothing removed
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="team-remove-confirm"' in html and "确定将王网格长移出网格队伍吗？" in html
    assert 'name="confirm" value="yes"' in html
    assert GridTeamMember.objects.filter(pk=head.pk).exists()

    r = client.post(team_url("team_remove", g1, head), **HTMX)
    assert r.status_code == 200 and "确定将王网格长移出网格队伍吗？" in r.content.decode()

    r = client.post(team_url("team_remove", g1, head), {"confirm": "yes"})
    assert r.status_code == 302
    assert not GridTeamMember.objects.filter(pk=head.pk).exists()
    (removed,) = events("places.team_member_removed")
    assert (removed.actor_id, removed.target_id) == (worker.pk, str(g1.pk))
    assert removed.data == {"member_id": head.pk, "role": "grid_head", "name": "王网格长"}
    assert client.post(team_url("team_remove", g1, head), {"confirm": "yes"}).status_code == 404

    # The API removes at once (the client asks its user first).
    volunteer = services.grid_team_member_add(actor=None, grid=g1, role="volunteer", name="张志愿者")
    api_login(client, "community_worker")
    r = api(client, "delete", f"/api/v1/grids/{g1.code}/team/{volunteer.pk}")
    assert r.status_code == 204 and r.content == b""
    assert not GridTeamMember.objects.filter(grid=g1).exists()
    assert len(events("places.team_member_removed")) == 2


# --- editing ---------------------------------------------------------------------------------------


def test_update_validates_the_phone_with_a_chinese_field_error(district, client, head):
    g1 = district.grids["g1"]
    worker = district.user("community_worker")
    with pytest.raises(ValidationFailed) as refused:
        services.grid_team_member_update(actor=worker, member_id=head.pk, phone="12345")
    assert refused.value.fields == {"phone": "电话号码“12345”不是有效的中国大陆号码"}

    client.force_login(worker)
    r = client.post(
        team_url("team_update", g1, head), {"role": "grid_head", "name": "王网格长", "phone": "12345"}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="team-edit-phone-error">电话号码“12345”不是有效的中国大陆号码<' in html
    assert '<details class="team-edit" open>' in html

    api_login(client, "community_worker")
    r = api(client, "patch", f"/api/v1/grids/{g1.code}/team/{head.pk}", {"phone": "abc"})
    assert r.status_code == 400
    assert_error_shape(r.json(), "invalid")
    assert r.json()["fields"] == {"phone": "电话号码“abc”格式错误"}

    head.refresh_from_db()
    assert head.phone_masked == "139****5678"
    assert not events("places.team_member_updated")


def test_update_changes_and_audits_with_the_masked_phone_only(district, client, head):
    g1 = district.grids["g1"]
    worker = district.user("community_worker")
    client.force_login(worker)
    r = client.post(
        team_url("team_update", g1, head),
        {"role": "grid_head", "name": "王网格长", "phone": "13700001111", "note": "社区副书记兼任"},
    )
    assert r.status_code == 302
    head.refresh_from_db()
    assert (head.phone_masked, head.note) == ("137****1111", "社区副书记兼任")
    (updated,) = events("places.team_member_updated")
    assert updated.actor_id == worker.pk and updated.target_id == str(g1.pk)
    assert updated.data == {
        "member_id": head.pk,
        "name": "王网格长",
        "old": {"note": "", "phone": "139****5678"},
        "new": {"note": "社区副书记兼任", "phone": "137****1111"},
    }
    assert "13700001111" not in json.dumps(updated.data)

    # A blank phone box keeps the number; saving the same values writes nothing.
    r = client.post(
        team_url("team_update", g1, head), {"role": "grid_head", "name": "王网格长", "note": "社区副书记兼任"}
    )
    assert r.status_code == 302
    head.refresh_from_db()
    assert head.phone_masked == "137****1111"
    assert len(events("places.team_member_updated")) == 1

    # The tick clears it.
    client.post(
        team_url("team_update", g1, head),
        {"role": "grid_head", "name": "王网格长", "note": "", "clear_phone": "on"},
    )
    head.refresh_from_db()
    assert (head.phone_masked, head.phone_hash, head.phone_encrypted) == ("", "", "")

    api_login(client, "community_worker")
    r = api(
        client, "patch", f"/api/v1/grids/{g1.code}/team/{head.pk}", {"role": "grid_worker", "name": "王五"}
    )
    assert r.status_code == 200
    assert r.json() == {
        "id": head.pk,
        "role": "grid_worker",
        "role_label": "专职网格员",
        "name": "王五",
        "phone_masked": "",
        "note": "",
    }
    assert events("places.team_member_updated")[-1].data["new"] == {"role": "grid_worker", "name": "王五"}


# --- linking an account --------------------------------------------------------------------------


def test_linking_an_account_only_of_staff_covering_the_community(district, client):
    g1 = district.grids["g1"]
    outsider = user_create(
        actor=None, username="a2_worker", password=PASSWORD, display_name="城里社工", validate_password=False
    )
    role_assign(
        actor=None, user=outsider, role=Role.COMMUNITY_WORKER, place_code=district.communities["A2"].code
    )
    client.force_login(district.user("community_worker"))

    refused = "不存在，或不是本社区的工作人员账号"
    for username in ("a2_worker", "auditor", "resident", "party_member", "nobody"):
        r = client.post(
            team_url("team_add", g1), {"role": "grid_worker", "name": "某人", "username": username}
        )
        assert r.status_code == 400, username
        assert re.search(rf'id="team-add-username-error">账号“{username}”{refused}', r.content.decode())
    assert not GridTeamMember.objects.exists()

    # The community's staff: community-level, subdistrict-level, and a grid worker of a sibling grid.
    for n, username in enumerate(("community_worker", "subdistrict_staff", "grid_worker_g2")):
        r = client.post(
            team_url("team_add", g1), {"role": "grid_worker", "name": f"网格员{n}", "username": username}
        )
        assert r.status_code == 302, username
    linked = GridTeamMember.objects.filter(grid=g1).select_related("user").order_by("id")
    assert [m.user.username if m.user else None for m in linked] == [
        "community_worker",
        "subdistrict_staff",
        "grid_worker_g2",
    ]
    assert events("places.team_member_added")[0].data["username"] == "community_worker"
    html = client.get(team_url("grid_detail", g1)).content.decode()
    assert "账号：grid_worker_g2" in html

    r = client.post(
        team_url("team_add", g1), {"role": "grid_worker", "name": "重复", "username": "grid_worker_g2"}
    )
    assert r.status_code == 409 and "已是本网格的专职网格员" in r.content.decode()

    api_login(client, "community_worker")
    r = api(
        client,
        "post",
        f"/api/v1/grids/{g1.code}/team",
        {"role": "volunteer", "name": "某人", "username": "a2_worker"},
    )
    assert r.status_code == 400 and list(r.json()["fields"]) == ["username"]


# --- the "1+X+N" summary ---------------------------------------------------------------------------


def test_summary_counts_groups_and_warns_when_a_residential_grid_lacks_its_1_or_x(district, client):
    g1 = district.grids["g1"]
    client.force_login(district.user("grid_worker"))

    html = client.get(team_url("grid_detail", g1)).content.decode()
    assert 'data-testid="team-warning-head"' in html and 'data-testid="team-warning-worker"' in html
    assert 'data-testid="team-add-form"' in html  # grid workers are population editors of their grid

    services.grid_team_member_add(actor=None, grid=g1, role="grid_head", name="王网格长")
    services.grid_team_member_add(actor=None, grid=g1, role="part_time_worker", name="兼职网格员甲")
    for name in ("志愿者甲", "志愿者乙"):
        services.grid_team_member_add(actor=None, grid=g1, role="volunteer", name=name)
    services.grid_team_member_add(
        actor=None, grid=g1, role="stairwell_captain", name="楼道长丙", note="2单元"
    )
    services.grid_team_member_add(actor=None, grid=g1, role="instructor", name="街道指导员")

    html = client.get(team_url("grid_detail", g1)).content.decode()
    assert "team-warning" not in html
    counts = dict(re.findall(r'data-testid="team-count-(\w+)">(\d+)<', html))
    assert counts == {"head": "1", "workers": "1", "volunteers": "3", "instructor": "1"}

    summary = selectors.grid_team_summary(grid=g1, groups=selectors.grid_team_groups(grid=g1))
    assert (summary["total"], summary["missing_head"], summary["missing_worker"]) == (6, False, False)


def test_no_staffing_warning_for_a_reserved_grid(district):
    reserved = services.grid_create(
        actor=None,
        community=district.communities["A1"],
        code="370115001001003",
        name="预留网格",
        kind="reserved",
    )
    summary = selectors.grid_team_summary(grid=reserved, groups=selectors.grid_team_groups(grid=reserved))
    assert summary["total"] == 0 and not summary["missing_head"] and not summary["missing_worker"]


def test_grid_page_stays_within_the_csp(district, client, head):
    client.force_login(district.user("community_worker"))
    html = client.get(team_url("grid_detail", district.grids["g1"])).content.decode()
    assert "<script>" not in html and not re.search(r"\son[a-z]+=", html)
    assert "hx-confirm" not in html  # the confirmation is a form, not a script prompt


# --- the API -----------------------------------------------------------------------------------------


def test_api_add_returns_201_and_routes_keep_their_places(district, client):
    g1 = district.grids["g1"]
    api_login(client, "community_worker")
    r = api(
        client,
        "post",
        f"/api/v1/grids/{g1.code}/team",
        {"role": "building_captain", "name": "赵楼长", "phone": "13812345678", "note": "3号楼"},
    )
    assert r.status_code == 201
    member = GridTeamMember.objects.get()
    assert r.json() == {
        "id": member.pk,
        "role": "building_captain",
        "role_label": "楼长",
        "name": "赵楼长",
        "phone_masked": "138****5678",
        "note": "3号楼",
    }
    assert events("places.team_member_added")[0].data["role"] == "building_captain"
    team = client.get(f"/api/v1/grids/{g1.code}").json()["team"]
    assert [(m["id"], m["note"]) for m in team] == [(member.pk, "3号楼")]

    r = api(client, "post", f"/api/v1/grids/{g1.code}/team", {"role": "captain", "name": ""})
    assert r.status_code == 400
    assert r.json()["fields"] == {"role": "队伍角色“captain”无效", "name": "请填写姓名"}
    r = api(client, "post", f"/api/v1/grids/{g1.code}/team", {"name": "无角色"})
    assert r.status_code == 400 and r.json()["fields"] == {"role": "必填项"}

    # The older routes answer as before.
    assert client.get("/api/v1/grids/geojson").json()["type"] == "FeatureCollection"
    assert api(client, "post", "/api/v1/grids/import", {}).status_code == 400
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/grids/{code}/team"]) == {"post"}
    assert set(paths["/api/v1/grids/{code}/team/{member_id}"]) == {"patch", "delete"}


def test_anonymous_api_team_calls_get_401(district, client):
    g1 = district.grids["g1"]
    r = api(client, "post", f"/api/v1/grids/{g1.code}/team", {"role": "volunteer", "name": "匿名"})
    assert r.status_code == 401
    assert not GridTeamMember.objects.exists()
