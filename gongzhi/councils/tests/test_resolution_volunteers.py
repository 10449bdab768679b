"""A resolution's volunteers (决议落实志愿者) and the points they earn (issue 21: claims generated from a
resolution's volunteers): a resident of the community is recorded once per resolution, a resident of
another community or a date in the future is refused in Chinese with nothing written, and a rule of source
``resolution`` turns each record into one pending claim for the volunteer's household."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import Conflict, ValidationFailed
from gongzhi.councils.models import ResolutionVolunteer
from gongzhi.councils.services.resolutions import resolution_implementation_start, resolution_volunteer_record
from gongzhi.councils.tests.factories import make_council
from gongzhi.councils.tests.test_workflow import _adopted
from gongzhi.points.enums import RuleSource
from gongzhi.points.models import Claim
from gongzhi.points.services.harvest import claims_harvest
from gongzhi.points.tests.factories import make_rule

pytestmark = pytest.mark.django_db


def _implementing(d):
    topic, _meeting = _adopted(d, make_council(d))
    resolution_implementation_start(actor=d.user("community_worker"), resolution_id=topic.resolution.pk)
    return topic.resolution


def test_a_volunteer_is_recorded_once_and_earns_a_claim(district):
    d = district
    resolution = _implementing(d)
    worker = d.user("community_worker")
    person = d.persons["g1"][0]
    today = timezone.localdate()
    v = resolution_volunteer_record(
        actor=worker, resolution_id=resolution.pk, person_id=person.pk, served_on=today, note="清理管沟"
    )
    assert (v.household_id, v.community_code) == (person.household_id, resolution.community_code)
    with pytest.raises(Conflict):
        resolution_volunteer_record(
            actor=worker, resolution_id=resolution.pk, person_id=person.pk, served_on=today
        )
    rule = make_rule(
        d, code="R01", name="决议落实志愿者", low=3, high=3, source=RuleSource.RESOLUTION_VOLUNTEERS
    )
    secretary = d.user("community_secretary")
    assert claims_harvest(actor=secretary, community_id=d.communities["A1"].pk) == 1
    claim = Claim.objects.get(rule=rule)
    assert (claim.household_id, claim.person_id, claim.points) == (person.household_id, person.pk, 3)
    assert resolution.number in claim.description
    assert claims_harvest(actor=secretary, community_id=d.communities["A1"].pk) == 0


def test_a_resident_elsewhere_or_a_future_day_is_refused_and_nothing_written(district):
    d = district
    resolution = _implementing(d)
    worker = d.user("community_worker")
    outsider = next(
        p
        for people in d.persons.values()
        for p in people
        if p.household.community_code != resolution.community_code
    )
    with pytest.raises(ValidationFailed) as err:
        resolution_volunteer_record(
            actor=worker, resolution_id=resolution.pk, person_id=outsider.pk, served_on=timezone.localdate()
        )
    assert err.value.fields["person_id"] == "该居民不在本社区的人口登记中"
    with pytest.raises(ValidationFailed) as err:
        resolution_volunteer_record(
            actor=worker,
            resolution_id=resolution.pk,
            person_id=d.persons["g1"][1].pk,
            served_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert err.value.fields["served_on"] == "服务日期不能晚于今天"
    assert not ResolutionVolunteer.objects.exists()


def test_the_topic_page_records_a_volunteer_by_name(district, client):
    d = district
    resolution = _implementing(d)
    person = d.persons["g1"][0]
    client.force_login(d.user("community_worker"))
    r = client.post(
        f"/console/councils/topics/{resolution.topic_id}/act/",
        {"action": "volunteer", "person": person.name, "served_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "已登记落实志愿者" in r.content.decode()
    assert ResolutionVolunteer.objects.filter(resolution=resolution, person=person).exists()
    assert person.name in client.get(f"/console/councils/topics/{resolution.topic_id}/").content.decode()
