"""/api/v1/overview's ``mediation`` key, counted from the records."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.mediation.services.outcomes import case_agree, case_end_unresolved
from gongzhi.mediation.tests.factories import make_case, make_org, mediating_case

pytestmark = pytest.mark.django_db


def test_overview_mediation_counts(district):
    empty = Client().get("/api/v1/overview").json()["mediation"]
    assert empty == {
        "committees": 0,
        "rooms": 0,
        "cases_this_year": 0,
        "agreements": 0,
        "success_rate": {"value": None, "numerator": 0, "denominator": 0},
        "warnings_open": 0,
    }
    org = make_org(district)
    a = mediating_case(district, org)
    case_agree(actor=None, case_id=a.pk, terms="赔偿", performance="当日")
    b = mediating_case(district, org, title="噪音")
    case_end_unresolved(actor=None, case_id=b.pk, note="告知诉讼途径")
    make_case(district, org, title="宠物")
    out = Client().get("/api/v1/overview").json()["mediation"]
    assert out["committees"] == 2 and out["rooms"] == 1 and out["cases_this_year"] == 3
    assert out["agreements"] == 1 and out["success_rate"] == {"value": 0.5, "numerator": 1, "denominator": 2}
    assert out["warnings_open"] == 0
