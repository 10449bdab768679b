"""A named stairwell earns its households points (issue 21: claims generated from a civilised-stairwell
naming): under a rule of source ``stairwell_naming`` the community's harvest makes one pending claim per
household of the stairwell, once; a stairwell not named earns nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.places.models import Household
from gongzhi.points.enums import ClaimStatus, RuleSource
from gongzhi.points.models import Claim
from gongzhi.points.services.harvest import claims_harvest
from gongzhi.points.tests.factories import make_rule
from gongzhi.stairwells.services.inspections import stairwell_inspect
from gongzhi.stairwells.tests.factories import ALL_PASS, stairwells

pytestmark = pytest.mark.django_db


def test_the_households_of_a_named_stairwell_get_one_claim_each(district):
    wells = stairwells(district)
    sw, other = wells["g1"], wells["g2"]
    worker = district.user("grid_worker")
    today = timezone.localdate()
    for days in (20, 10):
        stairwell_inspect(
            actor=worker, stairwell_id=sw.pk, results=ALL_PASS, inspected_on=today - dt.timedelta(days=days)
        )
    rule = make_rule(
        district, code="L01", name="文明楼道命名", low=5, high=5, source=RuleSource.STAIRWELL_NAMING
    )
    secretary = district.user("community_secretary")
    made = claims_harvest(actor=secretary, community_id=district.communities["A1"].pk)
    homes = set(
        Household.objects.filter(building_id=sw.building_id, entrance=sw.entrance).values_list(
            "pk", flat=True
        )
    )
    assert made == len(homes) > 0
    claims = Claim.objects.filter(rule=rule)
    assert set(claims.values_list("household_id", flat=True)) == homes
    assert {c.status for c in claims} == {ClaimStatus.PENDING}
    assert not claims.filter(household__building_id=other.building_id).exists()
    assert claims_harvest(actor=secretary, community_id=district.communities["A1"].pk) == 0
