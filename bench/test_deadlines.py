"""The deadline benchmark runs and prints one JSON document (timing not checked)."""

from __future__ import annotations

import json

import pytest

from bench import deadlines


@pytest.mark.django_db
def test_prints_one_json_document(capsys):
    assert deadlines.main(["--n", "300"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["benchmark"] == "deadlines" and doc["n"] == 300
    assert doc["agree"] is True  # same working-day dates as chinesecalendar's own arithmetic
    assert doc["queries"] <= 1
    assert doc["working_days"]["per_second"] > 0 and doc["working_hours"]["per_second"] > 0
