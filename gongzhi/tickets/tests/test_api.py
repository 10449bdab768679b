"""The loop end to end through /api/v1/tickets, as the people who use it."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.tickets.models import Ticket, TicketPhoto
from gongzhi.tickets.tests.helpers import G1_POINT, report


def _as(client, district, key):
    client.force_login(district.user(key))
    return client


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x8825] = {1: "N", 2: (36.0, 59.0, 6.0), 3: "E", 4: (117.0, 6.0, 18.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_closed_loop_through_the_api(district, client):
    _as(client, district, "resident")
    r = _post(
        client,
        "/api/v1/tickets",
        {"description": "3号楼前路灯不亮", "category_code": "101018", "lng": G1_POINT[0], "lat": G1_POINT[1]},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    tid = body["id"]
    assert body["status"] == "reported" and body["grid_code"] == district.grids["g1"].code
    assert body["actions"] == []  # the resident makes no staff move

    steps = [
        ("grid_worker", "accept", {}),
        ("grid_worker", "escalate", {"reason": "需要城管维修"}),
        ("community_worker", "dispatch", {"level": "department", "department_id": district.department.pk}),
        ("department_handler", "respond", {}),
        ("department_handler", "handle", {"result": "已更换灯泡"}),
        ("grid_worker", "verify", {"passed": True}),
        ("resident", "callback", {"satisfaction": "satisfied"}),
        ("grid_worker", "close", {}),
    ]
    for key, action, data in steps:
        client.logout()
        _as(client, district, key)
        r = _post(client, f"/api/v1/tickets/{tid}/{action}", data)
        assert r.status_code == 200, (action, r.content)
    assert r.json()["status"] == "closed"

    client.logout()
    _as(client, district, "resident")
    mine = client.get(f"/api/v1/tickets/{tid}").json()
    assert mine["status"] == "closed"
    # The reporter reads the public steps only: no staff names or notes.
    assert all(e["actor_label"] == "" and e["note"] == "" for e in mine["timeline"])
    assert any("已更换灯泡" in e["public_note"] for e in mine["timeline"])


def test_illegal_move_409_bad_fields_400_unknown_action_404(district, client):
    t = report(district, "resident", "噪音扰民")
    _as(client, district, "grid_worker")
    r = _post(client, f"/api/v1/tickets/{t.pk}/handle", {"result": "好了"})
    assert r.status_code == 409 and "不能提交处置结果" in r.json()["message"]
    r = _post(client, f"/api/v1/tickets/{t.pk}/verify", {"passed": True})
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    assert "待受理" in r.json()["message"]
    r = _post(client, f"/api/v1/tickets/{t.pk}/decline", {})
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = _post(client, f"/api/v1/tickets/{t.pk}/fly", {})
    assert r.status_code == 404
    r = _post(client, "/api/v1/tickets", {"description": "", "lng": "东经"})
    assert r.status_code == 400
    assert set(r.json()["fields"]) >= {"lng"}
    r = client.post("/api/v1/tickets", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    t.refresh_from_db()
    assert t.status == "reported"


def test_out_of_scope_is_404(district, client):
    t = report(district, "resident", "垃圾没人清")
    _as(client, district, "grid_worker_g2")
    assert client.get(f"/api/v1/tickets/{t.pk}").status_code == 404
    assert _post(client, f"/api/v1/tickets/{t.pk}/accept", {}).status_code == 404
    assert client.get("/api/v1/tickets").json()["items"] == []


def test_multipart_photos_are_cleaned_and_guarded(district, client):
    _as(client, district, "resident")
    photo = SimpleUploadedFile("scene.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(
        "/api/v1/tickets",
        {
            "description": "井盖缺失很危险",
            "lng": str(G1_POINT[0]),
            "lat": str(G1_POINT[1]),
            "photos": [photo],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["photos"]) == 1
    stored = TicketPhoto.objects.get(ticket_id=body["id"])
    with stored.file.open("rb") as fh:
        img = Image.open(fh)
        img.load()
        assert not img.getexif(), "EXIF (with GPS) must be stripped"
    # The photo is served to readers of the ticket only.
    assert client.get(body["photos"][0]["url"]).status_code == 200
    client.logout()
    _as(client, district, "grid_worker_g2")
    assert client.get(body["photos"][0]["url"]).status_code == 404

    client.logout()
    _as(client, district, "resident")
    before = Ticket.objects.count()
    not_image = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    r = client.post("/api/v1/tickets", {"description": "附件", "photos": [not_image]})
    assert r.status_code == 400 and r.json()["fields"]
    too_many = [
        SimpleUploadedFile(f"{i}.jpg", _jpeg_with_gps(), content_type="image/jpeg") for i in range(10)
    ]
    r = client.post("/api/v1/tickets", {"description": "十张照片", "photos": too_many})
    assert r.status_code == 400
    assert Ticket.objects.count() == before


def test_list_filters_fulltext_and_keyset(district, client):
    for i in range(5):
        report(district, "resident", f"第{i}处路灯不亮")
    noise = report(district, "resident", "广场舞噪音太大")
    _as(client, district, "grid_worker")
    r = client.get("/api/v1/tickets?q=噪音").json()
    assert [t["id"] for t in r["items"]] == [noise.pk]
    r = client.get("/api/v1/tickets?q=路灯&limit=2").json()
    assert len(r["items"]) == 2 and r["next_after"]
    seen = [t["id"] for t in r["items"]]
    while r["next_after"]:
        r = client.get(f"/api/v1/tickets?q=路灯&limit=2&after={r['next_after']}").json()
        seen += [t["id"] for t in r["items"]]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    assert client.get("/api/v1/tickets?inbox=accept").json()["items"]
    assert client.get("/api/v1/tickets?inbox=handle").json()["items"] == []
    assert client.get("/api/v1/tickets?status=bogus").status_code == 400
    assert client.get("/api/v1/tickets?place=12").status_code == 400
    counts = client.get("/api/v1/tickets/inbox-counts").json()["counts"]
    assert counts["accept"] == 6


def test_categories_are_public(client, db):
    tree = client.get("/api/v1/tickets/categories").json()
    names = {c["name"] for c in tree}
    assert {"公用设施", "街面秩序", "物业管理", "邻里纠纷", "养老助残"} <= names
    lights = next(k for c in tree for k in c["children"] if k["code"] == "101018")
    assert lights["name"] == "路灯" and lights["limit_unit"] == "working_days"
