"""The 15-minute circle benchmark runs and prints one JSON document (timing not checked)."""

from __future__ import annotations

import json

from bench import venues_circle


def test_prints_one_json_document(capsys):
    assert venues_circle.main(["--households", "2400", "--venues", "40"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["bench"] == "venues_circle"
    syn = doc["synthetic"]
    assert (syn["households"], syn["venues"], syn["buildings"]) == (2400, 40, 100)
    assert 0 < syn["covered"] <= syn["households"] and syn["seconds"] >= 0
    assert syn["share"] == round(syn["covered"] / syn["households"], 4)
