"""GridLocator and boundary parsing: pure geometry, no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from gongzhi.core.errors import ValidationFailed
from gongzhi.places.geo import GridLocator, GridShape, parse_boundary

# Two squares side by side sharing the edge lng=117.01, a third above both sharing lat=36.01.
WEST = GridShape("370115001001001", box(117.00, 36.00, 117.01, 36.01))
EAST = GridShape("370115001001002", box(117.01, 36.00, 117.02, 36.01))
NORTH = GridShape("370115001001003", box(117.00, 36.01, 117.02, 36.02))
# A grid in two pieces (a campus split by a road) and a grid with a hole (a school inside it).
SPLIT = GridShape(
    "370115001001004",
    MultiPolygon([box(117.03, 36.00, 117.04, 36.01), box(117.05, 36.00, 117.06, 36.01)]),
)
RING = GridShape(
    "370115001001005",
    Polygon(
        [(117.10, 36.00), (117.13, 36.00), (117.13, 36.03), (117.10, 36.03)],
        [[(117.11, 36.01), (117.12, 36.01), (117.12, 36.02), (117.11, 36.02)]],
    ),
)
HOLE = GridShape("370115001001006", box(117.11, 36.01, 117.12, 36.02))
SHAPES = [WEST, EAST, NORTH, SPLIT, RING, HOLE]


@pytest.fixture
def locator() -> GridLocator:
    return GridLocator(SHAPES)


def test_point_inside(locator):
    assert locator.locate(117.005, 36.005) == WEST.code
    assert locator.locate(117.015, 36.005) == EAST.code
    assert locator.locate(117.010, 36.015) == NORTH.code  # on no edge: inside the northern grid


def test_outside_is_none(locator):
    assert locator.locate(116.0, 36.0) is None
    assert locator.locate(117.045, 36.005) is None  # the road between the two pieces of SPLIT
    assert locator.candidates(116.0, 36.0) == []


def test_multipolygon_both_pieces(locator):
    assert locator.locate(117.035, 36.005) == SPLIT.code
    assert locator.locate(117.055, 36.005) == SPLIT.code


def test_hole_belongs_to_the_grid_inside_it(locator):
    assert locator.locate(117.105, 36.005) == RING.code
    assert locator.locate(117.115, 36.015) == HOLE.code


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((117.01, 36.005), WEST.code),  # shared edge of WEST and EAST: smaller code
        ((117.005, 36.01), WEST.code),  # shared edge of WEST and NORTH
        ((117.015, 36.01), EAST.code),  # shared edge of EAST and NORTH
        ((117.01, 36.01), WEST.code),  # the vertex all three share
        ((117.11, 36.015), RING.code),  # edge of the hole: on both boundaries, so the smaller code
    ],
)
def test_shared_edge_is_deterministic(point, expected):
    # Whatever order the grids are loaded in, a point on an edge goes to the same grid.
    for shapes in (SHAPES, list(reversed(SHAPES)), SHAPES[2:] + SHAPES[:2]):
        loc = GridLocator(shapes)
        assert loc.locate(*point) == expected
        assert loc.locate_many([point]) == [expected]


def test_interior_beats_edge():
    # Overlapping grids should not exist, but if they do a point inside one and on the other's edge
    # goes to the one it is inside, whatever the codes.
    big = GridShape("370115001001009", box(117.0, 36.0, 117.1, 36.1))
    small = GridShape("370115001001001", box(117.0, 36.0, 117.05, 36.05))
    loc = GridLocator([big, small])
    assert loc.locate(117.05, 36.02) == big.code
    assert loc.candidates(117.05, 36.02) == [big.code, small.code]
    assert loc.locate_many([(117.05, 36.02)]) == [big.code]


def test_locate_many_matches_locate(locator):
    points = [(117.005, 36.005), (117.01, 36.005), (116.0, 36.0), (117.055, 36.005), (117.115, 36.015)]
    assert locator.locate_many(points) == [locator.locate(*p) for p in points]
    assert locator.locate_many([]) == []


def test_empty_locator():
    loc = GridLocator([])
    assert len(loc) == 0
    assert loc.locate(117.0, 36.0) is None
    assert loc.locate_many([(117.0, 36.0)]) == [None]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            # Snap some points onto the lattice so shared edges and vertices are hit too.
            st.one_of(st.floats(116.99, 117.14), st.sampled_from([117.0, 117.01, 117.02, 117.11])),
            st.one_of(st.floats(35.99, 36.04), st.sampled_from([36.0, 36.01, 36.02])),
        ),
        max_size=30,
    )
)
def test_locate_many_agrees_with_locate_and_brute_force(points):
    locator = GridLocator(SHAPES)
    many = locator.locate_many(points)
    for (lng, lat), got in zip(points, many, strict=True):
        assert got == locator.locate(lng, lat)
        from shapely.geometry import Point

        holders = sorted(s.code for s in SHAPES if s.geom.intersects(Point(lng, lat)))
        assert (got is None) == (not holders)
        if got is not None:
            assert got in holders


def test_parse_boundary_messages_are_chinese():
    with pytest.raises(ValidationFailed) as exc:
        parse_boundary({"type": "Point", "coordinates": [117, 36]})
    assert exc.value.fields == {"boundary": "边界必须是GeoJSON的Polygon或MultiPolygon"}
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[117, 36], [117.01, 36.01], [117.01, 36], [117, 36.01], [117, 36]]],
    }
    with pytest.raises(ValidationFailed) as exc:
        parse_boundary(bowtie, "geometry")
    assert exc.value.fields["geometry"].startswith("边界不是有效的多边形：边界自相交")
    swapped = {"type": "Polygon", "coordinates": [[[36, 117], [36.01, 117], [36.01, 117.01], [36, 117]]]}
    with pytest.raises(ValidationFailed) as exc:
        parse_boundary(swapped)
    assert "经度在前" in exc.value.message


@pytest.mark.django_db
def test_the_process_locator_checks_the_grids_at_most_every_period(district, settings):
    """Within ``GRID_LOCATOR_CHECK_SECONDS`` the locator answers without a query; a grid saved in this
    process drops it at once; a change it was not told of (another process's) shows after the period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.places import geo
    from gongzhi.places.models import Grid

    settings.GRID_LOCATOR_CHECK_SECONDS = 3600
    first = geo.grid_locator()
    with CaptureQueriesContext(connection) as ctx:
        assert geo.grid_locator() is first
    assert len(ctx.captured_queries) == 0
    grid = Grid.objects.exclude(boundary=None).first()
    assert grid is not None
    grid.save()  # through the ORM, as the grid services do: the signal drops the locator
    second = geo.grid_locator()
    assert second is not first
    Grid.objects.filter(pk=grid.pk).update(boundary=None)  # no signal: like a change in another process
    assert geo.grid_locator() is second
    settings.GRID_LOCATOR_CHECK_SECONDS = 0
    assert grid.code not in geo.grid_locator().codes
