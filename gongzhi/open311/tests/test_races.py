"""A key's per-minute rate limit, with real threads at a barrier (gongzhi.testing.concurrency): the
counter is shared by every web worker, so two requests in the same new minute count two, and with a limit
of one exactly one of them passes. (One ticket per external id is in tickets/tests/test_races.py.)"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gongzhi.open311.models import ApiKeyMinute
from gongzhi.open311.services import apikey_count_request, apikey_issue
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)
AT = datetime(2026, 11, 25, 10, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _key(district, rate_limit):
    return apikey_issue(
        actor=district.user("district_admin"),
        name="随手拍App",
        place_code=district.district.code,
        rate_limit=rate_limit,
    ).key


def test_two_requests_in_a_new_minute_count_two(district):
    key = _key(district, None)
    results = race(
        lambda: apikey_count_request(key=key, now=AT), lambda: apikey_count_request(key=key, now=AT)
    )
    assert sorted(results) == [1, 2], results
    assert ApiKeyMinute.objects.get(key=key).count == 2


def test_a_limit_of_one_lets_one_of_two_simultaneous_requests_through(district):
    key = _key(district, 1)
    results = race(
        lambda: apikey_count_request(key=key, now=AT), lambda: apikey_count_request(key=key, now=AT)
    )
    winner, _ = one_winner(results, message="每分钟最多1次", status=429)
    assert winner == 1
