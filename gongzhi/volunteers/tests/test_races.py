"""Only one may win, with real threads at a barrier (gongzhi.testing.concurrency): the same resident
signing up twice at once, two scans at the same check-in, two confirmations of the same hours, the same
volunteer added to a team twice, two correction requests for the same hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.testing.concurrency import one_winner, race
from gongzhi.volunteers.enums import HoursStatus, SignUpStatus
from gongzhi.volunteers.models import ActivitySession, Attendance, ServiceHours, SignUp, Volunteer
from gongzhi.volunteers.services import attendance as att
from gongzhi.volunteers.services import hours as hrs
from gongzhi.volunteers.services.activities import signup_create
from gongzhi.volunteers.tests.conftest import make_activity, move_clock, resident_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_resident_signing_up_twice_at_once_gets_one_place(district, team):
    session = make_activity(district, team, capacity=5).sessions.get()
    user = resident_user(district, "g1", 0)
    results = race(
        lambda: signup_create(actor=user, session_id=session.pk),
        lambda: signup_create(actor=user, session_id=session.pk),
    )
    one_winner(results, message="不能重复报名")
    assert SignUp.objects.filter(session=session).exclude(status=SignUpStatus.CANCELLED).count() == 1
    assert ActivitySession.objects.get(pk=session.pk).signed_up_count == 1


def test_a_first_sign_up_to_two_activities_at_once_makes_one_volunteer(district, team):
    s1 = make_activity(district, team, capacity=5).sessions.get()
    s2 = make_activity(district, team, capacity=5, title="垃圾分类宣传").sessions.get()
    user = resident_user(district, "g1", 0)  # no volunteer profile yet: the first sign-up makes one
    results = race(
        lambda: signup_create(actor=user, session_id=s1.pk),
        lambda: signup_create(actor=user, session_id=s2.pk),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert Volunteer.objects.filter(user=user).count() == 1
    assert SignUp.objects.filter(volunteer__user=user, status=SignUpStatus.SIGNED_UP).count() == 2


def test_two_scans_at_the_same_check_in_record_one_attendance(district, team):
    session = make_activity(district, team, capacity=5).sessions.get()
    user = resident_user(district, "g1", 0)
    signup_create(actor=user, session_id=session.pk)
    move_clock(session.starts_at - timezone.now() + dt.timedelta(minutes=5))
    results = race(
        lambda: att.check_in_by_qr(actor=user, token=session.qr_token),
        lambda: att.check_in_by_qr(actor=user, token=session.qr_token),
    )
    one_winner(results, message="您已签到")
    assert Attendance.objects.filter(session=session).count() == 1
    assert AuditEvent.objects.filter(event_type="volunteers.checked_in").count() == 1


def _pending_hours(district, team) -> ServiceHours:
    session = make_activity(district, team, capacity=5).sessions.get()
    user = resident_user(district, "g1", 0)
    signup_create(actor=user, session_id=session.pk)
    move_clock(session.starts_at - timezone.now() + dt.timedelta(minutes=5))
    att.scan(actor=user, token=session.qr_token)
    move_clock(session.starts_at - timezone.now() + dt.timedelta(minutes=125))
    hours = att.scan(actor=user, token=session.qr_token).hours
    assert hours is not None and hours.status == HoursStatus.PENDING
    return hours


def test_two_confirmations_of_the_same_hours_count_them_once(district, team):
    hours = _pending_hours(district, team)
    staff = district.user("community_worker")
    results = race(
        lambda: hrs.hours_confirm(actor=staff, hours_id=hours.pk),
        lambda: hrs.hours_confirm(actor=staff, hours_id=hours.pk),
    )
    one_winner(results, message="不能改为")
    volunteer = Volunteer.objects.get(pk=hours.volunteer_id)
    assert volunteer.total_hours == hours.hours == Decimal("2.0")
    assert AuditEvent.objects.filter(event_type="volunteers.hours_confirmed").count() == 1


def test_confirm_and_reject_of_the_same_hours_at_once(district, team):
    hours = _pending_hours(district, team)
    staff = district.user("community_worker")
    results = race(
        lambda: hrs.hours_confirm(actor=staff, hours_id=hours.pk),
        lambda: hrs.hours_reject(actor=staff, hours_id=hours.pk, reason="未见本人"),
    )
    winner, _ = one_winner(results, message="不能改为")
    hours.refresh_from_db()
    assert hours.status == winner.status
    total = Volunteer.objects.get(pk=hours.volunteer_id).total_hours
    assert total == (hours.hours if hours.status == HoursStatus.CONFIRMED else Decimal("0"))
    assert (
        AuditEvent.objects.filter(
            event_type__in=["volunteers.hours_confirmed", "volunteers.hours_rejected"]
        ).count()
        == 1
    )


def test_the_same_volunteer_added_to_a_team_twice_at_once_is_one_member(district, team):
    from gongzhi.volunteers.models import TeamMembership
    from gongzhi.volunteers.services.teams import team_member_add, volunteer_register

    worker = district.user("community_worker")
    volunteer = volunteer_register(
        actor=worker, community_id=district.communities["A1"].pk, person_id=district.persons["g2"][0].pk
    )
    results = race(
        lambda: team_member_add(actor=worker, team_id=team.pk, volunteer_id=volunteer.pk),
        lambda: team_member_add(
            actor=district.user("community_secretary"), team_id=team.pk, volunteer_id=volunteer.pk
        ),
    )
    winner, _ = one_winner(results, message="已在本队")
    assert list(TeamMembership.objects.filter(volunteer=volunteer).values_list("pk", flat=True)) == [
        winner.pk
    ]
    assert list(
        AuditEvent.objects.filter(event_type="volunteers.member_added").values_list("target_id", flat=True)
    ) == [str(winner.pk)]


def test_two_correction_requests_for_the_same_hours_at_once_leave_one_pending(district, team):
    from gongzhi.volunteers.enums import EditRequestStatus
    from gongzhi.volunteers.models import HoursEditRequest

    hours = _pending_hours(district, team)
    user = resident_user(district, "g1", 0)
    session = ActivitySession.objects.get(pk=hours.session_id)

    def ask(minutes: int, reason: str):
        return lambda: hrs.hours_edit_request_create(
            actor=user,
            hours_id=hours.pk,
            started_at=session.starts_at,
            ended_at=session.starts_at + dt.timedelta(minutes=minutes),
            reason=reason,
        )

    winner, _ = one_winner(
        race(ask(90, "提前离场"), ask(120, "忘记扫码签退")), message="已有待审核的更正申请"
    )
    pending = HoursEditRequest.objects.filter(service_hours=hours, status=EditRequestStatus.PENDING)
    assert list(pending.values_list("pk", flat=True)) == [winner.pk]
    assert AuditEvent.objects.filter(event_type="volunteers.hours_edit_requested").count() == 1
    hours.refresh_from_db()
    assert hours.hours == Decimal("2.0")  # nothing changes until the organiser decides
