"""Point → grid: ``GridLocator`` one point at a time and vectorised, against brute force.

    python -m bench.point_to_grid [--grids 20000] [--points 100000] [--sample 500] [--seed 1] [--db]

Builds N synthetic grid polygons in memory (a lattice of squares with some irregular cells and some
two-piece MultiPolygons, so no two grids overlap; about 1% of the points are put exactly on shared edges
to exercise the tie rule), or with ``--db`` takes the grids saved in the database. Then it times:

- ``locate``: ``GridLocator.locate`` called once per point;
- ``locate_many``: one vectorised call for all points;
- ``brute_force``: the baseline, for a sample of points: every polygon tested per point
  (``shapely.contains_xy`` / ``intersects_xy`` over the whole prepared array, same tie rule);

and prints one JSON document: points per second of each, the locator's ratio against brute force,
whether all three gave the same answers on the sample, n_grids and n_points.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from gongzhi.places.geo import GridLocator, GridShape

ORIGIN = (116.80, 36.50)  # south-west corner of the synthetic lattice (Jinan)
CELL = 0.004  # degrees: about 360 m × 440 m, a typical urban grid


def _code(i: int) -> str:
    """A 15-digit grid code, unique per cell: 370115 + subdistrict + community + sequence."""
    sub, rest = divmod(i, 399 * 999)
    community, seq = divmod(rest, 999)
    return f"370115{sub + 1:03d}{community + 1:03d}{seq + 1:03d}"


def _irregular(x0: float, y0: float, rng: random.Random) -> Polygon:
    """A cell whose edges are bent inwards at a few points: irregular, still inside its own square."""
    steps = 4
    pts: list[tuple[float, float]] = []
    corners = [(x0, y0), (x0 + CELL, y0), (x0 + CELL, y0 + CELL), (x0, y0 + CELL)]
    inward = [(0.0, 1.0), (-1.0, 0.0), (0.0, -1.0), (1.0, 0.0)]
    for k in range(4):
        (ax, ay), (bx, by) = corners[k], corners[(k + 1) % 4]
        nx, ny = inward[k]
        pts.append((ax, ay))
        for s in range(1, steps):
            t = s / steps
            depth = rng.uniform(0.0, 0.2) * CELL
            pts.append((ax + (bx - ax) * t + nx * depth, ay + (by - ay) * t + ny * depth))
    return Polygon(pts)


def _split(x0: float, y0: float) -> MultiPolygon:
    """A cell cut in two by a road: one grid in two pieces."""
    road = CELL * 0.1
    half = (CELL - road) / 2
    return MultiPolygon([box(x0, y0, x0 + half, y0 + CELL), box(x0 + half + road, y0, x0 + CELL, y0 + CELL)])


def synthetic_grids(n: int, seed: int = 1) -> list[GridShape]:
    rng = random.Random(seed)
    side = max(1, math.ceil(math.sqrt(n)))
    shapes: list[GridShape] = []
    for i in range(n):
        row, col = divmod(i, side)
        x0, y0 = ORIGIN[0] + col * CELL, ORIGIN[1] + row * CELL
        geom: Polygon | MultiPolygon
        if i % 17 == 16:
            geom = _split(x0, y0)
        elif i % 5 == 4:
            geom = _irregular(x0, y0, rng)
        else:
            geom = box(x0, y0, x0 + CELL, y0 + CELL)
        shapes.append(GridShape(_code(i), geom))
    return shapes


def db_grids() -> list[GridShape]:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from shapely.geometry import shape

    from gongzhi.places.models import Grid

    rows = Grid.objects.filter(boundary__isnull=False).values_list("code", "boundary")
    return [GridShape(code, shape(boundary)) for code, boundary in rows.iterator()]


def random_points(shapes: Sequence[GridShape], m: int, seed: int = 1) -> list[tuple[float, float]]:
    """Uniform over the grids' extent plus a 5% margin (some points fall outside every grid); about 1%
    snapped onto the lattice lines, i.e. onto shared edges and vertices."""
    rng = random.Random(seed + 1)
    bounds = np.array([s.geom.bounds for s in shapes])
    minx, miny = bounds[:, 0].min(), bounds[:, 1].min()
    maxx, maxy = bounds[:, 2].max(), bounds[:, 3].max()
    mx, my = (maxx - minx) * 0.05, (maxy - miny) * 0.05
    points = []
    for _ in range(m):
        x, y = rng.uniform(minx - mx, maxx + mx), rng.uniform(miny - my, maxy + my)
        if rng.random() < 0.01:
            x = ORIGIN[0] + round((x - ORIGIN[0]) / CELL) * CELL
        points.append((x, y))
    return points


class BruteForce:
    """Every polygon tested for every point (vectorised over the polygons, which flatters the baseline),
    with the locator's rule: a grid holding the point inside wins over one it is on the edge of, then
    the smallest code."""

    def __init__(self, shapes: Sequence[GridShape]) -> None:
        ordered = sorted(shapes, key=lambda s: s.code)
        self.codes = [s.code for s in ordered]
        self.geoms = np.array([s.geom for s in ordered], dtype=object)
        shapely.prepare(self.geoms)

    def locate(self, x: float, y: float) -> str | None:
        for test in (shapely.contains_xy, shapely.intersects_xy):
            hits = np.flatnonzero(test(self.geoms, x, y))
            if len(hits):
                return self.codes[int(hits[0])]
        return None


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("inf")


def run(shapes: Sequence[GridShape], points: Sequence[tuple[float, float]], sample: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    locator = GridLocator(shapes)
    build = time.perf_counter() - t0

    t0 = time.perf_counter()
    one_by_one = [locator.locate(x, y) for x, y in points]
    single = time.perf_counter() - t0

    t0 = time.perf_counter()
    vectorised = locator.locate_many(points)
    many = time.perf_counter() - t0

    brute = BruteForce(shapes)
    sample_points = list(points[: max(1, min(sample, len(points)))])
    t0 = time.perf_counter()
    brute_answers = [brute.locate(x, y) for x, y in sample_points]
    brute_seconds = time.perf_counter() - t0

    k = len(sample_points)
    brute_pps = _rate(k, brute_seconds)
    single_pps = _rate(len(points), single)
    many_pps = _rate(len(points), many)
    return {
        "benchmark": "point_to_grid",
        "n_grids": len(shapes),
        "n_points": len(points),
        "brute_force_sample": k,
        "build_seconds": round(build, 4),
        "locate": {
            "seconds": round(single, 4),
            "points_per_second": single_pps,
            "ratio_vs_brute_force": round(single_pps / brute_pps, 2),
        },
        "locate_many": {
            "seconds": round(many, 4),
            "points_per_second": many_pps,
            "ratio_vs_brute_force": round(many_pps / brute_pps, 2),
        },
        "brute_force": {
            "seconds": round(brute_seconds, 4),
            "points_per_second": brute_pps,
            "method": "shapely.contains_xy/intersects_xy over every prepared polygon, per point",
        },
        "located_share": round(sum(c is not None for c in vectorised) / max(1, len(points)), 4),
        "agree": one_by_one == vectorised and one_by_one[:k] == brute_answers,
        "python": platform.python_version(),
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.point_to_grid", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--grids", type=int, default=20_000, help="synthetic grids (default 20000, a city)")
    parser.add_argument("--points", type=int, default=100_000, help="points to locate (default 100000)")
    parser.add_argument("--sample", type=int, default=500, help="points for the brute-force baseline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", action="store_true", help="use the grids saved in the database")
    args = parser.parse_args(argv)
    if args.grids < 1 or args.points < 1 or args.sample < 1:
        parser.error("--grids, --points and --sample must be at least 1")

    shapes = db_grids() if args.db else synthetic_grids(args.grids, args.seed)
    if not shapes:
        print(
            json.dumps(
                {"benchmark": "point_to_grid", "error": "数据库中没有带边界的网格"}, ensure_ascii=False
            )
        )
        return 1
    points = random_points(shapes, args.points, args.seed)
    result = run(shapes, points, args.sample)
    result["source"] = "db" if args.db else "synthetic"
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
