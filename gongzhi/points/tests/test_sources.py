"""Claims generated from the records of the apps above points (``points/sources.py``): a rule of a
registered source makes one pending claim per earning record, once per rule; a rule whose source no app
reads (the app is not installed) makes none; a record outside the rule's dates makes none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.points import sources
from gongzhi.points.enums import ClaimStatus, RuleSource
from gongzhi.points.models import Claim
from gongzhi.points.services.harvest import claims_harvest
from gongzhi.points.tests.factories import make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def stairwell_reader(district):
    """A reader as the stairwells app registers one: two households of g1 earn points for a naming."""
    today = timezone.localdate()
    homes = district.households["g1"][:2]
    saved = sources.reader_for(RuleSource.STAIRWELL_NAMING)

    def reader(community_code: str):
        return [
            sources.Earned(
                key=f"stairwell:1:{h.pk}",
                day=today,
                household_id=h.pk,
                person_id=None,
                quantity=1,
                description="1单元命名为文明楼道",
            )
            for h in homes
            if h.community_code == community_code
        ]

    sources.register(RuleSource.STAIRWELL_NAMING, reader)
    yield homes
    if saved is not None:
        sources.register(RuleSource.STAIRWELL_NAMING, saved)
    else:
        sources._READERS.pop(RuleSource.STAIRWELL_NAMING, None)


def test_a_registered_source_makes_one_claim_per_record_once(district, stairwell_reader):
    rule = make_rule(
        district, code="L01", name="文明楼道命名", low=5, high=5, source=RuleSource.STAIRWELL_NAMING
    )
    community = district.communities["A1"]
    secretary = district.user("community_secretary")
    assert claims_harvest(actor=secretary, community_id=community.pk) == 2
    claims = list(Claim.objects.filter(rule=rule).order_by("household_id"))
    assert [c.household_id for c in claims] == sorted(h.pk for h in stairwell_reader)
    assert {c.status for c in claims} == {ClaimStatus.PENDING} and {c.points for c in claims} == {5}
    assert {c.source for c in claims} == {RuleSource.STAIRWELL_NAMING}
    assert claims_harvest(actor=secretary, community_id=community.pk) == 0  # once per rule


def test_a_source_nobody_reads_and_a_record_outside_the_dates_make_nothing(district, stairwell_reader):
    community = district.communities["A1"]
    secretary = district.user("community_secretary")
    make_rule(
        district, code="R01", name="决议落实志愿者", low=2, high=2, source=RuleSource.RESOLUTION_VOLUNTEERS
    )
    if sources.reader_for(RuleSource.RESOLUTION_VOLUNTEERS) is None:
        assert claims_harvest(actor=secretary, community_id=community.pk) == 0
    Claim.objects.all().delete()
    later = timezone.localdate() + dt.timedelta(days=30)
    make_rule(
        district, code="L02", name="文明楼道命名（新）", low=5, high=5, source=RuleSource.STAIRWELL_NAMING,
        valid_from=later,
    )  # fmt: skip
    claims_harvest(actor=secretary, community_id=community.pk)
    assert not Claim.objects.filter(rule__code="L02").exists()
