"""Reads with the actor's scope: grid list, GeoJSON, point-to-grid, band report, place tree."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.places import selectors, services
from gongzhi.places.tests.geojson import square

INSIDE_G1 = (117.105, 36.985)
INSIDE_G2 = (117.115, 36.985)
EDGE_G1_G2 = (117.11, 36.985)
INSIDE_G4 = (117.155, 36.985)


def test_grid_worker_sees_only_own_grid(district):
    worker = district.user("grid_worker")
    g1 = district.grids["g1"]
    assert [g.code for g in selectors.grid_list_for_actor(actor=worker)] == [g1.code]
    fc = selectors.grids_feature_collection(actor=worker)
    assert [f["properties"]["code"] for f in fc["features"]] == [g1.code]
    assert fc["features"][0]["geometry"]["type"] == "Polygon"
    assert selectors.grid_for_point(lng=INSIDE_G1[0], lat=INSIDE_G1[1], actor=worker) == g1
    assert selectors.grid_for_point(lng=INSIDE_G2[0], lat=INSIDE_G2[1], actor=worker) is None


def test_feature_collection_properties(district):
    fc = selectors.grids_feature_collection(actor=district.user("district_admin"))
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 4
    props = fc["features"][0]["properties"]
    assert props == {
        "code": "370115001001001",
        "name": "银山社区第1网格",
        "kind": "residential",
        "kind_label": "居民网格",
        "covers": "",
        "covers_name": "",
        "community_code": "370115001001",
    }
    only_a2 = selectors.grids_feature_collection(
        actor=district.user("district_admin"), community_code="370115001002"
    )
    assert [f["id"] for f in only_a2["features"]] == [district.grids["g3"].code]


def test_grid_without_boundary_is_exported_with_null_geometry(district):
    grid = services.grid_create(
        actor=None, community=district.communities["A1"], code="370115001001003", name="待划", kind="reserved"
    )
    fc = selectors.grids_feature_collection(
        actor=district.user("district_admin"), community_code="370115001001"
    )
    assert fc["features"][-1]["id"] == grid.code and fc["features"][-1]["geometry"] is None


def test_point_on_a_shared_edge(district):
    g1, g2 = district.grids["g1"], district.grids["g2"]
    # Without a scope (or seeing both), the edge goes to the smaller code...
    assert selectors.grid_for_point(lng=EDGE_G1_G2[0], lat=EDGE_G1_G2[1]) == g1
    assert (
        selectors.grid_for_point(lng=EDGE_G1_G2[0], lat=EDGE_G1_G2[1], actor=district.user("district_admin"))
        == g1
    )
    # ...but a worker of g2 standing on the edge is in g2, not "nowhere".
    worker_g2 = district.user("grid_worker_g2")
    assert selectors.grid_for_point(lng=EDGE_G1_G2[0], lat=EDGE_G1_G2[1], actor=worker_g2) == g2


def test_point_outside_every_grid(district):
    assert selectors.grid_for_point(lng=100.0, lat=30.0) is None
    assert selectors.grid_for_point(lng=float("nan"), lat=36.0) is None


def test_locator_follows_boundary_changes(district):
    assert selectors.grid_for_point(lng=117.125, lat=36.985) is None
    grid = services.grid_create(
        actor=None,
        community=district.communities["A1"],
        code="370115001001003",
        name="新网格",
        kind="residential",
        boundary=square(117.12, 36.98),
    )
    assert selectors.grid_for_point(lng=117.125, lat=36.985) == grid
    services.grid_update(actor=None, grid_id=grid.pk, boundary=square(117.20, 36.98))
    assert selectors.grid_for_point(lng=117.125, lat=36.985) is None


def test_band_report_lists_residential_grids_outside_300_to_500(district, monkeypatch):
    # Every test grid has 3 households: all below 300.
    rows = selectors.households_outside_band(actor=district.user("community_worker"))
    assert [(r["code"], r["households"], r["problem"]) for r in rows] == [
        ("370115001001001", 3, "少于300户"),
        ("370115001001002", 3, "少于300户"),
    ]
    assert len(selectors.households_outside_band(actor=district.user("district_admin"))) == 4
    assert selectors.households_outside_band(actor=district.user("resident")) == []
    # Only residential grids count: a reserved grid with no household is not a problem.
    services.grid_create(
        actor=None, community=district.communities["A1"], code="370115001001003", name="预留", kind="reserved"
    )
    assert len(selectors.households_outside_band(actor=district.user("community_worker"))) == 2
    monkeypatch.setattr(selectors, "RESIDENTIAL_BAND", (1, 2))
    rows = selectors.households_outside_band(actor=district.user("grid_worker"))
    assert [(r["households"], r["problem"], r["low"]) for r in rows] == [(3, "多于2户", False)]
    monkeypatch.setattr(selectors, "RESIDENTIAL_BAND", (3, 3))
    assert selectors.households_outside_band(actor=district.user("district_admin")) == []


def _flatten(nodes, out=None):
    out = [] if out is None else out
    for n in nodes:
        out.append((n["level"], n["code"], n["grids"], n["households"], n["persons"]))
        _flatten(n["children"], out)
    return out


def test_place_tree_counts_and_scope(district):
    tree = selectors.place_tree_for_actor(actor=district.user("district_admin"))
    flat = _flatten(tree)
    assert flat[0] == ("district", "370115", 4, 12, 24)
    assert ("subdistrict", "370115001000", 3, 9, 18) in flat
    assert ("community", "370115001001", 2, 6, 12) in flat
    assert ("grid", "370115001001001", 1, 3, 6) in flat
    assert _flatten(selectors.place_tree_for_actor(actor=district.user("grid_worker"))) == [
        ("district", "370115", 1, 3, 6),
        ("subdistrict", "370115001000", 1, 3, 6),
        ("community", "370115001001", 1, 3, 6),
        ("grid", "370115001001001", 1, 3, 6),
    ]
    assert selectors.place_tree_for_actor(actor=district.user("resident")) == []
    assert selectors.place_tree_for_actor(actor=district.user("department_handler")) == []


def test_place_tree_shows_a_community_without_grids(district):
    services.community_create(
        actor=None, subdistrict=district.subdistricts["B"], code="370115002002", name="空社区"
    )
    flat = _flatten(selectors.place_tree_for_actor(actor=district.user("district_admin")))
    assert ("community", "370115002002", 0, 0, 0) in flat


@pytest.mark.parametrize("extra_grids", [0, 3])
def test_place_tree_query_count_does_not_grow_with_the_tree(district, extra_grids):
    for n in range(extra_grids):
        services.grid_create(
            actor=None,
            community=district.communities["A2"],
            code=f"370115001002{n + 2:03d}",
            name=f"新网格{n}",
            kind="residential",
        )
    admin = district.user("district_admin")
    scope_of(admin)  # the scope is read once per request, whatever the page
    with CaptureQueriesContext(connection) as ctx:
        selectors.place_tree_for_actor(actor=admin)
    assert len(ctx) == 4  # grids, households by grid, persons by grid, communities


def test_import_communities(district):
    assert len(selectors.import_communities_for_actor(actor=district.user("district_admin"))) == 3
    assert list(selectors.import_communities_for_actor(actor=district.user("community_worker"))) == []
    assert allowed(district.user("district_admin"), "places.import_grid")
    assert not allowed(district.user("community_secretary"), "places.import_grid")


def test_grid_team_groups(district):
    g1 = district.grids["g1"]
    services.grid_team_member_add(actor=None, grid=g1, role="grid_head", name="王网格长", phone="13912345678")
    services.grid_team_member_add(actor=None, grid=g1, role="grid_worker", name="李网格员")
    services.grid_team_member_add(actor=None, grid=g1, role="volunteer", name="张志愿者")
    services.grid_team_member_add(actor=None, grid=g1, role="building_captain", name="赵楼长", note="3号楼")
    groups = {g["tag"]: [m.name for m in g["members"]] for g in selectors.grid_team_groups(grid=g1)}
    assert groups == {"1": ["王网格长"], "X": ["李网格员"], "N": ["张志愿者", "赵楼长"], "": []}
