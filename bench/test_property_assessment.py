"""The red-property assessment benchmark runs and prints one JSON document (timing not checked)."""

from __future__ import annotations

import json

from bench import property_assessment


def test_prints_one_json_document(capsys):
    assert property_assessment.main(["--subjects", "300"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["bench"] == "property_assessment"
    syn = doc["synthetic"]
    assert syn["subjects"] == syn["ranked"] == 300 and syn["seconds"] >= 0
    assert 0 <= syn["best"] <= 100
