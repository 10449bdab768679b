"""Console pages: render for staff in scope, 404 out of scope, the import flow for district admins."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.audit.models import AuditEvent
from gongzhi.places.models import Grid
from gongzhi.places.services import grid_team_member_add
from gongzhi.places.tests.geojson import collection, feature, rect, square

A1 = "370115001001"


def upload(fc, name="grids.geojson"):
    return SimpleUploadedFile(
        name, json.dumps(fc, ensure_ascii=False).encode(), content_type="application/geo+json"
    )


def test_pages_need_login(db, client):
    for name in (
        "places:tree",
        "places:map",
        "places:band_report",
        "places:grid_export",
        "places:grid_import",
    ):
        r = client.get(reverse(name))
        assert r.status_code == 302 and "/login/" in r["Location"]


def test_pages_render_for_a_community_worker(district, client):
    client.force_login(district.user("community_worker"))
    g1, g2, g3 = (district.grids[k] for k in ("g1", "g2", "g3"))

    html = client.get(reverse("places:tree")).content.decode()
    assert "银山社区第1网格" in html and "银山社区第2网格" in html
    assert "城里社区" not in html  # another community
    assert reverse("places:grid_detail", args=[g1.code]) in html
    assert "2个网格 · 6户 · 12人" in html
    assert "<details" in html
    assert reverse("places:grid_import") not in html.split("<main")[1]  # no import button for them

    r = client.get(reverse("places:map"))
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        'id="grid-map"' in html
        and "/static/places/map.js" in html
        and "/static/vendor/leaflet/leaflet.js" in html
    )
    assert 'data-geojson-url="/api/v1/grids/geojson"' in html
    assert 'data-detail-url="/api/v1/grids/__code__"' in html
    assert 'data-tile-url=""' in html  # no tile server unless configured
    assert "居民网格" in html and "专属网格" in html  # legend
    assert "<script>" not in html  # CSP: script-src 'self', no inline script

    html = client.get(reverse("places:map") + f"?community={A1}&grid={g1.code}").content.decode()
    assert f'data-geojson-url="/api/v1/grids/geojson?community_code={A1}"' in html
    assert f'data-focus="{g1.code}"' in html

    html = client.get(reverse("places:grid_detail", args=[g2.code])).content.decode()
    assert "银山社区第2网格" in html and "网格队伍（1+X+N）" in html
    assert 'data-testid="fig-households">3<' in html and 'data-testid="fig-persons">6<' in html
    assert "少于300户" in html

    html = client.get(reverse("places:band_report")).content.decode()
    assert g1.code in html and g2.code in html and g3.code not in html

    assert client.get(reverse("places:grid_detail", args=[g3.code])).status_code == 404


def test_map_tile_layer_only_when_configured(district, client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    client.force_login(district.user("grid_worker"))
    html = client.get(reverse("places:map")).content.decode()
    assert 'data-tile-url="https://tiles.example.gov.cn/{z}/{x}/{y}.png"' in html


def test_grid_detail_shows_the_team(district, client):
    g1 = district.grids["g1"]
    grid_team_member_add(actor=None, grid=g1, role="grid_head", name="王网格长", phone="13912345678")
    grid_team_member_add(actor=None, grid=g1, role="volunteer", name="张志愿者")
    client.force_login(district.user("grid_worker"))
    html = client.get(reverse("places:grid_detail", args=[g1.code])).content.decode()
    assert "王网格长" in html and "139****5678" in html and "13912345678" not in html
    assert "张志愿者" in html and "尚未配备" in html  # no grid worker registered in the team yet


def test_out_of_scope_grid_detail_is_404(district, client):
    for who, other in (("grid_worker", "g2"), ("grid_worker_g2", "g1"), ("community_worker", "g3")):
        client.force_login(district.user(who))
        code = district.grids[other].code
        assert client.get(reverse("places:grid_detail", args=[code])).status_code == 404
        assert client.get(reverse("places:grid_detail", args=["370115001009009"])).status_code == 404


def test_grid_worker_tree_and_export_are_scoped(district, client):
    client.force_login(district.user("grid_worker"))
    html = client.get(reverse("places:tree")).content.decode()
    assert "银山社区第1网格" in html and "银山社区第2网格" not in html
    r = client.get(reverse("places:grid_export"))
    assert r["Content-Type"] == "application/geo+json"
    assert "attachment" in r["Content-Disposition"]
    assert [f["id"] for f in json.loads(r.content)["features"]] == [district.grids["g1"].code]


def test_residents_are_sent_to_h5_from_places_pages(district, client):
    client.force_login(district.user("resident"))
    for name in ("places:tree", "places:map", "places:grid_import", "places:band_report"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and r["Location"].startswith("/h5/")


def test_import_page_is_404_for_non_admins(district, client):
    fc = collection(feature(f"{A1}003", square(117.12, 36.98)))
    for who in (
        "community_worker",
        "community_secretary",
        "grid_worker",
        "subdistrict_staff",
        "auditor",
    ):
        client.force_login(district.user(who))
        assert client.get(reverse("places:grid_import")).status_code == 404
        r = client.post(reverse("places:grid_import"), {"community": A1, "step": "check", "file": upload(fc)})
        assert r.status_code == 404
        r = client.post(
            reverse("places:grid_import"), {"community": A1, "step": "confirm", "payload": json.dumps(fc)}
        )
        assert r.status_code == 404
    assert not Grid.objects.filter(code=f"{A1}003").exists()


def test_import_check_then_confirm(district, client):
    client.force_login(district.user("district_admin"))
    html = client.get(reverse("places:grid_import") + f"?community={A1}").content.decode()
    assert f'value="{A1}" selected' in html and 'type="file"' in html

    fc = collection(feature(f"{A1}003", square(117.12, 36.98), name="新网格", kind="居民网格"))
    r = client.post(reverse("places:grid_import"), {"community": A1, "step": "check", "file": upload(fc)})
    html = r.content.decode()
    assert r.status_code == 200
    assert "检查通过：将新增1个网格，更新0个，0个未变化" in html
    assert 'name="step" value="confirm"' in html
    assert not Grid.objects.filter(code=f"{A1}003").exists()  # checking saves nothing

    payload = r.context["payload"]
    r = client.post(reverse("places:grid_import"), {"community": A1, "step": "confirm", "payload": payload})
    html = r.content.decode()
    assert "已导入：新增1个网格，更新0个，0个未变化" in html
    assert Grid.objects.get(code=f"{A1}003").name == "新网格"
    assert AuditEvent.objects.filter(event_type="places.grids_imported").count() == 1


def test_import_check_shows_errors_and_overlaps_and_offers_no_confirm(district, client):
    client.force_login(district.user("district_admin"))
    fc = collection(
        feature(f"{A1}003", rect(117.115, 36.98, 117.13, 36.99)),
        feature("370115002001001", square(117.2, 36.98)),
    )
    r = client.post(reverse("places:grid_import"), {"community": A1, "step": "check", "file": upload(fc)})
    html = r.content.decode()
    assert "检查未通过：1处错误、1处网格重叠，请修改后重新上传" in html
    assert "前12位应为所属社区代码370115001001" in html
    assert 'data-testid="import-overlaps"' in html
    assert 'value="confirm"' not in html


def test_import_gaps_need_the_box_ticked(district, client):
    client.force_login(district.user("district_admin"))
    cells = [(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    fc = collection(
        *(
            feature(f"{A1}{n + 3:03d}", square(117.3 + i * 0.01, 36.9 + j * 0.01))
            for n, (i, j) in enumerate(cells)
        )
    )
    r = client.post(reverse("places:grid_import"), {"community": A1, "step": "check", "file": upload(fc)})
    html = r.content.decode()
    assert "1处空白区域" in html and 'name="accept_gaps" required' in html
    assert "核对无误后，选择“允许空白区域”即可导入" in html
    payload = r.context["payload"]
    r = client.post(reverse("places:grid_import"), {"community": A1, "step": "confirm", "payload": payload})
    assert not Grid.objects.filter(code=f"{A1}003").exists()  # not ticked: refused
    r = client.post(
        reverse("places:grid_import"),
        {"community": A1, "step": "confirm", "payload": payload, "accept_gaps": "on"},
    )
    assert "已导入：新增8个网格" in r.content.decode()


def test_import_upload_problems(district, client):
    client.force_login(district.user("district_admin"))
    cases = [
        (None, "请选择要上传的GeoJSON文件"),
        (SimpleUploadedFile("grids.shp", b"\x00"), "文件应为 .geojson 或 .json 格式"),
        (SimpleUploadedFile("grids.geojson", b"{not json"), "文件不是有效的JSON（第1行第2列）"),
        (SimpleUploadedFile("grids.json", b"{}\xff"), "文件编码应为UTF-8"),
    ]
    for file, message in cases:
        data: dict = {"community": A1, "step": "check"}
        if file is not None:
            data["file"] = file
        r = client.post(reverse("places:grid_import"), data)
        assert r.status_code == 400
        assert message in r.content.decode()
    r = client.post(reverse("places:grid_import"), {"community": "", "step": "check"})
    assert r.status_code == 400 and "请选择社区" in r.content.decode()
    r = client.post(reverse("places:grid_import"), {"community": A1, "step": "confirm", "payload": "{"})
    assert r.status_code == 400 and "请重新上传文件" in r.content.decode()


def test_tree_page_query_count(district, client, django_assert_max_num_queries):
    client.force_login(district.user("district_admin"))
    client.get(reverse("places:tree"))
    with django_assert_max_num_queries(12):
        r = client.get(reverse("places:tree"))
    assert r.status_code == 200
