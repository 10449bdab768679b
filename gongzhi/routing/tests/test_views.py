"""The suggestion on the ticket page (one-click keep, change, merge), the routing pages and the API."""

from __future__ import annotations

import json

from django.core.management import call_command

from gongzhi.routing.models import Suggestion
from gongzhi.routing.services import department_mapping_set
from gongzhi.tickets.enums import TicketStatus
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import G1_POINT, report


def _login(client, district, key: str):
    client.force_login(district.user(key))
    return client


def test_the_ticket_page_shows_the_suggestion_and_keeps_it_in_one_click(client, district):
    t = report(district, "resident", "楼上邻居家的狗整天叫，晚上也叫")
    _login(client, district, "community_worker")
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert 'data-testid="routing-suggestion"' in page and "邻里纠纷" in page and "宠物扰民" in page
    assert 'data-action="accept-suggested-1"' in page
    r = client.post(
        f"/console/tickets/{t.pk}/accept/", {"category_code": "302010", "note": "采纳智能分拨建议"}
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == TicketStatus.ACCEPTED and t.category is not None and t.category.code == "302010"
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert 'data-action="dispatch-suggested"' in page
    r = client.post(f"/console/tickets/{t.pk}/dispatch/", {"level": "grid", "note": "按智能分拨建议派遣"})
    assert r.status_code == 302
    assert Suggestion.objects.get(ticket_id=t.pk).accepted_without_change is True


def test_a_department_suggestion_dispatches_to_the_mapped_department(client, district):
    department_mapping_set(
        actor=None,
        district_code=district.district.code,
        department_type="城管",
        department_id=district.department.pk,
    )
    t = report(district, "resident", "小区外面路灯坏了好几盏，晚上很黑")
    s = Suggestion.objects.get(ticket_id=t.pk)
    assert (s.level, s.department_type) == ("department", "城管")
    _login(client, district, "community_worker")
    client.post(f"/console/tickets/{t.pk}/accept/", {"category_code": s.code})
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert f'name="department_id" value="{district.department.pk}"' in page
    client.post(
        f"/console/tickets/{t.pk}/dispatch/", {"level": "department", "department_id": district.department.pk}
    )
    s.refresh_from_db()
    assert (s.final_level, s.final_department_type, s.accepted_without_change) == ("department", "城管", True)


def test_an_unmapped_department_type_says_what_to_do(client, district):
    t = report(district, "resident", "小区外面路灯坏了好几盏，晚上很黑")
    _login(client, district, "community_worker")
    client.post(f"/console/tickets/{t.pk}/accept/", {})
    page = client.get(f"/console/tickets/{t.pk}/").content.decode()
    assert 'data-testid="routing-unmapped"' in page


def test_duplicates_are_shown_with_a_score_and_merged_in_one_click(client, district):
    first = report(district, "resident", "3号楼楼道漏水好几天了，没人管")
    other = report(district, "grid_worker", "3号楼楼道灯不亮好几天了")
    again = report(
        district, "grid_worker", "3号楼的楼道漏水好多天了", lng=G1_POINT[0] + 0.0001, lat=G1_POINT[1]
    )
    _login(client, district, "community_worker")
    page = client.get(f"/console/tickets/{again.pk}/").content.decode()
    assert 'data-testid="duplicates"' in page and first.number in page
    assert f'data-action="merge-into-{first.pk}"' in page
    assert f'data-action="merge-into-{other.pk}"' not in page  # same place, different problem
    r = client.post(f"/console/tickets/{again.pk}/merge/", {"into_id": first.pk, "note": "智能查重"})
    assert r.status_code == 302
    again.refresh_from_db()
    assert again.status == TicketStatus.MERGED and again.duplicate_of_id == first.pk


def test_routing_pages(client, district):
    report(district, "resident", "门口")
    _login(client, district, "community_worker")
    page = client.get("/console/routing/").content.decode()
    assert 'data-testid="routing-uncertain"' in page and 'data-testid="routing-months"' in page
    assert client.get("/console/routing/mapping/").status_code == 200
    assert client.get("/console/routing/keywords/").status_code == 403
    client.logout()
    _login(client, district, "district_admin")
    r = client.post(
        "/console/routing/mapping/",
        {
            "district_code": district.district.code,
            "department_type": "城管",
            "department_id": district.department.pk,
        },
    )
    assert r.status_code == 302
    assert "城管局" in client.get("/console/routing/mapping/").content.decode()
    assert client.get("/console/routing/keywords/").status_code == 200
    r = client.post("/console/routing/retrain/", {"confirm": "yes"})
    assert r.status_code == 302  # too few decisions: a message, nothing deployed


def test_routing_api(client, district):
    t = report(district, "resident", "楼上邻居家的狗整天叫")
    _login(client, district, "grid_worker")
    body = client.post(
        "/api/v1/routing/classify", {"text": "路口井盖丢了"}, content_type="application/json"
    ).json()
    assert body["category"] == "公用设施" and len(body["category_top3"]) == 3
    got = client.get(f"/api/v1/routing/tickets/{t.pk}/suggestion").json()
    assert got["category"] == "邻里纠纷" and got["accepted_without_change"] is None
    assert client.get("/api/v1/routing/accuracy").status_code == 200
    client.logout()
    _login(client, district, "grid_worker_g2")  # another grid: the same 404 as a missing one
    assert client.get(f"/api/v1/routing/tickets/{t.pk}/suggestion").status_code == 404
    client.logout()
    _login(client, district, "resident")
    assert (
        client.post("/api/v1/routing/classify", {"text": "x"}, content_type="application/json").status_code
        == 403
    )


def test_overview_key(client, district):
    t = report(district, "resident", "楼上邻居家的狗整天叫")
    Ticket.objects.filter(pk=t.pk)  # the ticket exists; the overview counts its suggestion
    assert client.get("/api/v1/overview").json()["routing"] == {
        "suggestions": 1,
        "accepted_without_change_share": None,
    }


def test_the_commands_on_a_fresh_install(db, tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "text": "3号楼楼道漏水好几天了"},
        {"id": "b", "title": "漏水", "text": "3号楼的楼道漏水好多天了"},
        {"id": 3, "text": "路灯不亮，晚上很黑"},
        {"id": 4, "text": "電梯裡有人推電動車充電"},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    call_command("tickets_classify", str(path))
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3, 4]
    assert set(out[0]) == {"id", "category", "category_top3", "level", "department_type", "confidence"}
    assert out[2]["category"] == "公用设施" and out[3]["category"] == "安全隐患"
    call_command("tickets_similar", str(path))
    pairs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(p["a"], p["b"]) for p in pairs] == [(1, "b")] and 0 < pairs[0]["score"] <= 1


def test_the_api_intake_gets_a_suggestion_too(client, district):
    client.force_login(district.user("grid_worker"))
    r = client.post(
        "/api/v1/tickets",
        {"description": "小区门口的共享单车乱停，把盲道都堵了", "lng": G1_POINT[0], "lat": G1_POINT[1]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    s = Suggestion.objects.get(ticket_id=r.json()["id"])
    assert (s.category, s.channel) == ("街面秩序", "resident")
