"""The indicators benchmark runs, leaves the database as it was, and prints one JSON document."""

from __future__ import annotations

import json

import pytest

from bench import ticket_indicators


@pytest.mark.django_db
def test_prints_one_json_document_and_rolls_back(capsys):
    from gongzhi.places.models import District
    from gongzhi.tickets.models import DailyStat

    assert ticket_indicators.main(["--tickets", "5000", "--repeat", "1", "--days", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["benchmark"] == "ticket_indicators" and doc["rows"] > 0
    assert doc["reported"] > 0 and doc["district_year_ms"]["median"] >= 0
    assert not DailyStat.objects.exists() and not District.objects.exists()
