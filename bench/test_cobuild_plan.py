"""The yearly-plan benchmark runs and prints one JSON document of the agreed shape (timing not checked)."""

from __future__ import annotations

import json

from bench import cobuild_plan


def test_prints_one_json_document(capsys):
    assert cobuild_plan.main(["--needs", "300", "--resources", "150"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["benchmark"] == "cobuild_plan" and doc["source"] == "synthetic"
    assert (doc["n_needs"], doc["n_resources"]) == (300, 150)
    for key in ("plan", "greedy"):
        assert doc[key]["matched"] > 0 and doc[key]["total_fit"] > 0 and doc[key]["seconds"] >= 0
    assert doc["plan"]["total_fit"] >= doc["greedy"]["total_fit"]
    assert doc["plan_ge_greedy"] is True
    assert doc["candidate_edges"] > 0
