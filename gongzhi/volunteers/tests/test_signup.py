import datetime as dt

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.volunteers.enums import Recurrence, SignUpStatus
from gongzhi.volunteers.models import ActivitySession, SignUp, Volunteer
from gongzhi.volunteers.selectors.activities import open_session_list_for_actor
from gongzhi.volunteers.services.activities import activity_create, signup_cancel, signup_create
from gongzhi.volunteers.tests.conftest import resident_user

pytestmark = pytest.mark.django_db


def test_weekly_series_generates_one_session_per_week(district, team):
    activity = activity_create(
        actor=district.user("community_worker"),
        team_id=team.pk,
        title="周三义诊",
        venue="银山社区卫生室",
        capacity=20,
        recurrence=Recurrence.WEEKLY,
        weekday=2,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 3, 31),
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 30),
    )
    sessions = list(activity.sessions.order_by("starts_at"))
    assert len(sessions) == 12  # Wednesdays 7 Jan … 25 Mar 2026
    assert all(s.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).weekday() == 2 for s in sessions)
    assert len({s.qr_token for s in sessions}) == 12
    assert all(s.capacity == 20 for s in sessions)
    assert AuditEvent.objects.filter(event_type="volunteers.activity_published").count() == 1


def test_bad_activity_input_is_refused_with_chinese_fields(district, team):
    with pytest.raises(ValidationFailed) as exc:
        activity_create(
            actor=district.user("community_worker"),
            team_id=team.pk,
            title="",
            venue="",
            capacity=0,
            start_date=dt.date(2026, 1, 1),
            start_time=dt.time(11, 0),
            end_time=dt.time(9, 0),
        )
    assert exc.value.fields["title"] == "请填写活动名称"
    assert exc.value.fields["end_time"] == "结束时间应晚于开始时间"
    assert exc.value.fields["capacity"].startswith("每场名额")


def test_other_community_cannot_publish(district, team):
    with pytest.raises(NotFound):
        activity_create(
            actor=district.user("grid_worker"),
            team_id=team.pk,
            title="x",
            venue="y",
            capacity=1,
            start_date=dt.date(2026, 1, 1),
            start_time=dt.time(9, 0),
            end_time=dt.time(10, 0),
        )


def test_full_session_puts_the_next_on_the_waiting_list_and_cancel_promotes(district, session):
    a, b, c = (resident_user(district, "g1", n) for n in range(3))
    sa = signup_create(actor=a, session_id=session.pk)
    sb = signup_create(actor=b, session_id=session.pk)
    sc = signup_create(actor=c, session_id=session.pk)
    assert (sa.status, sb.status, sc.status) == (
        SignUpStatus.SIGNED_UP,
        SignUpStatus.SIGNED_UP,
        SignUpStatus.WAITING,
    )
    assert Volunteer.objects.filter(user=a, person=district.persons["g1"][0]).exists()
    session.refresh_from_db()
    assert (session.signed_up_count, session.waiting_count) == (2, 1)

    with pytest.raises(Conflict, match="不能重复报名"):
        signup_create(actor=a, session_id=session.pk)

    signup_cancel(actor=a, signup_id=sa.pk)
    sc.refresh_from_db()
    assert sc.status == SignUpStatus.SIGNED_UP and sc.promoted_at is not None
    session.refresh_from_db()
    assert (session.signed_up_count, session.waiting_count) == (2, 0)
    event = AuditEvent.objects.get(event_type="volunteers.signup_cancelled")
    assert event.data["promoted"] == sc.pk


def test_resident_sees_sessions_of_own_community_only(district, session):
    near = resident_user(district, "g1", 0)
    far = resident_user(district, "g4", 0)  # 安大社区
    assert [s.pk for s in open_session_list_for_actor(actor=near)] == [session.pk]
    assert list(open_session_list_for_actor(actor=far)) == []
    with pytest.raises(NotFound):
        signup_create(actor=far, session_id=session.pk)
    assert not SignUp.objects.exists()


def test_account_without_resident_record_cannot_sign_up(district, session):
    with pytest.raises(Forbidden, match="尚未关联社区居民"):
        signup_create(actor=district.user("community_secretary"), session_id=session.pk)
    assert ActivitySession.objects.get(pk=session.pk).signed_up_count == 0


def test_profile_registered_by_the_community_is_the_residents_once_they_sign_in(district, session):
    from gongzhi.volunteers.selectors.teams import volunteer_of
    from gongzhi.volunteers.services.teams import volunteer_register

    person = district.persons["g1"][3]
    registered = volunteer_register(
        actor=district.user("community_worker"),
        community_id=district.communities["A1"].pk,
        person_id=person.pk,
        skills=["legal"],
        availability_pattern="678",
    )
    assert registered.user_id is None and len(registered.availability) == 7
    user = resident_user(district, "g1", 3)  # first sign-in opens the account later
    assert volunteer_of(user) == registered
    signup = signup_create(actor=user, session_id=session.pk)
    assert signup.volunteer_id == registered.pk
    registered.refresh_from_db()
    assert registered.user_id == user.pk
    assert Volunteer.objects.count() == 1
