"""The 15-minute circle on hand-made layouts with known distances: the pure computation (metres on the
local plane × the detour factor) and the households of the small district (grid centres as their points)."""

from __future__ import annotations

import math

import pytest

from gongzhi.venues import coverage
from gongzhi.venues.coverage import HouseholdPoint, VenuePoint, walking_coverage
from gongzhi.venues.enums import VenueKind
from gongzhi.venues.selectors import coverage_for_actor, venue_counts
from gongzhi.venues.tests.factories import make_venue

LAT0 = 36.98
M_LAT = coverage.METRES_PER_DEGREE_LAT
M_LNG = coverage.METRES_PER_DEGREE_LNG_EQUATOR * math.cos(math.radians(LAT0))


def north(metres: float) -> float:
    return LAT0 + metres / M_LAT


def test_known_distances_on_a_hand_made_layout():
    # one centre at the origin, one 678 station 2 km east; households due north of the centre
    venues = [
        VenuePoint(1, VenueKind.SERVICE_CENTRE, 117.0, LAT0),
        VenuePoint(2, VenueKind.STATION_678, 117.0 + 2000 / M_LNG, LAT0),
    ]
    homes = [
        HouseholdPoint(10, "C1", 117.0, north(500)),  # 500 m straight → 650 m walk: inside
        HouseholdPoint(11, "C1", 117.0, north(760)),  # 988 m walk: inside
        HouseholdPoint(12, "C1", 117.0, north(800)),  # 1 040 m walk: outside
        HouseholdPoint(13, "C2", 117.0 + 2000 / M_LNG, north(300)),  # 390 m from the station
    ]
    # the mean latitude of the households is the plane's origin: distances are exact to the metre
    cov = walking_coverage(homes, venues, detour_factor=1.3, walk_metres=1000)
    lat_mean = sum(h.lat for h in homes) / len(homes)
    assert abs(lat_mean - LAT0) < 0.01
    assert cov.distances[10][VenueKind.SERVICE_CENTRE] == pytest.approx(650, abs=1)
    assert cov.distances[11][coverage.ALL] == pytest.approx(988, abs=1)
    assert cov.distances[12][coverage.ALL] == pytest.approx(1040, abs=1)
    assert cov.distances[13][VenueKind.STATION_678] == pytest.approx(390, abs=1)
    # the nearest of each kind: household 10 to the station is √(2000² + 500²) × 1.3
    assert cov.distances[10][VenueKind.STATION_678] == pytest.approx(math.hypot(2000, 500) * 1.3, abs=2)
    assert (cov.households, cov.covered, cov.share) == (4, 3, 0.75)
    assert cov.communities["C1"].covered == 2 and cov.communities["C1"].share == pytest.approx(
        2 / 3, abs=1e-4
    )
    assert cov.communities["C2"].by_kind == {VenueKind.STATION_678: 1}
    # a longer walk allowed (or no detour) covers the third household too
    assert walking_coverage(homes, venues, detour_factor=1.0, walk_metres=1000).covered == 4
    assert walking_coverage(homes, [], detour_factor=1.3).covered == 0


@pytest.mark.django_db
def test_the_small_districts_households_against_a_venue_at_grid_one(district):
    d = district
    g1 = d.grids["g1"]
    make_venue(d, lng=g1.center_lng, lat=g1.center_lat)
    cov = coverage_for_actor(actor=d.user("community_worker"), keep_distances=True)
    # g1's three households sit on the venue; g2's centre is 0.01° east: ~889 m straight, ~1 156 m walked
    a1 = cov.communities[d.communities["A1"].code]
    assert (a1.households, a1.covered) == (6, 3)
    far = [cov.distances[h.pk][coverage.ALL] for h in d.households["g2"]]
    assert all(1100 < m < 1200 for m in far)
    assert set(cov.communities) == {d.communities["A1"].code}  # the worker's scope only
    assert venue_counts()["households_within_15_minutes_share"] == pytest.approx(3 / 12, abs=1e-4)
    assert coverage_for_actor(actor=d.user("resident")).households == 0
