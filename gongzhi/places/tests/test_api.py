"""The places API: status codes, the one error shape, scope, route order."""

from __future__ import annotations

import json

from gongzhi.audit.models import AuditEvent
from gongzhi.places.models import Grid
from gongzhi.places.tests.geojson import collection, feature, rect, square
from gongzhi.testing import PASSWORD

A1 = "370115001001"


def login(client, username: str) -> None:
    r = client.post(
        "/api/v1/auth/login",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content


def post_import(client, body: dict):
    return client.post("/api/v1/grids/import", json.dumps(body), content_type="application/json")


def assert_error_shape(body: dict, code: str) -> None:
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)


def test_anonymous_gets_401(district, client):
    for url in (
        "/api/v1/grids/geojson",
        "/api/v1/grids/locate?lng=117.105&lat=36.985",
        "/api/v1/grids/band-report",
    ):
        r = client.get(url)
        assert r.status_code == 401
        assert r.json() == {"code": "unauthenticated", "message": "请先登录", "fields": {}}


def test_grid_worker_scope_in_list_geojson_and_locate(district, client):
    login(client, "grid_worker")
    g1 = district.grids["g1"].code
    assert [g["code"] for g in client.get("/api/v1/grids").json()["items"]] == [g1]
    fc = client.get("/api/v1/grids/geojson").json()
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in fc["features"]] == [g1]
    r = client.get("/api/v1/grids/locate?lng=117.105&lat=36.985")
    assert r.status_code == 200
    assert (r.json()["code"], r.json()["name"], r.json()["community_name"]) == (
        g1,
        "银山社区第1网格",
        "银山社区",
    )
    r = client.get("/api/v1/grids/locate?lng=117.115&lat=36.985")  # inside g2: not this worker's
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "该位置不在您可查看的任何网格内", "fields": {}}
    assert client.get(f"/api/v1/grids/{district.grids['g2'].code}").status_code == 404


def test_static_routes_are_not_taken_for_grid_codes(district, client):
    login(client, "district_admin")
    assert client.get("/api/v1/grids/geojson").json()["type"] == "FeatureCollection"
    assert "items" in client.get("/api/v1/grids/band-report").json()
    r = client.get(f"/api/v1/grids/{district.grids['g1'].code}")
    assert r.status_code == 200 and r.json()["figures"] == {"households": 3, "persons": 6, "buildings": 1}


def test_locate_validates_coordinates(district, client):
    login(client, "district_admin")
    r = client.get("/api/v1/grids/locate?lng=abc&lat=36")
    assert r.status_code == 400
    assert_error_shape(r.json(), "invalid")
    assert r.json()["fields"] == {"lng": "应为数字"}
    assert client.get("/api/v1/grids/locate?lng=200&lat=36").status_code == 400
    assert client.get("/api/v1/grids/locate?lat=36").json()["fields"] == {"lng": "必填项"}


def test_geojson_filter_by_community(district, client):
    login(client, "district_admin")
    fc = client.get("/api/v1/grids/geojson?community_code=370115002001").json()
    assert [f["id"] for f in fc["features"]] == [district.grids["g4"].code]


def test_band_report(district, client):
    login(client, "community_worker")
    body = client.get("/api/v1/grids/band-report").json()
    assert (body["low"], body["high"]) == (300, 500)
    assert [(i["code"], i["households"], i["problem"]) for i in body["items"]] == [
        ("370115001001001", 3, "少于300户"),
        ("370115001001002", 3, "少于300户"),
    ]


def test_import_round_trip_over_http(district, client):
    login(client, "district_admin")
    exported = client.get(f"/api/v1/grids/geojson?community_code={A1}").json()
    events = AuditEvent.objects.count()
    r = post_import(client, {"community_code": A1, "feature_collection": exported})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["saved"] is True and body["blocked"] is False
    assert body["unchanged"] == [f"{A1}001", f"{A1}002"] and body["created"] == body["updated"] == []
    assert AuditEvent.objects.count() == events
    assert client.get(f"/api/v1/grids/geojson?community_code={A1}").json() == exported


