"""Grid services: code validation, GeoJSON import (errors, overlaps, gaps, round trip), permissions."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.places import selectors, services
from gongzhi.places.models import District, Grid
from gongzhi.places.tests.geojson import collection, feature, rect, square

A1 = "370115001001"  # the test district's community with grids g1 (117.10) and g2 (117.11)


def _import(district, fc, **kw):
    return services.grids_import_geojson(
        actor=district.user("district_admin"),
        community_id=district.communities["A1"].pk,
        feature_collection=fc,
        **kw,
    )


def _snapshot():
    return (
        list(Grid.objects.order_by("code").values("code", "name", "kind", "boundary", "updated_at")),
        AuditEvent.objects.count(),
    )


# --- code validation ----------------------------------------------------------------------------------


CODE_ERRORS = [
    ("37011500100100", "网格编码应为15位数字，收到“37011500100100”"),
    ("37011500100100X", "网格编码应为15位数字，收到“37011500100100X”"),
    ("370115001002001", "网格编码“370115001002001”的前12位应为所属社区代码370115001001"),
    ("370115001001000", "网格编码“370115001001000”的顺序号不能为000"),
]


def test_grid_code_errors_are_field_level_chinese(district):
    for code, message in CODE_ERRORS:
        with pytest.raises(ValidationFailed) as exc:
            services.grid_create(
                actor=district.user("district_admin"),
                community=district.communities["A1"],
                code=code,
                name="新网格",
                kind="residential",
            )
        assert exc.value.fields == {"code": message}
        assert exc.value.message == message


def test_grid_attribute_errors_are_field_level(district):
    with pytest.raises(ValidationFailed) as exc:
        services.validate_grid_fields(code=f"{A1}009", name="x", kind="", community_code=A1)
    assert exc.value.fields == {"kind": "请选择网格类型（居民网格、预留网格或专属网格）"}
    with pytest.raises(ValidationFailed) as exc:
        services.validate_grid_fields(code=f"{A1}009", name="x", kind="dedicated", community_code=A1)
    assert set(exc.value.fields) == {"covers"}


def test_grid_update_with_the_same_boundary_is_no_change(district):
    g1 = district.grids["g1"]
    before = _snapshot()
    services.grid_update(actor=None, grid_id=g1.pk, boundary=g1.boundary, name=g1.name)
    assert _snapshot() == before
    services.grid_update(actor=None, grid_id=g1.pk, boundary=square(117.10, 36.98, 0.005))
    event = AuditEvent.objects.filter(event_type="places.grid_updated").latest("id")
    assert event.data == {"old": {"boundary": True}, "new": {"boundary": "changed"}}


# --- import -------------------------------------------------------------------------------------------


def test_round_trip_changes_nothing(district):
    admin = district.user("district_admin")
    exported = selectors.grids_feature_collection(actor=admin, community_code=A1)
    assert [f["properties"]["code"] for f in exported["features"]] == [f"{A1}001", f"{A1}002"]
    before = _snapshot()
    report = _import(district, exported)
    assert report.saved and not report.blocked
    assert report.unchanged == [f"{A1}001", f"{A1}002"]
    assert report.created == report.updated == []
    assert report.overlaps == report.gaps == report.errors == []
    assert _snapshot() == before  # no row touched, no audit row
    assert selectors.grids_feature_collection(actor=admin, community_code=A1) == exported


def test_import_creates_and_updates_in_one_go(district):
    g1, g2 = district.grids["g1"], district.grids["g2"]
    fc = collection(
        feature(g1.code, g1.boundary, name="银山社区东网格", kind="居民网格"),
        feature(g2.code, g2.boundary, name=g2.name),
        feature(f"{A1}003", square(117.12, 36.98), name="预留地块", kind="预留网格"),
        feature(
            f"{A1}004",
            square(117.13, 36.98),
            name="济阳一中",
            kind="专属网格",
            covers="学校",
            covers_name="济阳一中",
        ),
    )
    events = AuditEvent.objects.count()
    report = _import(district, fc)
    assert report.saved, report.as_dict()
    assert report.created == [f"{A1}003", f"{A1}004"]
    assert report.updated == [g1.code]
    assert report.unchanged == [g2.code]
    g1.refresh_from_db()
    assert g1.name == "银山社区东网格"
    new = Grid.objects.get(code=f"{A1}003")
    assert (new.kind, new.community_code, new.district_code) == ("reserved", A1, "370115")
    assert new.min_lng == pytest.approx(117.12) and new.center_lat is not None
    school = Grid.objects.get(code=f"{A1}004")
    assert (school.kind, school.covers, school.covers_name) == ("dedicated", "school", "济阳一中")
    types = list(AuditEvent.objects.filter(id__gt=0).order_by("id").values_list("event_type", flat=True))[
        events:
    ]
    assert sorted(types) == sorted(
        ["places.grid_created", "places.grid_created", "places.grid_updated", "places.grids_imported"]
    )
    summary = AuditEvent.objects.get(event_type="places.grids_imported")
    assert summary.community_code == A1 and summary.actor == district.user("district_admin")
    assert summary.data["created"] == [f"{A1}003", f"{A1}004"]


def test_feature_without_properties_keeps_saved_values(district):
    g1 = district.grids["g1"]
    smaller = square(117.10, 36.98, 0.008)
    report = _import(
        district, collection({"type": "Feature", "geometry": smaller, "properties": {"网格编码": g1.code}})
    )
    assert report.saved and report.updated == [g1.code]
    g1.refresh_from_db()
    assert (g1.name, g1.kind) == ("银山社区第1网格", "residential")
    assert g1.max_lng == pytest.approx(117.108)


def test_overlap_refuses_the_whole_file(district):
    g2 = district.grids["g2"]
    before = _snapshot()
    # The new grid covers the eastern half of g2, which is saved and not in the file.
    fc = collection(feature(f"{A1}003", rect(117.115, 36.98, 117.13, 36.99), name="新网格"))
    report = _import(district, fc)
    assert report.blocked and not report.saved
    assert [o.codes for o in report.overlaps] == [(g2.code, f"{A1}003")]
    # 0.005° of longitude × 0.01° of latitude at 37°N ≈ 444.6 m × 1105.7 m
    assert report.overlaps[0].area_m2 == pytest.approx(491_600, rel=0.01)
    assert 117.115 < report.overlaps[0].lng < 117.12
    assert "1处网格重叠" in report.message
    assert _snapshot() == before


def test_slivers_along_shared_edges_are_ignored(district):
    # 5e-9° of longitude (half a millimetre) × 0.01° of latitude ≈ 0.5 m²: digitising noise.
    report = _import(district, collection(feature(f"{A1}003", rect(117.12 - 5e-9, 36.98, 117.13, 36.99))))
    assert report.overlaps == [] and report.saved


def test_errors_refuse_the_whole_file_and_say_where(district):
    g1 = district.grids["g1"]
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[117.2, 36.9], [117.21, 36.91], [117.21, 36.9], [117.2, 36.91], [117.2, 36.9]]],
    }
    fc = collection(
        feature("37011500100100", square(117.20, 36.98)),  # 0: 14 digits
        feature("370115002001009", square(117.21, 36.98)),  # 1: another community's code
        feature(f"{A1}005", square(117.22, 36.98), kind="商业网格"),  # 2: no such kind
        feature(f"{A1}006", square(117.23, 36.98), kind="dedicated"),  # 3: dedicated, covers missing
        feature(f"{A1}007", bowtie),  # 4: self-intersecting
        feature(f"{A1}008", None),  # 5: a new grid needs a boundary
        feature(f"{A1}005", square(117.24, 36.98)),  # 6: duplicate of 2
        {"type": "Polygon", "coordinates": []},  # 7: not a Feature
        feature(g1.code, g1.boundary, name=""),  # 8: name left empty on purpose
    )
    before = _snapshot()
    report = _import(district, fc)
    assert report.blocked and not report.saved
    got = {(e.index, e.field): e.message for e in report.errors}
    assert got[(0, "code")] == "网格编码应为15位数字，收到“37011500100100”"
    assert got[(1, "code")] == "网格编码“370115002001009”的前12位应为所属社区代码370115001001"
    assert got[(2, "kind")].startswith("网格类型“商业网格”无效")
    assert got[(3, "covers")].startswith("专属网格必须注明覆盖对象类型")
    assert got[(4, "geometry")].startswith("边界不是有效的多边形：边界自相交")
    assert got[(5, "geometry")] == "缺少网格边界（geometry为空）"
    assert got[(6, "code")] == f"网格编码{A1}005在文件中重复（第3个要素已使用）"
    assert got[(7, "feature")] == "不是GeoJSON Feature"
    assert (8, "name") not in got  # an empty name keeps the saved one
    assert _snapshot() == before
    fields = report.field_messages()
    assert fields["features.0.code"] == got[(0, "code")]


def test_gaps_inside_the_community_boundary_block_unless_accepted(district):
    community = services.community_create(
        actor=None,
        subdistrict=district.subdistricts["A"],
        code="370115001003",
        name="新区社区",
        boundary=rect(117.20, 36.98, 117.23, 36.99),
    )
    # Two grids at the ends, the middle third of the community uncovered.
    fc = collection(
        feature("370115001003001", rect(117.20, 36.98, 117.21, 36.99)),
        feature("370115001003002", rect(117.22, 36.98, 117.23, 36.99)),
    )
    admin = district.user("district_admin")
    report = services.grids_import_geojson(actor=admin, community_id=community.pk, feature_collection=fc)
    assert report.blocked and not report.saved and report.gap_basis == "community"
    assert len(report.gaps) == 1
    assert report.gaps[0].area_m2 == pytest.approx(983_200, rel=0.01)
    assert 117.21 < report.gaps[0].lng < 117.22
    assert report.gaps[0].geometry["type"] == "Polygon"
    assert "空白区域" in report.message
    assert not Grid.objects.filter(community=community).exists()

    report = services.grids_import_geojson(
        actor=admin, community_id=community.pk, feature_collection=fc, accept_gaps=True
    )
    assert report.saved and len(report.gaps) == 1
    assert Grid.objects.filter(community=community).count() == 2
    assert AuditEvent.objects.get(event_type="places.grids_imported").data["accept_gaps"] is True


def test_grid_outside_the_community_is_reported_not_refused(district):
    community = services.community_create(
        actor=None,
        subdistrict=district.subdistricts["A"],
        code="370115001003",
        name="新区社区",
        boundary=rect(117.20, 36.98, 117.21, 36.99),
    )
    fc = collection(feature("370115001003001", rect(117.20, 36.98, 117.215, 36.99)))
    report = services.grids_import_geojson(actor=None, community_id=community.pk, feature_collection=fc)
    assert report.saved and [o.code for o in report.outside] == ["370115001003001"]


def test_holes_are_gaps_when_the_community_has_no_boundary(district):
    # A 3×3 block of squares with the centre missing: the hole is a gap.
    cells = [(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    fc = collection(
        *(
            feature(f"{A1}{n + 3:03d}", square(117.30 + i * 0.01, 36.90 + j * 0.01))
            for n, (i, j) in enumerate(cells)
        )
    )
    report = _import(district, fc)
    assert report.gap_basis == "holes" and len(report.gaps) == 1 and report.blocked
    assert report.gaps[0].lng == pytest.approx(117.315, abs=0.005)
    report = _import(district, fc, accept_gaps=True)
    assert report.saved and len(report.created) == 8


def test_dry_run_saves_nothing_but_says_what_would_change(district):
    before = _snapshot()
    report = _import(district, collection(feature(f"{A1}003", square(117.12, 36.98))), dry_run=True)
    assert not report.blocked and not report.saved
    assert report.created == [f"{A1}003"]
    assert report.message == "检查通过：将新增1个网格，更新0个，0个未变化"
    assert _snapshot() == before


def test_only_a_district_admin_may_import(district):
    fc = collection(feature(f"{A1}003", square(117.12, 36.98)))
    for who in ("community_worker", "community_secretary", "grid_worker", "subdistrict_staff", "auditor"):
        with pytest.raises(NotFound):
            services.grids_import_geojson(
                actor=district.user(who), community_id=district.communities["A1"].pk, feature_collection=fc
            )
    assert not Grid.objects.filter(code=f"{A1}003").exists()


def test_missing_community_is_not_found(district):
    with pytest.raises(NotFound):
        services.grids_import_geojson(actor=None, community_id=999_999, feature_collection=collection())


def test_department_update_is_audited(district):
    dep = services.department_update(
        actor=district.user("district_admin"), department_id=district.department.pk, name="城市管理局"
    )
    assert dep.name == "城市管理局"
    event = AuditEvent.objects.get(event_type="places.department_updated")
    assert event.data == {"old": {"name": "城管局"}, "new": {"name": "城市管理局"}}


# --- districts, subdistricts, communities: who creates, renames ------------------------------------


def test_only_the_system_creates_a_district(district, django_user_model):
    for who in ("district_admin", "auditor", "subdistrict_staff", "community_worker"):
        with pytest.raises(Forbidden) as exc:
            services.district_create(actor=district.user(who), code="370112", name="历城区")
        assert exc.value.message == "只有系统管理员可以创建区县"
    assert not District.objects.filter(code="370112").exists()
    root = django_user_model.objects.create_superuser(username="root", password="x", email="")
    created = services.district_create(actor=root, code="370112", name=" 历城区 ")
    assert created.name == "历城区"
    event = AuditEvent.objects.get(event_type="places.district_created", target_id=str(created.pk))
    assert event.actor_id == root.pk and event.data == {"code": "370112", "name": "历城区"}


def test_renames_are_audited_and_change_only_the_name(district):
    admin = district.user("district_admin")
    d = services.district_rename(actor=admin, district_id=district.district.pk, name="济阳区 ")
    assert d.name == "济阳区"
    assert not AuditEvent.objects.filter(event_type="places.district_renamed").exists()  # no change
    sub = services.subdistrict_rename(
        actor=admin, subdistrict_id=district.subdistricts["A"].pk, name="济阳街道办"
    )
    com = services.community_rename(actor=admin, community_id=district.communities["B1"].pk, name="安大村")
    assert (sub.code, sub.name) == ("370115001000", "济阳街道办")
    assert (com.code, com.name, com.kind) == ("370115002001", "安大村", "urban")
    event = AuditEvent.objects.get(event_type="places.community_renamed")
    assert event.data == {"code": "370115002001", "old": {"name": "安大社区"}, "new": {"name": "安大村"}}
    assert event.community_code == "370115002001" and event.actor_id == admin.pk
    with pytest.raises(ValidationFailed) as exc:
        services.community_rename(actor=admin, community_id=com.pk, name=" ")
    assert exc.value.fields == {"name": "请填写名称"}
    with pytest.raises(ValidationFailed) as exc:
        services.community_rename(actor=admin, community_id=com.pk, name="长" * 51)
    assert exc.value.fields == {"name": "名称不能超过50个字"}


def test_only_the_district_admin_renames_and_others_see_nothing(district):
    for who in ("auditor", "subdistrict_staff", "community_secretary", "grid_worker"):
        with pytest.raises(NotFound):
            services.community_rename(
                actor=district.user(who), community_id=district.communities["A1"].pk, name="改名"
            )
        with pytest.raises(NotFound):
            services.district_rename(actor=district.user(who), district_id=district.district.pk, name="改名")
    other = services.district_create(actor=None, code="370112", name="历城区")
    with pytest.raises(NotFound):
        services.district_rename(actor=district.user("district_admin"), district_id=other.pk, name="改名")
    with pytest.raises(NotFound):
        services.subdistrict_rename(actor=None, subdistrict_id=999_999, name="改名")
    assert not AuditEvent.objects.filter(event_type__endswith="_renamed").exists()
