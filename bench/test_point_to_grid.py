"""The point-to-grid benchmark runs and prints one JSON document of the agreed shape (timing not checked)."""

from __future__ import annotations

import json

from bench import point_to_grid


def test_prints_one_json_document(capsys):
    assert point_to_grid.main(["--grids", "40", "--points", "400", "--sample", "60"]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # exactly one document
    assert doc["benchmark"] == "point_to_grid" and doc["source"] == "synthetic"
    assert (doc["n_grids"], doc["n_points"], doc["brute_force_sample"]) == (40, 400, 60)
    for key in ("locate", "locate_many"):
        assert doc[key]["points_per_second"] > 0
        assert doc[key]["ratio_vs_brute_force"] > 0
    assert doc["brute_force"]["points_per_second"] > 0
    assert doc["agree"] is True
    assert 0.5 < doc["located_share"] <= 1


def test_synthetic_grids_do_not_overlap():
    shapes = point_to_grid.synthetic_grids(50)
    assert len({s.code for s in shapes}) == 50
    assert all(len(s.code) == 15 and s.geom.is_valid for s in shapes)
    assert any(s.geom.geom_type == "MultiPolygon" for s in shapes)
    total = sum(s.geom.area for s in shapes)
    import shapely

    assert abs(shapely.union_all([s.geom for s in shapes]).area - total) < 1e-12