def test_import_creates_a_grid(district, client):
    login(client, "district_admin")
    fc = collection(feature(f"{A1}003", square(117.12, 36.98), name="新网格", kind="预留网格"))
    r = post_import(client, {"community_code": A1, "feature_collection": fc, "dry_run": True})
    assert r.status_code == 200 and r.json()["created"] == [f"{A1}003"] and r.json()["saved"] is False
    assert not Grid.objects.filter(code=f"{A1}003").exists()
    r = post_import(client, {"community_code": A1, "feature_collection": fc})
    assert r.status_code == 200 and r.json()["saved"] is True
    assert Grid.objects.get(code=f"{A1}003").kind == "reserved"
    assert client.get("/api/v1/grids/locate?lng=117.125&lat=36.985").json()["code"] == f"{A1}003"


def test_refused_import_is_400_with_the_error_shape_and_the_report(district, client):
    login(client, "district_admin")
    fc = collection(
        feature(f"{A1}003", rect(117.115, 36.98, 117.13, 36.99)),  # overlaps g2
        feature("12345", square(117.2, 36.98)),
    )
    r = post_import(client, {"community_code": A1, "feature_collection": fc})
    assert r.status_code == 400
    body = r.json()
    assert_error_shape(body, "import_refused")
    assert body["message"] == "未导入：1处错误、1处网格重叠，请修改后重新上传"
    assert body["fields"]["features.1.code"] == "网格编码应为15位数字，收到“12345”"
    assert body["fields"][f"overlaps.{A1}002.{A1}003"].startswith("网格重叠约")
    report = body["report"]
    assert report["blocked"] is True and report["saved"] is False
    assert report["errors"] == [
        {"index": 1, "code": "12345", "field": "code", "message": "网格编码应为15位数字，收到“12345”"}
    ]
    assert report["overlaps"][0]["codes"] == [f"{A1}002", f"{A1}003"]
    assert not Grid.objects.filter(code=f"{A1}003").exists()


def test_gaps_refuse_unless_accepted(district, client):
    login(client, "district_admin")
    cells = [(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    fc = collection(
        *(
            feature(f"{A1}{n + 3:03d}", square(117.3 + i * 0.01, 36.9 + j * 0.01))
            for n, (i, j) in enumerate(cells)
        )
    )
    r = post_import(client, {"community_code": A1, "feature_collection": fc})
    assert r.status_code == 400 and r.json()["fields"] == {"gaps": "1处空白区域未被网格覆盖"}
    assert len(r.json()["report"]["gaps"]) == 1
    r = post_import(client, {"community_code": A1, "feature_collection": fc, "accept_gaps": True})
    assert r.status_code == 200 and len(r.json()["created"]) == 8 and r.json()["gap_area_m2"] > 0


def test_import_is_404_for_non_admins(district, client):
    fc = collection(feature(f"{A1}003", square(117.12, 36.98)))
    for who in ("community_worker", "grid_worker", "auditor"):
        login(client, who)
        r = post_import(client, {"community_code": A1, "feature_collection": fc})
        assert r.status_code == 404
        assert_error_shape(r.json(), "not_found")
    assert not Grid.objects.filter(code=f"{A1}003").exists()


def test_import_body_validation(district, client):
    login(client, "district_admin")
    r = post_import(client, {"feature_collection": {}})
    assert r.status_code == 400 and r.json()["fields"] == {"community_code": "必填项"}
    r = post_import(client, {"community_code": "370115009009", "feature_collection": collection()})
    assert r.status_code == 404
    r = post_import(client, {"community_code": A1, "feature_collection": {"type": "Feature"}})
    assert r.status_code == 400
    assert r.json()["fields"] == {"feature_collection": "文件不是GeoJSON FeatureCollection"}


def test_openapi_lists_the_new_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/grids/geojson",
        "/api/v1/grids/import",
        "/api/v1/grids/locate",
        "/api/v1/grids/band-report",
    ):
        assert path in paths


def test_grid_detail_has_team_and_figures(district, client):
    from gongzhi.places.services import grid_team_member_add

    g1 = district.grids["g1"]
    head = grid_team_member_add(actor=None, grid=g1, role="grid_head", name="王网格长", phone="13912345678")
    login(client, "grid_worker")
    body = client.get(f"/api/v1/grids/{g1.code}").json()
    assert body["kind_label"] == "居民网格" and body["community_name"] == "银山社区"
    assert body["team"] == [
        {
            "id": head.pk,
            "role": "grid_head",
            "role_label": "网格长",
            "name": "王网格长",
            "phone_masked": "139****5678",
            "note": "",
        }
    ]
    assert body["figures"] == {"households": 3, "persons": 6, "buildings": 1}
    assert body["boundary"]["type"] == "Polygon"
