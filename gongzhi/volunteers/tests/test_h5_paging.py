"""The resident's hours page (我的志愿服务) is paged: 20 records a screen, newest first, the totals over
all of them (not only the page shown)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from gongzhi.volunteers.enums import Recurrence
from gongzhi.volunteers.services.activities import activity_create
from gongzhi.volunteers.services.bulk import ServedRow, activity_history_record
from gongzhi.volunteers.services.teams import volunteer_register
from gongzhi.volunteers.tests.conftest import resident_user

WEEKS = 23


def test_the_hours_page_pages_through_every_record(district, team):
    d = district
    staff = d.user("community_worker")
    user = resident_user(d)  # the first person of grid g1, with a resident account
    person = d.persons["g1"][0]
    volunteer = volunteer_register(actor=staff, community_id=d.communities["A1"].pk, person_id=person.pk)
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=WEEKS)
    activity = activity_create(
        actor=staff,
        team_id=team.pk,
        title="周末巡河",
        venue="银山社区河道",
        capacity=10,
        recurrence=Recurrence.WEEKLY,
        weekday=first.weekday(),
        start_date=first,
        end_date=today - dt.timedelta(days=1),
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    sessions = list(activity.sessions.order_by("starts_at"))
    assert len(sessions) == WEEKS
    activity_history_record(
        actor=staff,
        activity_id=activity.pk,
        rows=[ServedRow(s.pk, volunteer.pk, s.starts_at, s.ends_at) for s in sessions],
    )
    client = Client()
    client.force_login(user)
    page1 = client.get("/h5/volunteers/mine/")
    assert page1.status_code == 200
    assert len(page1.context["hours"]) == 20 and page1.context["page"].paginator.num_pages == 2
    assert page1.context["hours"][0].session_id == sessions[-1].pk  # newest first
    assert page1.context["total"] == Decimal(WEEKS)  # the total counts every record, not the page
    assert 'data-testid="next-page"' in page1.content.decode()
    page2 = client.get("/h5/volunteers/mine/?page=2")
    assert [h.session_id for h in page2.context["hours"]] == [s.pk for s in reversed(sessions[:3])]
    assert client.get("/h5/volunteers/mine/?page=99").context["page"].number == 2  # past the end: the last
