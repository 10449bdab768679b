"""A team of 银山社区 (community A1 of the test district) with a one-off activity, and resident accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from gongzhi.volunteers import clock


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.OFFSET = dt.timedelta(0)


def move_clock(delta: dt.timedelta) -> None:
    clock.OFFSET = delta


def resident_user(district, key: str = "g1", n: int = 0):
    """The resident account of a registered person (opened as on first one-time-code sign-in)."""
    from gongzhi.people.services import resident_account_for_phone

    person = district.persons[key][n]
    return resident_account_for_phone(phone_hash=person.phone_hash)


@pytest.fixture
def team(district):
    from gongzhi.volunteers.services.teams import team_create

    return team_create(
        actor=district.user("community_worker"),
        community_id=district.communities["A1"].pk,
        name="银山社区红马甲志愿服务队",
        service_area="银山社区全域",
        skills=["general"],
    )


def make_activity(
    district,
    team,
    *,
    day: int = 1,
    at: float = 9.0,
    length_hours: float = 2.0,
    capacity: int = 2,
    title: str = "社区义诊",
):
    """A one-off session ``day`` days from today (local), from ``at`` o'clock for ``length_hours``."""
    from gongzhi.volunteers.services.activities import activity_create

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=day
    )
    start = midnight + dt.timedelta(hours=at)
    end = start + dt.timedelta(hours=length_hours)
    return activity_create(
        actor=district.user("community_worker"),
        team_id=team.pk,
        title=title,
        venue="银山社区党群服务中心",
        capacity=capacity,
        start_date=start.date(),
        start_time=start.time(),
        end_time=end.time(),
    )


@pytest.fixture
def activity(district, team):
    return make_activity(district, team)


@pytest.fixture
def session(activity):
    return activity.sessions.get()
