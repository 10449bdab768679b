"""The demo's resettlement estate: 288 flats, 159 storage rooms and 252 parking spaces for three former
villages' households, drawn (the order re-runs from the published seed and list) and allocated; the
overview counts it."""

import json
from io import StringIO

from django.core.management import call_command

from gongzhi.resettlement.enums import UnitKind
from gongzhi.resettlement.models import (
    EligibleHousehold,
    HousingUnit,
    ResettlementProject,
    SettlementStatement,
)


def test_the_estate_is_drawn_and_allocated(demo, client):
    project = ResettlementProject.objects.get()
    units = HousingUnit.objects.filter(project=project)
    assert [units.filter(kind=k).count() for k in (UnitKind.FLAT, UnitKind.STORAGE, UnitKind.PARKING)] == [
        288,
        159,
        252,
    ]
    assert EligibleHousehold.objects.filter(project=project).values("former_village").distinct().count() == 3
    assert not units.filter(
        household__isnull=True
    ).exists()  # every unit went to a household within its entitlement
    assert not EligibleHousehold.objects.filter(project=project, draw_position__isnull=True).exists()
    out = StringIO()
    call_command("resettlement_draw_verify", "--project", str(project.pk), stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
    assert SettlementStatement.objects.filter(household__project=project).count() == 24
    assert client.get("/api/v1/overview").json()["resettlement"] == {
        "projects": 1,
        "flats": 288,
        "allocated": 288,
    }
    assert "安置房分配" in demo
