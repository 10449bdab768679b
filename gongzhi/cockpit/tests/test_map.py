"""The one-map (一张图): the page and its layers over HTTP, scope (a neighbour's place is 404, a community
worker's ticket layer holds their tickets only), and each layer's features against the module's own records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.cockpit.tests.map_world import build_map_world
from gongzhi.testing import SmallDistrict, build_small_district
from gongzhi.testing.worlds import shared_world

LAYERS = ("grids", "tickets", "ticket_heat", "units", "venues", "devices", "warnings", "care")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[tuple[SmallDistrict, dict]]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("onemap-media")):
        d = build_small_district()
        yield d, build_map_world(d)


def _client(d: SmallDistrict, key: str) -> Client:
    c = Client()
    c.force_login(d.user(key))
    return c


def _layer(client: Client, layer: str, place: str, **query: Any) -> dict[str, Any]:
    r = client.get(reverse("cockpit:map_layer", args=[layer]), {"place": place, **query})
    assert r.status_code == 200, r.content[:300]
    return r.json()


def _place(d: SmallDistrict, level: str) -> str:
    return {
        "district": d.district.code,
        "subdistrict": d.subdistricts["A"].code,
        "community": d.communities["A1"].code,
        "grid": d.grids["g1"].code,
    }[level]


# --- the page -----------------------------------------------------------------------------------------


def test_page_names_the_place_its_crumbs_and_every_layer(world, db):
    d, _ = world
    c = _client(d, "district_admin")
    r = c.get(reverse("cockpit:map"), {"place": d.communities["A1"].code})
    assert r.status_code == 200
    html = r.content.decode()
    assert "银山社区" in html
    # breadcrumb up to the district and the subdistrict
    assert f'data-place="{d.district.code}"' in html and f'data-place="{d.subdistricts["A"].code}"' in html
    for layer in LAYERS:
        assert f'data-testid="layer-{layer}"' in html
    assert "<script>" not in html  # the CSP allows no inline script
    # without ?place=: the actor's own place (the district for its admin, the community for its worker)
    assert c.get(reverse("cockpit:map")).context["place"].code == d.district.code
    own = _client(d, "community_worker").get(reverse("cockpit:map")).context["place"]
    assert (own.level, own.code) == ("community", d.communities["A1"].code)


def test_scope_a_neighbours_place_is_404_and_accounts_without_a_place_are_refused(world, db):
    d, _ = world
    worker = _client(d, "community_worker")  # community A1
    neighbour = d.communities["B1"].code
    assert worker.get(reverse("cockpit:map"), {"place": neighbour}).status_code == 404
    for layer in LAYERS:
        url = reverse("cockpit:map_layer", args=[layer])
        assert worker.get(url, {"place": neighbour}).status_code == 404
        assert worker.get(url, {"place": d.grids["g4"].code}).status_code == 404
        assert worker.get(url, {"place": d.district.code}).status_code == 404  # above the worker's place
    for bad in ("abc", "370115999999", "1" * 15, "37011500100x"):
        assert worker.get(reverse("cockpit:map"), {"place": bad}).status_code == 404
    assert (
        worker.get(
            reverse("cockpit:map_layer", args=["nope"]), {"place": d.communities["A1"].code}
        ).status_code
        == 404
    )
    # a grid worker: their grid, not the grid beside it
    grid = _client(d, "grid_worker")
    assert grid.get(reverse("cockpit:map"), {"place": d.grids["g1"].code}).status_code == 200
    assert grid.get(reverse("cockpit:map"), {"place": d.grids["g2"].code}).status_code == 404
    assert _client(d, "department_handler").get(reverse("cockpit:map")).status_code == 403
    assert _client(d, "unit_liaison").get(reverse("cockpit:map")).status_code == 302  # to the H5 site
    assert Client().get(reverse("cockpit:map")).status_code == 302


def test_community_workers_ticket_layer_holds_only_their_tickets(world, db):
    d, w = world
    worker = _client(d, "community_worker")
    place = d.communities["A1"].code
    mine = {t.pk for key in ("g1", "g2") for t in w["tickets"][key]}
    points = _layer(worker, "tickets", place, zoom=18)
    assert {f["properties"]["id"] for f in points["features"]} == mine
    clusters = _layer(worker, "tickets", place, zoom=10)
    assert clusters["meta"]["mode"] == "clusters"
    assert sum(f["properties"]["count"] for f in clusters["features"]) == len(mine)
    heat = _layer(worker, "ticket_heat", place)
    assert {f["properties"]["code"] for f in heat["features"]} == {d.grids["g1"].code, d.grids["g2"].code}


# --- each layer equals the module's records -------------------------------------------------------------


@pytest.mark.parametrize("level", ["district", "subdistrict", "community", "grid"])
def test_ticket_layers_equal_the_tickets_selector(world, db, level):
    from gongzhi.tickets.enums import OPEN
    from gongzhi.tickets.selectors.tickets import clean_filters, ticket_queryset_for_actor

    d, _ = world
    admin = d.user("district_admin")
    place = _place(d, level)
    c = _client(d, "district_admin")

    def count(**kw: Any) -> int:
        filters = clean_filters(place=place, **kw)
        return ticket_queryset_for_actor(actor=admin, filters=filters).count()

    open_count = count(status=sorted(OPEN))
    overdue_count = count(inbox="overdue")
    assert overdue_count >= 1  # the overdue ticket of g1 lies under every place asked
    for zoom in (8, 12, 18):
        body = _layer(c, "tickets", place, zoom=zoom)
        assert body["meta"]["count"] == open_count, zoom
        assert body["meta"]["overdue"] == overdue_count, zoom
        assert sum(f["properties"].get("count", 1) for f in body["features"]) == open_count
    heat = _layer(c, "ticket_heat", place)
    assert heat["meta"]["total"] == open_count
    assert sum(f["properties"]["overdue"] for f in heat["features"]) == overdue_count


def test_ticket_points_keep_to_the_box_asked(world, db):
    from gongzhi.cockpit.tests.map_world import POINTS

    d, w = world
    c = _client(d, "district_admin")
    lng, lat = POINTS["g2"]
    box = f"{lng - 0.004},{lat - 0.004},{lng + 0.004},{lat + 0.004}"
    body = _layer(c, "tickets", d.district.code, zoom=18, bbox=box)
    assert {f["properties"]["id"] for f in body["features"]} == {t.pk for t in w["tickets"]["g2"]}


def test_grids_layer_equals_the_places_selector_and_drills_one_level_down(world, db):
    from gongzhi.places.selectors import grid_list_for_actor

    d, _ = world
    c = _client(d, "district_admin")
    admin = d.user("district_admin")
    for level, drill in (("district", 12), ("subdistrict", 12), ("community", 15), ("grid", 0)):
        place = _place(d, level)
        body = _layer(c, "grids", place)
        expected = grid_list_for_actor(actor=admin).filter(**{f"{level}_code": place})
        assert sorted(f["properties"]["code"] for f in body["features"]) == sorted(g.code for g in expected)
        assert all(len(f["properties"]["drill"]) == drill for f in body["features"])
        kinds = dict(expected.values_list("code", "kind"))
        assert all(kinds[f["properties"]["code"]] == f["properties"]["kind"] for f in body["features"])
    district = _layer(c, "grids", d.district.code)
    g4 = next(f for f in district["features"] if f["properties"]["code"] == d.grids["g4"].code)
    assert g4["properties"]["drill"] == d.subdistricts["B"].code


def test_units_layer_equals_the_party_selector(world, db):
    from gongzhi.party.selectors.registration import unit_list_for_actor

    d, _ = world
    worker = d.user("community_worker")
    body = _layer(_client(d, "community_worker"), "units", d.communities["A1"].code)
    units = list(unit_list_for_actor(actor=worker, community_code=d.communities["A1"].code))
    points = [f for f in body["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in body["features"] if f["geometry"]["type"] == "LineString"]
    assert sorted(f["properties"]["name"] for f in points) == sorted(u.name for u in units)
    assert sorted(f["properties"]["grid"] for f in lines) == sorted(
        u.paired_grid.code for u in units if u.paired_grid
    )
    centres = {g.code: [g.center_lng, g.center_lat] for g in d.grids.values()}
    for line in lines:  # each line ends at its grid's centre
        end = line["geometry"]["coordinates"][1]
        assert end == pytest.approx(centres[line["properties"]["grid"]])
    assert "区供电公司" not in body["features"].__repr__()  # the neighbour's unit


def test_venues_layer_equals_the_venues_selector_with_the_15_minute_radius(world, db):
    from gongzhi.venues import coverage
    from gongzhi.venues.selectors import venue_list_for_actor

    d, _ = world
    admin = d.user("district_admin")
    body = _layer(_client(d, "district_admin"), "venues", d.district.code)
    venues = venue_list_for_actor(actor=admin)
    assert sorted(f["properties"]["id"] for f in body["features"]) == sorted(v.pk for v in venues)
    assert {f["properties"]["radius_m"] for f in body["features"]} == {
        round(coverage.WALK_METRES / coverage.DETOUR_FACTOR)
    }
    by_id = {v.pk: v for v in venues}
    for f in body["features"]:
        v = by_id[f["properties"]["id"]]
        assert f["geometry"]["coordinates"] == pytest.approx([v.lng, v.lat])


def test_devices_layer_equals_the_devices_selector(world, db):
    from gongzhi.devices.enums import DeviceStatus
    from gongzhi.devices.selectors import device_list_for_actor

    d, _ = world
    for key, place in (("district_admin", d.district.code), ("community_worker", d.communities["A1"].code)):
        actor = d.user(key)
        body = _layer(_client(d, key), "devices", place)
        devices = device_list_for_actor(actor=actor).filter(
            **{f"{'district' if len(place) == 6 else 'community'}_code": place}
        )
        live = devices.exclude(status=DeviceStatus.RETIRED)
        meta = body["meta"]
        assert meta["online"] + meta["offline"] + meta["faulty"] == live.count()
        assert meta["offline"] == live.filter(status=DeviceStatus.OFFLINE).count()
        assert meta["faulty"] == 1  # the door with an open tamper incident (in A1's g2)
        assert sum(f["properties"]["total"] for f in body["features"]) == live.count()
        faulty = [f for f in body["features"] if f["properties"]["status"] == "faulty"]
        assert [f["properties"]["grid"] for f in faulty] == [d.grids["g2"].code]


def test_warnings_layer_equals_the_open_warnings_of_the_mediation_selector(world, db):
    from gongzhi.mediation.enums import WarningStatus
    from gongzhi.mediation.selectors import warning_list_for_actor

    d, _ = world
    for key, place in (("district_admin", d.district.code), ("community_worker", d.communities["A1"].code)):
        actor = d.user(key)
        body = _layer(_client(d, key), "warnings", place)
        expected = warning_list_for_actor(actor=actor).filter(
            **{f"{'district' if len(place) == 6 else 'community'}_code": place},
            status__in=[WarningStatus.OPEN, WarningStatus.TAKEN],
        )
        assert sorted(f["properties"]["id"] for f in body["features"]) == sorted(w.pk for w in expected)
        assert all("subject" not in f["properties"] for f in body["features"])


def test_care_layer_is_counts_per_grid_only_and_equals_the_care_figures(world, db):
    from gongzhi.care.selectors import grid_figures_for_actor

    d, _ = world
    worker = d.user("community_worker")
    body = _layer(_client(d, "community_worker"), "care", d.communities["A1"].code)
    figures = {g.grid_code: g.people for g in grid_figures_for_actor(actor=worker)}
    assert {f["properties"]["code"]: f["properties"]["count"] for f in body["features"]} == figures
    assert figures == {d.grids["g1"].code: 2, d.grids["g2"].code: 1}
    for f in body["features"]:
        assert set(f["properties"]) == {"code", "name", "drill", "count"}
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")  # the grid's shape, never a point
    text = str(body)
    for key in ("g1", "g2", "g4"):
        for person in d.persons[key]:
            assert person.name not in text
            assert person.phone not in text if getattr(person, "phone", "") else True
    # a grid worker has no population scope over A1: their care layer at g1 holds their grid only
    mine = _layer(_client(d, "grid_worker"), "care", d.grids["g1"].code)
    assert [f["properties"]["code"] for f in mine["features"]] == [d.grids["g1"].code]


def test_layers_read_with_few_queries(world, db, django_assert_max_num_queries):
    d, _ = world
    c = _client(d, "district_admin")
    for layer in LAYERS:
        # session + user + scope + the place and its crumbs (≤ 4) + the layer's own grouped reads (≤ 4)
        with django_assert_max_num_queries(14):
            _layer(c, layer, d.district.code)


def test_menu_offers_the_map_to_placed_staff_only(world, db):
    d, _ = world
    url = reverse("cockpit:map")
    for key in ("district_admin", "community_worker", "grid_worker"):
        assert f'href="{url}"' in _client(d, key).get(reverse("console:home")).content.decode(), key
    assert (
        f'href="{url}"' not in _client(d, "department_handler").get(reverse("console:home")).content.decode()
    )
